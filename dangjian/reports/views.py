"""The work report's pages: the report for any organisation in scope and any period (with its .docx
and companion .xlsx), the records behind each figure, the county's sentence template with a live
preview, the dashboard, and the annual 党内统计 tables."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import roles
from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook, xlsx_response
from dangjian.core.scope import VIEW, get_for_user_or_404
from dangjian.core.views_helpers import htmx_redirect, paginate, require_role
from dangjian.register.models import Organization
from dangjian.stats.services import parse_date

from . import annual, dashboard as dashboard_mod, services, templating, traceability
from .document import blanks_note, build
from .docx_writer import DOCX_MIME, to_docx
from .figures import BY_ID, FIGURES
from .report import compute_report, default_period

STAFF = roles.STAFF_ROLES
ROLE_MESSAGE = "工作汇报仅供组织部门、党（工）委和党支部使用"


@dataclass
class Params:
    org: Organization | None
    date_from: datetime.date
    date_to: datetime.date
    errors: list[str]

    def query(self, **extra) -> str:
        return urlencode({"org": self.org.pk if self.org is not None else "", "from": self.date_from.isoformat(),
                          "to": self.date_to.isoformat(), **extra})

    @property
    def scope_name(self) -> str:
        return self.org.name if self.org is not None else "全部组织"


def _scope(request, data) -> Organization | None:
    user = request.user
    raw = data.get("org", "").strip()
    if raw:
        if not re.fullmatch(r"\d{1,18}", raw):
            raise Http404("对象不存在或不在您的管理范围内")
        return get_for_user_or_404(Organization.objects.select_related("division"), user, pk=int(raw))
    if user.is_superuser and not user.organization_id:
        roots = list(Organization.objects.filter(depth=1).select_related("division")[:2])
        return roots[0] if len(roots) == 1 else None
    if not user.organization_id:
        raise PermissionDenied("您的账号未关联党组织，无法生成工作汇报")
    return get_for_user_or_404(Organization.objects.select_related("division"), user, pk=user.organization_id)


def params(request, data=None) -> Params:
    """The organisation (``org``, within the user's scope: out of scope is 404) and the period
    (``from``/``to``) asked for in ``data`` (default the query string)."""
    require_role(request.user, STAFF, ROLE_MESSAGE)
    data = request.GET if data is None else data
    org = _scope(request, data)
    default_from, default_to = default_period()
    errors = []
    dates = {}
    for name, label, default in (("from", "起始日期", default_from), ("to", "截止日期", default_to)):
        raw = data.get(name, "").strip()
        dates[name] = default
        if raw:
            try:
                dates[name] = parse_date(raw, label)
            except ValidationError as exc:
                errors += [f"{m}（已按默认日期生成）" for m in exc.messages]
    if dates["from"] > dates["to"]:
        errors.append(f"起始日期{dates['from']:%Y-%m-%d}晚于截止日期{dates['to']:%Y-%m-%d}（已按默认期间生成）")
        dates = {"from": default_from, "to": default_to}
    return Params(org, dates["from"], dates["to"], errors)


def scope_choices(user):
    qs = Organization.objects.for_user(user, VIEW).order_by("path").only("pk", "name", "depth")
    top = min((o.depth for o in qs), default=1)
    return [(str(o.pk), "\u3000" * (o.depth - top) + o.name) for o in qs]


def _paragraphs(doc, p: Params) -> list[dict]:
    """The document for the template: each segment with its figure link (values and blanks)."""
    out = []
    for para in doc.paragraphs:
        segments = []
        for s in para.segments:
            link = (reverse("reports:figure") + "?" + p.query(id=s.figure)) if s.figure else ""
            segments.append({"text": s.text, "kind": s.kind, "figure": s.figure, "link": link})
        out.append({"kind": para.kind, "runin": para.runin, "segments": segments})
    return out


def _filename(p: Params, ext: str, what: str = "基层党建工作情况汇报") -> str:
    return f"{p.scope_name}{what}（{p.date_from:%Y%m%d}-{p.date_to:%Y%m%d}）.{ext}"


def _attachment(content: bytes, mime: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename=\"report\"; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def index(request):
    p = params(request)
    report = compute_report(p.org, p.date_from, p.date_to)
    doc = build(report)
    context = {
        "p": p, "report": report, "doc": doc, "paragraphs": _paragraphs(doc, p), "note": blanks_note(doc),
        "scope_choices": scope_choices(request.user), "selected_org": str(p.org.pk) if p.org else "",
        "query": p.query(), "states": list(report.states.values()),
        "missing": [(i, BY_ID[i].words) for i in report.missing],
        "can_edit_template": roles.is_county_admin(request.user),
    }
    if request.htmx:
        return render(request, "reports/partials/report_body.html", context)
    return render(request, "reports/index.html", context)


@login_required
@require_GET
def docx(request):
    p = params(request)
    content = to_docx(build(compute_report(p.org, p.date_from, p.date_to)))
    return _attachment(content, DOCX_MIME, _filename(p, "docx"))


@login_required
@require_GET
def figures_xlsx(request):
    p = params(request)
    content = traceability.to_xlsx(build(compute_report(p.org, p.date_from, p.date_to)))
    return xlsx_response(content, _filename(p, "xlsx", "工作汇报数据附表"))


def _display(value):
    """A record's cell on the page: dates as YYYY-MM-DD (as everywhere on the platform), None empty."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


@login_required
@require_GET
def figure(request):
    """One figure: its definition, value and the records behind it (paginated, exportable)."""
    p = params(request)
    fid = request.GET.get("id", "").strip().upper()
    fig = BY_ID.get(fid)
    if fig is None:
        raise Http404("没有这项数据")
    report = compute_report(p.org, p.date_from, p.date_to)
    value = report.figures[fid]
    records = report.records(fid) if value is not None else None
    if records is not None and request.GET.get("export"):
        return xlsx_response(write_workbook([(traceability.sheet_title(fid), list(records.headers),
                                              records.rows(0, traceability.MAX_ROWS))]),
                             _filename(p, "xlsx", f"{fid}明细"))
    page = None
    if records is not None:
        page = paginate(request, records.source, 50)
        page.rows = [[_display(cell) for cell in records.row(item)] for item in page.object_list]
    state = report.states[fig.block]
    return render(request, "reports/figure.html", {
        "p": p, "fig": fig, "value": traceability.value_text(fid, value), "records": records, "page": page,
        "state": state, "query": p.query(id=fid), "back": reverse("reports:index") + "?" + p.query()})


@login_required
@require_POST
def job(request):
    """Generate a download in the background (a large scope): the .docx, the companion .xlsx or the annual tables."""
    from dangjian.jobs.runner import submit

    from . import jobs

    p = params(request, request.POST)
    what = request.POST.get("what", "docx")
    if what not in jobs.WHAT:
        raise Http404("未知的生成类型")
    year = None
    if what == "annual":
        raw = request.POST.get("year", "")
        if not re.fullmatch(r"\d{4}", raw):
            raise Http404("年份格式不正确")
        year = int(raw)
    submitted = submit(owner=request.user, kind=jobs.KIND, label=jobs.label(what, p.org, p.date_from, p.date_to, year),
                       handler=jobs.HANDLER,
                       params={"what": what, "org": p.org.pk if p.org else None, "from": p.date_from.isoformat(),
                               "to": p.date_to.isoformat(), "year": year})
    return htmx_redirect(request, reverse("jobs:detail", args=[submitted.pk]))


# --- The sentence template ------------------------------------------------------------------------

def _require_county_admin(user):
    if not roles.is_county_admin(user):
        raise PermissionDenied("只有县委组织部管理员可以修改工作汇报模板")


def _preview_figures(user):
    """The figures of the admin's county for this year (cached briefly: the preview redraws on typing)."""
    org_id = user.organization_id or 0
    key = f"reports-preview:{org_id}"
    cached = cache.get(key)
    if cached is None:
        org = Organization.objects.select_related("division").filter(pk=org_id).first()
        today = datetime.date.today()
        report = compute_report(org, datetime.date(today.year, 1, 1), today)
        cached = (report.figures, report.names)
        cache.set(key, cached, 300)
    return cached


def _preview(user, texts: dict[str, str]) -> list[dict]:
    figures, names = _preview_figures(user)
    out = []
    for section in templating.SECTIONS:
        text = texts.get(section.key, "")
        errors = templating.check(text)
        segments = [] if errors else templating.render(text, figures, names)
        out.append({"label": section.label, "errors": errors,
                    "segments": [{"text": s.text, "kind": s.kind, "figure": s.figure} for s in segments]})
    return out


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request):
    _require_county_admin(request.user)
    texts = templating.current_texts()
    errors = {}
    if request.method == "POST":
        submitted = {k: request.POST.get(k, texts[k]) for k in templating.SECTION_KEYS}
        try:
            changed = services.update_template(submitted, actor=Actor.from_request(request))
        except ValidationError as exc:
            errors = exc.message_dict
            texts = submitted
        else:
            from django.contrib import messages

            messages.success(request, f"已保存工作汇报模板（修改{len(changed)}段）" if changed else "模板没有修改")
            return htmx_redirect(request, reverse("reports:template"))
    sections = [{"key": s.key, "label": s.label, "text": texts[s.key], "errors": errors.get(s.key, []),
                 "is_default": texts[s.key] == templating.DEFAULTS[s.key]} for s in templating.SECTIONS]
    return render(request, "reports/template.html", {
        "sections": sections, "preview": _preview(request.user, texts), "figures": FIGURES,
        "names": templating.NAMES, "change_figures": templating.CHANGE_FIGURES})


@login_required
@require_POST
def template_preview(request):
    _require_county_admin(request.user)
    texts = {k: request.POST.get(k, "") for k in templating.SECTION_KEYS}
    return render(request, "reports/partials/template_preview.html", {"preview": _preview(request.user, texts)})


# --- Dashboard and annual tables -------------------------------------------------------------------

@login_required
@require_GET
def dashboard(request):
    p = params(request)
    board = dashboard_mod.build(p.org, p.date_from, p.date_to, request.user)
    context = {"p": p, "board": board, "scope_choices": scope_choices(request.user),
               "selected_org": str(p.org.pk) if p.org else "", "chart_data": board.chart_data(),
               "drill": [(child, reverse("reports:dashboard") + "?" + Params(child, p.date_from, p.date_to, []).query(),
                          figures) for child, figures in board.children]}
    if request.htmx:
        return render(request, "reports/partials/dashboard_body.html", context)
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def annual_tables(request):
    p = params(request)
    raw = request.GET.get("year", "").strip()
    year = datetime.date.today().year - 1
    if raw:
        if not re.fullmatch(r"\d{4}", raw) or not 1921 <= int(raw) <= 2100:
            raise Http404("年份格式不正确")
        year = int(raw)
    if request.GET.get("download"):
        content = annual.to_xlsx(p.org, year)
        return xlsx_response(content, f"{p.scope_name}党内统计年报（{year}年12月31日）.xlsx")
    tables = annual.build(p.org, year)
    return render(request, "reports/annual.html", {
        "p": p, "year": year, "tables": tables, "scope_choices": scope_choices(request.user),
        "selected_org": str(p.org.pk) if p.org else "", "years": list(range(datetime.date.today().year, 2015, -1)),
        "download": f"{reverse('reports:annual')}?{urlencode({'org': p.org.pk if p.org else '', 'year': year, 'download': 1})}"})


