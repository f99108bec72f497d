"""The statistics page and its Excel export, for the logged-in user's scope."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core import roles
from dangjian.core.excel import write_workbook, xlsx_response
from dangjian.core.extensions import stats_blocks
from dangjian.core.scope import VIEW, get_for_user_or_404
from dangjian.core.views_helpers import require_role
from dangjian.register.models import Organization

from .labels import label
from .services import compute_party_stats, parse_date, report_paragraph
from .tables import Table, build_tables, flatten

# The roles that see statistics; a member sees their own record only (403 here).
STATS_ROLES = roles.STAFF_ROLES


@dataclass
class StatsReport:
    scope_org: Organization | None  # None: the whole database (a superuser without an organisation)
    as_of: datetime.date
    stats: dict
    blocks: list
    tables: list[Table]
    paragraph: str
    errors: list[str]

    @property
    def has_members(self) -> bool:
        m = self.stats["members"]
        return bool(m["total"] or m["suspended"])

    @property
    def scope_name(self) -> str:
        return self.scope_org.name if self.scope_org is not None else "全部组织"


def _default_scope(user) -> Organization | None:
    if user.is_superuser and not user.organization_id:
        return None
    if not user.organization_id:
        raise PermissionDenied("您的账号未关联党组织，无法查看统计")
    return get_for_user_or_404(Organization.objects.select_related("division"), user, pk=user.organization_id)


def build_report(request) -> StatsReport:
    """The scope (``?org=``, within the user's scope; out of scope is 404) and day (``?as_of=``) asked for."""
    user = request.user
    require_role(user, STATS_ROLES, "统计分析仅供组织部门、党（工）委和党支部使用")
    errors = []
    raw_org = request.GET.get("org", "").strip()
    if raw_org:
        if not re.fullmatch(r"\d{1,18}", raw_org):
            raise Http404("对象不存在或不在您的管理范围内")
        scope_org = get_for_user_or_404(Organization.objects.select_related("division"), user, pk=int(raw_org))
    else:
        scope_org = _default_scope(user)
    as_of = timezone.localdate()
    raw_as_of = request.GET.get("as_of", "").strip()
    if raw_as_of:
        try:
            as_of = parse_date(raw_as_of, "统计日期")
        except ValidationError as exc:
            errors += exc.messages
    blocks = stats_blocks()
    stats = compute_party_stats(scope_org, as_of, blocks=blocks)
    return StatsReport(scope_org=scope_org, as_of=as_of, stats=stats, blocks=blocks, tables=build_tables(stats),
                       paragraph=report_paragraph(stats, scope_org), errors=errors)


def _scope_choices(user):
    """The organisations the user may pick, in tree order, indented by depth."""
    qs = Organization.objects.for_user(user, VIEW).order_by("path").only("pk", "name", "depth", "is_active")
    top = min((o.depth for o in qs), default=1)
    choices = [("", "全部组织")] if user.is_superuser and not user.organization_id else []
    return choices + [(str(o.pk), "\u3000" * (o.depth - top) + o.name + ("（已停用）" if not o.is_active else ""))
                      for o in qs]


@login_required
@require_GET
def index(request):
    report = build_report(request)
    template_blocks = [
        {"template": block.template, "data": report.stats[block.key], "label": block.label}
        for block in report.blocks if block.template
    ]
    context = {
        "report": report,
        "template_blocks": template_blocks,
        "scope_choices": _scope_choices(request.user),
        "selected_org": str(report.scope_org.pk) if report.scope_org is not None else "",
        "chart_data": [t.chart_data() for t in report.tables if t.chart and (report.has_members or not t.members)],
        # The export repeats exactly the scope and day shown, even when they were defaults.
        "export_query": urlencode({"org": report.scope_org.pk if report.scope_org is not None else "",
                                   "as_of": report.as_of.isoformat()}),
    }
    if request.htmx:
        return render(request, "stats/partials/body.html", context)
    return render(request, "stats/index.html", context)


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("", title)[:28] or "数据"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}{n}", n + 1
    used.add(name)
    return name


@login_required
@require_GET
def export(request):
    report = build_report(request)
    used: set[str] = set()
    sheets = [(_sheet_title("概况", used), ["项目", "内容"], [
        ["统计范围", report.scope_name], ["统计日期", report.as_of],
        ["统计期间", f"{report.stats['period']['from']} 至 {report.stats['period']['to']}"],
        ["工作汇报首段", report.paragraph],
    ])]
    for table in report.tables:
        rows = table.display_rows + [[note] for note in table.notes]
        sheets.append((_sheet_title(table.title, used), table.headers, rows))
    known = {"divisions", "organizations", "members"}
    for block in report.blocks:
        if block.key not in known:
            sheets.append((_sheet_title(block.label, used), ["指标", "数值"],
                           [[label(block.key, key), value] for key, value in flatten(report.stats[block.key])]))
    widths = {title: [28, 14, 10] for title, _h, _r in sheets}
    widths[sheets[0][0]] = [14, 100]
    filename = f"党内统计_{report.scope_name}_{report.as_of:%Y%m%d}.xlsx"
    return xlsx_response(write_workbook(sheets, widths=widths), filename)
