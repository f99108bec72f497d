"""Pages of the cadres app. Every queryset goes through ``for_user``; every write through a service.

Lists share one table template (``cadres/listing.html``): filters, pagination, an empty state and an
Excel export of exactly the rows the filters select (``?export=xlsx``).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import excel, roles
from dangjian.core.actor import Actor
from dangjian.core.rules import get_setting
from dangjian.core.scope import CHANGE, get_for_user_or_403, get_for_user_or_404, subtree_q
from dangjian.core.views_helpers import (
    flash_service_result, form_action, has_role, htmx_redirect, paginate_with_filters, role_required, query_without_page, require_role,
)
from dangjian.register.models import Division, Organization
from dangjian.register.vocab import DivisionCategory, OrgType

from . import queries, rules, services
from .forms import (
    AttendeeForm, CadreForm, CancelForm, CandidateForm, ElectionForm, EndForm, FundForm, InvestmentForm,
    PayStandardForm, ResultForm, TrainingClassForm, VettingForm,
)
from .models import (
    MANAGER_ROLES, STAFF_ROLES, Cadre, Candidate, CommunityFund, Election, PayStandard, TrainingAttendance,
    TrainingClass, VenueInvestment,
)
from .vocab import (
    TEAM_POSTS, CandidateState, CommunityCategory, ElectionStatus, FundCategory, Post,
)

PAGE_SIZE = 30


# --- Helpers -------------------------------------------------------------------------------------

@dataclass
class C:
    """A table cell: its text (also what the export writes), an optional link and badge colour."""

    text: Any = ""
    url: str = ""
    badge: str = ""

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        """The text on the page: dates as YYYY-MM-DD whatever the browser's language."""
        if self.text is None:
            return ""
        if isinstance(self.text, datetime.date):
            return self.text.isoformat()
        return str(self.text)


@dataclass
class Action:
    label: str
    url: str
    post: bool = False
    confirm: str = ""
    style: str = "outline-primary"


@dataclass
class Row:
    cells: list
    actions: list = field(default_factory=list)
    flagged: bool = False


staff_required = role_required(STAFF_ROLES, "干部队伍由党组织书记、组织员和县委组织部使用")


def is_manager(user) -> bool:
    return has_role(user, MANAGER_ROLES)


def _manager_only(user):
    require_role(user, MANAGER_ROLES, "只有乡镇（街道）组织员和县委组织部可以登记或修改")


def _date(raw, default=None):
    try:
        return datetime.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _today():
    return timezone.localdate()


def _scope_org(request, param="org"):
    """The organisation whose subtree a page shows: ``?org=`` (in scope, else 404) or the user's own."""
    raw = request.GET.get(param) or request.POST.get(param)
    if raw:
        try:
            return get_for_user_or_404(Organization.objects, request.user, pk=int(raw))
        except ValueError:
            raise Http404("组织不存在") from None
    return request.user.organization  # None only for a superuser without one: everything


def _division_root(user) -> Optional[Division]:
    return user.organization.division if user.organization_id else None


def _divisions(user, communities_only=False):
    qs = Division.objects.all()
    root = _division_root(user)
    if root is not None:
        qs = qs.filter(subtree_q(root))
    elif not user.is_superuser:
        qs = qs.none()
    if communities_only:
        qs = qs.filter(category__in=queries.COMMUNITY_CATEGORIES)
    return qs.order_by("path")


def _change_orgs(user):
    return Organization.objects.for_user(user, CHANGE).filter(is_active=True).order_by("path")


def _money(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{value:,.2f}"


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _filters(request, specs):
    """Filter fields for the list template: (name, label, type, choices, value)."""
    out = []
    for spec in specs:
        name, label, kind = spec[0], spec[1], spec[2]
        choices = spec[3] if len(spec) > 3 else []
        value = request.GET.get(name, "")
        if not value and len(spec) > 4:
            value = spec[4]
        out.append({"name": name, "label": label, "type": kind, "choices": choices, "value": value})
    return out


def table(request, *, title: str, tab: str, headers: list[str], items, build: Callable[[Any], Row],
          filters=(), buttons=(), summary: Iterable[str] = (), empty: str = "没有符合条件的记录。",
          filename: str = "", per_page: int = PAGE_SIZE, note: str = "", extra: Optional[dict] = None):
    """A list page, or (``?export=xlsx``) the same rows as an Excel file."""
    if request.GET.get("export") == "xlsx":
        rows = ([(c.text if isinstance(c.text, (datetime.date, int, float, Decimal)) else c.display)
                 if isinstance(c, C) else c for c in build(item).cells] for item in items)
        content = excel.write_workbook([(title[:31], headers, rows)])
        return excel.xlsx_response(content, f"{filename or title}.xlsx")
    page = paginate_with_filters(request, items, per_page)
    page.rows = [build(item) for item in page.object_list]
    return render(request, "cadres/listing.html", {
        "title": title, "tab": tab, "headers": headers, "page": page, "filters": filters, "buttons": buttons,
        "summary": list(summary), "empty": empty, "query": query_without_page(request), "note": note, **(extra or {}),
    })


def _form_page(request, form, perform, *, success, title, back, tab, intro=""):
    return form_action(request, form, perform, success=success, template="cadres/form.html",
                       context={"title": title, "back": back, "tab": tab, "intro": intro})


# --- Teams ---------------------------------------------------------------------------------------

TEAM_FLAGS = [("", "全部"), ("flagged", "有提示"), ("vacant", "书记空缺"), ("small", "班子人数不足")]


@staff_required
def index(request):
    user = request.user
    day = _date(request.GET.get("on"), _today())
    orgs = Organization.objects.for_user(user).filter(is_active=True).exclude(org_type=OrgType.COUNTY_COMMITTEE)
    if request.GET.get("org"):
        orgs = orgs.filter(subtree_q(_scope_org(request)))
    if request.GET.get("q"):
        orgs = orgs.filter(name__icontains=request.GET["q"])
    if request.GET.get("type") in OrgType.values:
        orgs = orgs.filter(org_type=request.GET["type"])
    teams = queries.teams(orgs.order_by("path"), day)
    flag = request.GET.get("flag")
    if flag == "flagged":
        teams = [t for t in teams if t.flags]
    elif flag == "vacant":
        teams = [t for t in teams if t.secretary is None]
    elif flag == "small":
        teams = [t for t in teams if len(t.team) < t.required]
    flagged = sum(1 for t in teams if t.flags)

    def build(t):
        s = t.secretary
        secretary = C("空缺", badge="danger") if s is None else C(s.name + ("（一肩挑）" if s.one_shoulder else ""))
        return Row([
            C(t.org.name, reverse("cadres:team", args=[t.org.pk])), C(t.org.org_type), secretary,
            C(t.count(Post.DEPUTY) + t.count(Post.FULL_TIME_DEPUTY)), C(t.count(Post.FULL_TIME_DEPUTY)),
            C(t.count(Post.COMMITTEE)), C(f"{len(t.team)}/{t.required}"), C(t.count(Post.RESERVE)),
            C(t.count(Post.PARTY_WORKER)), C("；".join(t.flags), badge="warning" if t.flags else ""),
        ], flagged=bool(t.flags))

    buttons = [("登记干部", reverse("cadres:cadre_create"))] if is_manager(user) else []
    return table(
        request, title="党组织班子", tab="teams",
        headers=["党组织", "类别", "书记", "副书记", "其中专职", "委员", "班子人数/应有", "后备干部", "专职党务工作者", "提示"],
        items=teams, build=build, buttons=buttons,
        filters=_filters(request, [("q", "党组织名称", "text"), ("type", "组织类别", "select", [("", "全部")] + list(OrgType.choices)),
                                   ("flag", "提示", "select", TEAM_FLAGS), ("on", "日期", "date", [], day.isoformat())]),
        summary=[f"{day:%Y年%m月%d日}：{len(teams)}个党组织，其中{flagged}个书记空缺或班子人数不足",
                 f"班子人数要求：正式党员7名以上的党支部和党委、党工委、党总支不少于{get_setting('cadres.committee_min_size')}人（{rules.BRANCH_RULES}），其余设书记1人"],
        empty="范围内没有党组织。", filename="党组织班子")


@staff_required
def team(request, pk):
    org = get_for_user_or_404(Organization.objects, request.user, pk=pk)
    day = _date(request.GET.get("on"), _today())
    t = queries.teams([org], day)[0]
    history = Cadre.objects.filter(organization=org).order_by("post", "-started_on")
    may_change = is_manager(request.user) and Organization.objects.for_user(request.user, CHANGE).filter(pk=org.pk).exists()
    return render(request, "cadres/team.html", {
        "org": org, "day": day, "t": t, "history": history, "may_change": may_change, "tab": "teams",
        "structure": queries.structure_of(t.team, day),
        "elections": Election.objects.filter(organization=org).order_by("-planned_on")[:10],
    })


# --- Cadres --------------------------------------------------------------------------------------

SERVING_CHOICES = [("", "在任"), ("ended", "已离任"), ("all", "全部")]


def _cadre_actions(user, c) -> list[Action]:
    if not is_manager(user):
        return []
    return [Action("修改", reverse("cadres:cadre_edit", args=[c.pk])),
            Action("离任", reverse("cadres:cadre_end", args=[c.pk]))] if c.ended_on is None else [
            Action("修改", reverse("cadres:cadre_edit", args=[c.pk]))]


@staff_required
def cadre_list(request):
    user, g = request.user, request.GET
    day = _date(g.get("on"), _today())
    qs = Cadre.objects.for_user(user).select_related("organization")
    if g.get("org"):
        qs = qs.in_subtree(_scope_org(request))
    if g.get("post") in Post.values:
        qs = qs.filter(post=g["post"])
    if g.get("status") == "ended":
        qs = qs.filter(ended_on__isnull=False, ended_on__lte=day)
    elif g.get("status") != "all":
        qs = qs.serving_on(day)
    if g.get("q"):
        qs = qs.filter(Q(name__icontains=g["q"]) | Q(organization__name__icontains=g["q"]))
    if g.get("cross") == "1":
        qs = qs.exclude(concurrent_post="")
    qs = qs.order_by("organization__path", "post", "-started_on", "id")

    def build(c):
        return Row([C(c.name, reverse("cadres:cadre_detail", args=[c.pk])), C(c.id_number_masked or "—"),
                    C(c.organization.name, reverse("cadres:team", args=[c.organization_id])), C(c.post),
                    C(c.started_on), C(c.ended_on or "在任"), C("是" if c.one_shoulder else ""), C(c.concurrent_post),
                    C("已关联" if c.member_id else "")], _cadre_actions(user, c))

    buttons = [("登记干部", reverse("cadres:cadre_create"))] if is_manager(user) else []
    return table(request, title="干部名录", tab="cadres",
                 headers=["姓名", "公民身份号码", "所在党组织", "职务", "任职日期", "离任日期", "一肩挑", "交叉任职", "党员名册"],
                 items=qs, build=build, buttons=buttons, filename="干部名录",
                 filters=_filters(request, [
                     ("q", "姓名或党组织", "text"), ("post", "职务", "select", [("", "全部")] + list(Post.choices)),
                     ("status", "任职状态", "select", SERVING_CHOICES), ("on", "日期", "date", [], day.isoformat()),
                     ("cross", "交叉任职", "select", [("", "全部"), ("1", "仅交叉任职")])]),
                 empty="没有符合条件的干部。可以在“党组织班子”页面或通过 Excel 台账（工作表“干部”）登记。")


@staff_required
def cadre_detail(request, pk):
    c = get_for_user_or_404(Cadre.objects.select_related("organization__division", "member", "election"), request.user, pk=pk)
    category = {DivisionCategory.URBAN_COMMUNITY: CommunityCategory.URBAN_COMMUNITY,
                DivisionCategory.VILLAGE_TO_COMMUNITY: CommunityCategory.VILLAGE_TO_COMMUNITY,
                DivisionCategory.VILLAGE: CommunityCategory.VILLAGE}.get(c.organization.division.category)
    pay = []
    if category and c.post in TEAM_POSTS:
        standards = list(PayStandard.objects.filter(category=category, post=c.post).order_by("effective_on"))
        for i, s in enumerate(standards):
            until = standards[i + 1].effective_on if i + 1 < len(standards) else None
            during = (until is None or until > c.started_on) and (c.ended_on is None or s.effective_on < c.ended_on)
            pay.append({"standard": s, "until": until, "during": during})
    return render(request, "cadres/cadre_detail.html", {
        "c": c, "category": category, "pay": pay, "tab": "cadres", "may_change": is_manager(request.user),
        "trainings": TrainingAttendance.objects.filter(Q(cadre=c) | Q(name=c.name, organization=c.organization))
        .select_related("training").order_by("-training__started_on"),
    })


@staff_required
def cadre_create(request):
    _manager_only(request.user)
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = _scope_org(request)
    if request.GET.get("post") in Post.values:
        initial["post"] = request.GET["post"]
    form = CadreForm(request.POST or None, organizations=_change_orgs(request.user), initial=initial)
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.create_cadre(actor=actor, **d),
                      success=lambda c: (f"已登记{c.organization.name}{c.post}{c.name}。", reverse("cadres:team", args=[c.organization_id])),
                      title="登记干部", back=reverse("cadres:cadre_list"), tab="cadres")


@staff_required
def cadre_edit(request, pk):
    _manager_only(request.user)
    c = get_for_user_or_403(Cadre.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    initial = {k: getattr(c, k) for k in ("organization", "name", "post", "started_on", "ended_on", "one_shoulder",
                                         "concurrent_post", "education", "note")}
    form = CadreForm(request.POST or None, organizations=_change_orgs(request.user), initial=initial, editing=True)
    actor = Actor.from_request(request)

    def perform(d):
        if not d.get("id_number"):
            d.pop("id_number", None)
        return services.update_cadre(c, actor=actor, **d)

    return _form_page(request, form, perform, success=lambda c: ("已保存。", reverse("cadres:cadre_detail", args=[c.pk])),
                      title=f"修改干部信息：{c.name}", back=reverse("cadres:cadre_detail", args=[c.pk]), tab="cadres",
                      intro=f"已登记的公民身份号码：{c.id_number_masked or '无'}")


@staff_required
def cadre_end(request, pk):
    _manager_only(request.user)
    c = get_for_user_or_403(Cadre.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    form = EndForm(request.POST or None, initial={"ended_on": _today()})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.end_cadre(c, actor=actor, **d),
                      success=lambda c: (f"{c.name}已离任（任职至{c.last_day:%Y-%m-%d}）。", reverse("cadres:team", args=[c.organization_id])),
                      title=f"登记离任：{c.organization.name}{c.post}{c.name}", back=reverse("cadres:cadre_detail", args=[c.pk]),
                      tab="cadres", intro="离任日期当天起不再任职（任职至离任日期的前一天）。")


@staff_required
@require_POST
def cadre_delete(request, pk):
    _manager_only(request.user)
    c = get_for_user_or_403(Cadre.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    org_pk = c.organization_id
    flash_service_result(request, lambda: services.delete_cadre(c, actor=Actor.from_request(request)), "干部记录已删除。")
    return htmx_redirect(request, reverse("cadres:team", args=[org_pk]))


# --- Reserve pool --------------------------------------------------------------------------------

@staff_required
def reserves(request):
    user = request.user
    day = _date(request.GET.get("on"), _today())
    low, high = rules.reserve_range()
    communities = _divisions(user, communities_only=True)
    if request.GET.get("q"):
        communities = communities.filter(name__icontains=request.GET["q"])
    communities = list(communities)
    ids = [d.pk for d in communities]
    names: dict[int, list[str]] = {}
    for div_id, name in (Cadre.objects.for_user(user).serving_on(day).filter(post=Post.RESERVE, organization__division_id__in=ids)
                         .order_by("organization__division_id", "name").values_list("organization__division_id", "name")):
        names.setdefault(div_id, []).append(name)
    rows = [(d, names.get(d.pk, [])) for d in communities]
    if request.GET.get("flag") == "short":
        rows = [(d, n) for d, n in rows if len(n) < low]
    elif request.GET.get("flag") == "over":
        rows = [(d, n) for d, n in rows if len(n) > high]
    short = sum(1 for d, n in rows if len(n) < low)

    def build(item):
        d, people = item
        flag = rules.reserve_flag(len(people))
        return Row([C(d.name), C(d.category), C(len(people)), C("、".join(people)), C(flag, badge="warning" if flag else "")],
                   flagged=bool(flag))

    return table(request, title="后备干部队伍", tab="reserves", headers=["社区", "类别", "后备干部", "名单", "提示"],
                 items=rows, build=build, filename="后备干部队伍",
                 filters=_filters(request, [("q", "社区名称", "text"),
                                            ("flag", "提示", "select", [("", "全部"), ("short", "不足下限"), ("over", "超过上限")]),
                                            ("on", "日期", "date", [], day.isoformat())]),
                 summary=[f"目标：每个社区{low}~{high}人（规则参数“每个社区后备干部人数下限/上限”）；{len(rows)}个社区中{short}个不足"],
                 empty="范围内没有城市社区或村改居社区。")


# --- Structure -----------------------------------------------------------------------------------

def _structure_rows(data: dict) -> list[list]:
    s, t = data["secretaries"], data["teams"]
    rows = [["人数", s["total"], t["total"]], ["平均年龄", s["average_age"] or "—", t["average_age"] or "—"]]
    for (label, n1, share1), (_, n2, share2) in zip(s["age_bands"], t["age_bands"]):
        rows.append([label, f"{n1}（{_pct(share1)}）", f"{n2}（{_pct(share2)}）"])
    rows += [["大专及以上学历占比", _pct(s["college_share"]), _pct(t["college_share"])],
             ["女性", f"{s['women']}（{_pct(s['women_share'])}）", f"{t['women']}（{_pct(t['women_share'])}）"],
             ["书记“一肩挑”", f"{s['one_shoulder']}（{_pct(s['one_shoulder_share'])}）", "—"],
             ["书记交叉任职", s["cross_appointed"], "—"]]
    return rows


@staff_required
def structure(request):
    user = request.user
    election = None
    if request.GET.get("election"):
        try:
            election = get_for_user_or_404(Election.objects.select_related("organization"), user,
                                           pk=int(request.GET["election"]))
        except ValueError:
            raise Http404("选举不存在") from None
    if election is not None and election.held_on:
        org, only = election.organization, True
        before_day, after_day = election.held_on - datetime.timedelta(days=1), election.held_on
    else:
        org, only = _scope_org(request), False
        after_day = _date(request.GET.get("on"), _today())
        before_day = _date(request.GET.get("compare"))
    after = queries.structure(org, after_day, only_org=only)
    before = queries.structure(org, before_day, only_org=only) if before_day else None
    rows = _structure_rows(after)
    if before:
        rows = [[b[0], b[1], a[1], b[2], a[2]] for b, a in zip(_structure_rows(before), rows)]
        headers = ["项目", f"书记（{before_day:%Y-%m-%d}）", f"书记（{after_day:%Y-%m-%d}）",
                   f"班子（{before_day:%Y-%m-%d}）", f"班子（{after_day:%Y-%m-%d}）"]
    else:
        headers = ["项目", f"书记（{after_day:%Y-%m-%d}）", f"班子成员（{after_day:%Y-%m-%d}）"]
    if request.GET.get("export") == "xlsx":
        content = excel.write_workbook([("班子结构", headers, rows)])
        return excel.xlsx_response(content, "班子结构.xlsx")
    orgs = Organization.objects.for_user(user).filter(org_type__in=[OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE,
                                                                     OrgType.WORKING_COMMITTEE, OrgType.GENERAL_BRANCH]).order_by("path")[:300]
    return render(request, "cadres/structure.html", {
        "tab": "structure", "headers": headers, "rows": rows, "org": org, "election": election, "orgs": orgs,
        "on": after_day, "compare": before_day, "query": query_without_page(request),
    })


# --- Training ------------------------------------------------------------------------------------

@staff_required
def trainings(request):
    user, g = request.user, request.GET
    qs = TrainingClass.objects.for_user(user).select_related("organization")
    if g.get("q"):
        qs = qs.filter(name__icontains=g["q"])
    if _date(g.get("from")):
        qs = qs.filter(started_on__gte=_date(g["from"]))
    if _date(g.get("to")):
        qs = qs.filter(started_on__lte=_date(g["to"]))
    qs = qs.annotate(n=Count("attendances", filter=Q(attendances__in=TrainingAttendance.objects.for_user(user)))).order_by("-started_on", "name")

    def build(tc):
        return Row([C(tc.name, reverse("cadres:training_detail", args=[tc.pk])), C(tc.started_on), C(tc.ended_on),
                    C(tc.hours), C(tc.audience), C(tc.organization.name), C(tc.n)])

    buttons = [("登记培训班", reverse("cadres:training_create"))] if is_manager(user) else []
    buttons.append(("培训覆盖情况", reverse("cadres:coverage")))
    return table(request, title="培训班", tab="training", headers=["培训班名称", "开始日期", "结束日期", "学时", "培训对象", "举办单位", "参训人数（范围内）"],
                 items=qs, build=build, buttons=buttons, filename="培训班",
                 filters=_filters(request, [("q", "培训班名称", "text"), ("from", "开班从", "date"), ("to", "到", "date")]),
                 empty="还没有培训班。可以在此登记，或通过 Excel 台账（工作表“培训”）导入。")


@staff_required
def training_detail(request, pk):
    user = request.user
    tc = get_for_user_or_404(TrainingClass.objects.select_related("organization"), user, pk=pk)
    attendances = (TrainingAttendance.objects.for_user(user).filter(training=tc).select_related("organization", "cadre")
                   .order_by("organization__path", "name"))
    if request.GET.get("q"):
        attendances = attendances.filter(Q(name__icontains=request.GET["q"]) | Q(organization__name__icontains=request.GET["q"]))
    if request.GET.get("export") == "xlsx":
        rows = ([a.name, a.id_number_masked or None, a.organization.name, a.role, tc.hours] for a in attendances)
        content = excel.write_workbook([("参训名单", ["姓名", "公民身份号码", "所在党组织", "参训身份", "学时"], rows)])
        return excel.xlsx_response(content, f"{tc.name}参训名单.xlsx")
    may_change = is_manager(user)
    tickable = []
    if may_change:
        listed = set(TrainingAttendance.objects.filter(training=tc).values_list("name", "organization_id"))
        candidates = (Cadre.objects.for_user(user, CHANGE).serving_on(tc.started_on)
                      .filter(post__in=[Post.SECRETARY, Post.DEPUTY, Post.FULL_TIME_DEPUTY, Post.PARTY_WORKER])
                      .select_related("organization").order_by("organization__path", "post")[:500])
        tickable = [c for c in candidates if (c.name, c.organization_id) not in listed]
    form = AttendeeForm(organizations=_change_orgs(user)) if may_change else None
    return render(request, "cadres/training_detail.html", {
        "tc": tc, "page": _listing_page(request, attendances), "tab": "training", "may_change": may_change,
        "form": form, "tickable": tickable, "query": query_without_page(request),
        "may_change_class": may_change and TrainingClass.objects.for_user(user, CHANGE).filter(pk=tc.pk).exists(),
    })


def _listing_page(request, items):
    return paginate_with_filters(request, items, 50)


@staff_required
def training_create(request):
    _manager_only(request.user)
    form = TrainingClassForm(request.POST or None, organizations=_change_orgs(request.user),
                             initial={"organization": request.user.organization})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.create_training_class(actor=actor, **d),
                      success=lambda tc: ("培训班已登记，请登记参训人员。", reverse("cadres:training_detail", args=[tc.pk])),
                      title="登记培训班", back=reverse("cadres:trainings"), tab="training")


@staff_required
def training_edit(request, pk):
    _manager_only(request.user)
    tc = get_for_user_or_403(TrainingClass.objects, request.user, CHANGE, pk=pk)
    form = TrainingClassForm(request.POST or None, organizations=_change_orgs(request.user), initial={
        k: getattr(tc, k) for k in ("name", "started_on", "ended_on", "hours", "audience", "organization")})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.update_training_class(tc, actor=actor, **d),
                      success=lambda tc: ("已保存。", reverse("cadres:training_detail", args=[tc.pk])),
                      title=f"修改培训班：{tc.name}", back=reverse("cadres:training_detail", args=[tc.pk]), tab="training")


@staff_required
@require_POST
def training_delete(request, pk):
    _manager_only(request.user)
    tc = get_for_user_or_403(TrainingClass.objects, request.user, CHANGE, pk=pk)
    ok = flash_service_result(request, lambda: services.delete_training_class(tc, actor=Actor.from_request(request)),
                              "培训班及其参训记录已删除。")
    return htmx_redirect(request, reverse("cadres:trainings") if ok else reverse("cadres:training_detail", args=[pk]))


@staff_required
@require_POST
def attendance_add(request, pk):
    _manager_only(request.user)
    tc = get_for_user_or_404(TrainingClass.objects, request.user, pk=pk)
    actor = Actor.from_request(request)
    if request.POST.get("tick"):
        ids = [int(x) for x in request.POST.getlist("cadre") if x.isdigit()]
        cadres = Cadre.objects.for_user(request.user, CHANGE).filter(pk__in=ids).select_related("organization")
        added = services.tick_attendance(tc, actor=actor, cadres=cadres)
        messages.success(request, f"已勾选登记{added}人出席。")
        return htmx_redirect(request, reverse("cadres:training_detail", args=[pk]))
    form = AttendeeForm(request.POST, organizations=_change_orgs(request.user))
    if form.is_valid():
        try:
            _, warning = services.add_attendance(tc, actor=actor, **form.cleaned_data)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            messages.success(request, f"已登记{form.cleaned_data['name']}。")
            if warning:
                messages.warning(request, warning)
            return htmx_redirect(request, reverse("cadres:training_detail", args=[pk]))
    for message in form.error_summary:
        messages.error(request, message)
    return htmx_redirect(request, reverse("cadres:training_detail", args=[pk]))


@staff_required
@require_POST
def attendance_delete(request, pk):
    _manager_only(request.user)
    a = get_for_user_or_403(TrainingAttendance.objects.select_related("training"), request.user, CHANGE, pk=pk)
    training_pk = a.training_id
    flash_service_result(request, lambda: services.delete_attendance(a, actor=Actor.from_request(request)), "已移出参训名单。")
    return htmx_redirect(request, reverse("cadres:training_detail", args=[training_pk]))


COVERAGE_GROUPS = {
    "secretaries": ("书记", (Post.SECRETARY,)),
    "workers": ("专职党务工作者", (Post.PARTY_WORKER,)),
    "both": ("书记和专职党务工作者", (Post.SECRETARY, Post.PARTY_WORKER)),
    "team": ("班子成员", TEAM_POSTS),
}


@staff_required
def coverage(request):
    g = request.GET
    today = _today()
    date_from = _date(g.get("from"), datetime.date(today.year, 1, 1))
    date_to = _date(g.get("to"), today)
    group = g.get("group") if g.get("group") in COVERAGE_GROUPS else "both"
    org = _scope_org(request)
    cover = queries.coverage(org, date_from, date_to, COVERAGE_GROUPS[group][1])
    people = cover.untrained if g.get("only") == "untrained" else cover.people

    def build(c):
        hours = cover.trained.get(c.pk)
        return Row([C(c.name, reverse("cadres:cadre_detail", args=[c.pk])), C(c.organization.name), C(c.post),
                    C("已培训" if hours is not None else "未培训", badge="" if hours is not None else "warning"),
                    C(hours if hours is not None else 0)], flagged=hours is None)

    return table(request, title="培训覆盖情况", tab="coverage", headers=["姓名", "所在党组织", "职务", "培训情况", "学时"],
                 items=people, build=build, filename="培训覆盖情况",
                 filters=_filters(request, [
                     ("group", "对象", "select", [(k, v[0]) for k, v in COVERAGE_GROUPS.items()]),
                     ("from", "期间从", "date", [], date_from.isoformat()), ("to", "到", "date", [], date_to.isoformat()),
                     ("only", "显示", "select", [("", "全部"), ("untrained", "仅未培训")])]),
                 summary=[f"{date_from:%Y-%m-%d}至{date_to:%Y-%m-%d}：{date_to:%Y-%m-%d}在任的{COVERAGE_GROUPS[group][0]}"
                          f"{cover.total}名，已培训{cover.trained_count}名，覆盖率{_pct(cover.rate)}；"
                          f"未培训{len(cover.untrained)}名" + ("：" + "、".join(c.name for c in cover.untrained[:30]) +
                                                         ("……" if len(cover.untrained) > 30 else "") if cover.untrained else ""),
                          "按公民身份号码匹配参训记录，没有号码的按姓名和所在党组织匹配；期间以培训班开始日期计。"],
                 empty="范围内没有在任的该类人员。")


# --- Pay standards -------------------------------------------------------------------------------

@staff_required
def pay_standards(request):
    user, g = request.user, request.GET
    qs = PayStandard.objects.for_user(user)
    if g.get("category") in CommunityCategory.values:
        qs = qs.filter(category=g["category"])
    if g.get("post") in TEAM_POSTS:
        qs = qs.filter(post=g["post"])
    qs = qs.order_by("category", "post", "-effective_on")
    today = _today()
    in_force = {(s.category, s.post): s.pk for s in (
        queries.standard_in_force(cat, post, today) for cat in CommunityCategory.values for post in TEAM_POSTS) if s}
    admin = user.is_county_admin

    def build(s):
        current = in_force.get((s.category, s.post)) == s.pk
        actions = [Action("修改", reverse("cadres:pay_edit", args=[s.pk])),
                   Action("删除", reverse("cadres:pay_delete", args=[s.pk]), post=True, style="outline-danger",
                          confirm=f"确定删除{s.category}{s.post}自{s.effective_on:%Y-%m-%d}执行的标准吗？")] if admin else []
        return Row([C(s.category), C(s.post), C(_money(s.amount)), C(s.effective_on),
                    C("现行" if current else ("未到执行日期" if s.effective_on > today else "已调整"), badge="success" if current else "")],
                   actions)

    buttons = [("登记报酬标准", reverse("cadres:pay_create"))] if admin else []
    return table(request, title="报酬标准", tab="pay", headers=["社区类别", "职务", "月标准（元）", "执行日期", "状态"], items=qs,
                 build=build, buttons=buttons, filename="报酬标准",
                 filters=_filters(request, [("category", "社区类别", "select", [("", "全部")] + list(CommunityCategory.choices)),
                                            ("post", "职务", "select", [("", "全部")] + [(p, p) for p in TEAM_POSTS])]),
                 summary=["某日执行的标准是执行日期不晚于该日的最近一条；历次调整按执行日期列出。"],
                 empty="还没有报酬标准。")


@staff_required
def pay_create(request):
    require_role(request.user, roles.COUNTY_ROLES, "报酬标准由县委组织部登记")
    form = PayStandardForm(request.POST or None)
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.save_pay_standard(actor=actor, **d),
                      success=lambda s: ("报酬标准已登记。", reverse("cadres:pay_standards")),
                      title="登记报酬标准", back=reverse("cadres:pay_standards"), tab="pay")


@staff_required
def pay_edit(request, pk):
    s = get_for_user_or_403(PayStandard.objects, request.user, CHANGE, pk=pk)
    form = PayStandardForm(request.POST or None, initial={k: getattr(s, k) for k in ("category", "post", "amount", "effective_on")})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.save_pay_standard(s, actor=actor, **d),
                      success=lambda s: ("已保存。", reverse("cadres:pay_standards")),
                      title="修改报酬标准", back=reverse("cadres:pay_standards"), tab="pay")


@staff_required
@require_POST
def pay_delete(request, pk):
    s = get_for_user_or_403(PayStandard.objects, request.user, CHANGE, pk=pk)
    flash_service_result(request, lambda: services.delete_keyed(s, actor=Actor.from_request(request)), "报酬标准已删除。")
    return htmx_redirect(request, reverse("cadres:pay_standards"))


# --- Community funds -----------------------------------------------------------------------------

@staff_required
def funds(request):
    user, g = request.user, request.GET
    today = _today()
    try:
        year = int(g.get("year") or today.year)
    except ValueError:
        year = today.year
    minimum = Decimal(get_setting("cadres.community_funds_min"))
    communities = _divisions(user, communities_only=True)
    if g.get("q"):
        communities = communities.filter(name__icontains=g["q"])
    communities = list(communities)
    records: dict[int, dict[str, CommunityFund]] = {}
    for f in CommunityFund.objects.for_user(user).filter(year=year, division__in=communities):
        records.setdefault(f.division_id, {})[f.category] = f
    rows = []
    for d in communities:
        by_cat = records.get(d.pk, {})
        total = sum((f.amount for f in by_cat.values()), Decimal("0"))
        rows.append((d, by_cat, total))
    if g.get("flag") == "below":
        rows = [r for r in rows if r[2] < minimum]
    elif g.get("flag") == "missing":
        rows = [r for r in rows if len(r[1]) < len(FundCategory.values)]
    below = [r[0].name for r in rows if r[2] < minimum]
    manager = is_manager(user)

    def build(item):
        d, by_cat, total = item
        cells = [C(d.name), C(d.category)]
        for cat in FundCategory.values:
            f = by_cat.get(cat)
            if f is not None:
                cells.append(C(_money(f.amount), reverse("cadres:fund_edit", args=[f.pk]) if manager else ""))
            else:
                url = (reverse("cadres:fund_create") + f"?division={d.pk}&year={year}&category={cat}") if manager else ""
                cells.append(C("未登记", url, badge="secondary"))
        flag = f"低于{_money(minimum)}元" if total < minimum else ""
        cells += [C(_money(total)), C(flag, badge="warning" if flag else "")]
        return Row(cells, flagged=bool(flag))

    buttons = [("登记社区经费", reverse("cadres:fund_create"))] if manager else []
    return table(request, title=f"{year}年社区经费", tab="funds",
                 headers=["社区", "类别"] + list(FundCategory.values) + ["合计", "提示"], items=rows, build=build,
                 buttons=buttons, filename=f"{year}年社区经费",
                 filters=_filters(request, [("year", "年度", "number", [], str(year)), ("q", "社区名称", "text"),
                                            ("flag", "提示", "select", [("", "全部"), ("below", "低于最低标准"), ("missing", "有未登记类别")])]),
                 summary=[f"最低标准：三项合计{_money(minimum)}元（规则参数“社区年度经费最低标准”）；"
                          f"低于标准的社区{len(below)}个" + (("：" + "、".join(below[:30])) if below else "") +
                          "；未登记的类别按0计。"],
                 empty="范围内没有城市社区或村改居社区。", extra={"year": year})


def _fund_initial(request):
    initial = {}
    if request.GET.get("division", "").isdigit():
        initial["division"] = request.GET["division"]
    if request.GET.get("year", "").isdigit():
        initial["year"] = request.GET["year"]
    if request.GET.get("category") in FundCategory.values:
        initial["category"] = request.GET["category"]
    initial.setdefault("year", _today().year)
    return initial


@staff_required
def fund_create(request):
    _manager_only(request.user)
    form = FundForm(request.POST or None, divisions=_divisions(request.user, communities_only=True),
                    initial=_fund_initial(request))
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.save_community_fund(actor=actor, **d),
                      success=lambda f: ("社区经费已登记。", reverse("cadres:funds") + f"?year={f.year}"),
                      title="登记社区经费", back=reverse("cadres:funds"), tab="funds")


@staff_required
def fund_edit(request, pk):
    _manager_only(request.user)
    f = get_for_user_or_403(CommunityFund.objects.select_related("division"), request.user, CHANGE, pk=pk)
    form = FundForm(request.POST or None, divisions=_divisions(request.user, communities_only=True),
                    initial={k: getattr(f, k) for k in ("division", "year", "category", "amount")})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.save_community_fund(f, actor=actor, **d),
                      success=lambda f: ("已保存。", reverse("cadres:funds") + f"?year={f.year}"),
                      title=f"修改社区经费：{f}", back=reverse("cadres:funds") + f"?year={f.year}", tab="funds")


@staff_required
@require_POST
def fund_delete(request, pk):
    _manager_only(request.user)
    f = get_for_user_or_403(CommunityFund.objects.select_related("division"), request.user, CHANGE, pk=pk)
    year = f.year
    flash_service_result(request, lambda: services.delete_keyed(f, actor=Actor.from_request(request)), "社区经费记录已删除。")
    return htmx_redirect(request, reverse("cadres:funds") + f"?year={year}")


# --- Venue investments ---------------------------------------------------------------------------

@staff_required
def investments(request):
    user, g = request.user, request.GET
    qs = VenueInvestment.objects.for_user(user).select_related("division")
    if g.get("q"):
        qs = qs.filter(Q(project__icontains=g["q"]) | Q(division__name__icontains=g["q"]))
    if _date(g.get("from")):
        qs = qs.filter(invested_on__gte=_date(g["from"]))
    if _date(g.get("to")):
        qs = qs.filter(invested_on__lte=_date(g["to"]))
    total = qs.aggregate(s=Sum("amount"))["s"]
    qs = qs.order_by("-invested_on", "division__path", "project")
    manager = is_manager(user)

    def build(v):
        actions = [Action("修改", reverse("cadres:investment_edit", args=[v.pk])),
                   Action("删除", reverse("cadres:investment_delete", args=[v.pk]), post=True, style="outline-danger",
                          confirm=f"确定删除“{v.project}”的投入记录吗？")] if manager else []
        return Row([C(v.division.name), C(v.project), C(v.invested_on), C(_money(v.amount))], actions)

    buttons = [("登记阵地投入", reverse("cadres:investment_create"))] if manager else []
    return table(request, title="阵地建设投入", tab="investments", headers=["所在行政区划", "项目名称", "投入日期", "金额（元）"],
                 items=qs, build=build, buttons=buttons, filename="阵地建设投入",
                 filters=_filters(request, [("q", "项目或区划", "text"), ("from", "投入日期从", "date"), ("to", "到", "date")]),
                 summary=[f"合计{_money(total or 0)}元"], empty="没有符合条件的阵地投入记录。")


@staff_required
def investment_create(request):
    _manager_only(request.user)
    form = InvestmentForm(request.POST or None, divisions=_divisions(request.user))
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.save_venue_investment(actor=actor, **d),
                      success=lambda v: ("阵地投入已登记。", reverse("cadres:investments")),
                      title="登记阵地投入", back=reverse("cadres:investments"), tab="investments")


@staff_required
def investment_edit(request, pk):
    _manager_only(request.user)
    v = get_for_user_or_403(VenueInvestment.objects.select_related("division"), request.user, CHANGE, pk=pk)
    form = InvestmentForm(request.POST or None, divisions=_divisions(request.user),
                          initial={k: getattr(v, k) for k in ("division", "project", "invested_on", "amount")})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.save_venue_investment(v, actor=actor, **d),
                      success=lambda v: ("已保存。", reverse("cadres:investments")),
                      title=f"修改阵地投入：{v.project}", back=reverse("cadres:investments"), tab="investments")


@staff_required
@require_POST
def investment_delete(request, pk):
    _manager_only(request.user)
    v = get_for_user_or_403(VenueInvestment.objects, request.user, CHANGE, pk=pk)
    flash_service_result(request, lambda: services.delete_keyed(v, actor=Actor.from_request(request)), "阵地投入记录已删除。")
    return htmx_redirect(request, reverse("cadres:investments"))


# --- Elections -----------------------------------------------------------------------------------

@staff_required
def elections(request):
    user, g = request.user, request.GET
    today = _today()
    qs = Election.objects.for_user(user).select_related("organization").annotate(
        n=Count("candidates", distinct=True),
        passed=Count("candidates", filter=Q(candidates__state=CandidateState.PASSED), distinct=True),
        failed=Count("candidates", filter=Q(candidates__state=CandidateState.FAILED), distinct=True))
    if g.get("status") in ElectionStatus.values:
        qs = qs.filter(status=g["status"])
    if g.get("q"):
        qs = qs.filter(organization__name__icontains=g["q"])
    if g.get("year", "").isdigit():
        qs = qs.filter(planned_on__year=int(g["year"]))
    qs = qs.order_by("-planned_on", "organization__path")

    def build(e):
        return Row([C(e.organization.name, reverse("cadres:election_detail", args=[e.pk])), C(e.term_ends_on or "—"),
                    C(e.planned_on), C(e.get_status_display(), badge="success" if e.status == "held" else ("secondary" if e.status == "cancelled" else "info")),
                    C(e.n), C(e.passed), C(e.failed), C(e.held_on or "")])

    warn_days = get_setting("setup.term_warning_days")
    due = (Organization.objects.for_user(user).filter(is_active=True, term_ends_on__isnull=False,
                                                      term_ends_on__lte=today + datetime.timedelta(days=warn_days))
           .exclude(elections__status__in=[ElectionStatus.PLANNED, ElectionStatus.VETTING]).order_by("term_ends_on")[:50])
    buttons = [("制定换届方案", reverse("cadres:election_create"))] if is_manager(user) else []
    return table(request, title="换届选举台账", tab="elections",
                 headers=["党组织", "本届届满", "计划选举日期", "状态", "候选人", "联审通过", "联审未通过", "选举日期"],
                 items=qs, build=build, buttons=buttons, filename="换届选举台账",
                 filters=_filters(request, [("q", "党组织", "text"), ("status", "状态", "select", [("", "全部")] + list(ElectionStatus.choices)),
                                            ("year", "计划年度", "number")]),
                 empty="还没有换届选举记录。", extra={"due": due, "due_days": warn_days, "today": today})


@staff_required
def election_create(request):
    _manager_only(request.user)
    initial = {}
    if request.GET.get("org"):
        org = _scope_org(request)
        initial = {"organization": org, "planned_on": org.term_ends_on}
    form = ElectionForm(request.POST or None, organizations=_change_orgs(request.user), initial=initial)
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.create_election(actor=actor, **d),
                      success=lambda e: ("换届工作方案已登记，请提名候选人并组织联审。", reverse("cadres:election_detail", args=[e.pk])),
                      title="制定换届方案", back=reverse("cadres:elections"), tab="elections")


@staff_required
def election_detail(request, pk):
    user = request.user
    e = get_for_user_or_404(Election.objects.select_related("organization"), user, pk=pk)
    candidates = list(e.candidates.prefetch_related("vettings").order_by("post", "id"))
    departments = rules.vetting_departments()
    for c in candidates:
        outcomes = {v.department: v for v in c.vettings.all()}
        c.cells = [(d, outcomes.get(d)) for d in departments]
    may_change = is_manager(user) and Election.objects.for_user(user, CHANGE).filter(pk=e.pk).exists()
    day = e.held_on or _today()
    before = queries.structure(e.organization, day - datetime.timedelta(days=1) if e.held_on else day, only_org=True)
    after = queries.structure(e.organization, e.held_on, only_org=True) if e.held_on else None
    return render(request, "cadres/election_detail.html", {
        "e": e, "candidates": candidates, "departments": departments, "may_change": may_change, "tab": "elections",
        "before": _structure_rows(before), "after": _structure_rows(after) if after else None,
        "team": queries.teams([e.organization], day - datetime.timedelta(days=1) if e.held_on else day)[0],
        "candidate_form": CandidateForm() if may_change and e.is_open else None,
    })


@staff_required
def election_edit(request, pk):
    _manager_only(request.user)
    e = get_for_user_or_403(Election.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    form = ElectionForm(request.POST or None, initial={"planned_on": e.planned_on, "plan": e.plan})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.update_election(e, actor=actor, **d),
                      success=lambda e: ("已保存。", reverse("cadres:election_detail", args=[e.pk])),
                      title=f"修改换届方案：{e.organization.name}", back=reverse("cadres:election_detail", args=[e.pk]), tab="elections")


@staff_required
def election_cancel(request, pk):
    _manager_only(request.user)
    e = get_for_user_or_403(Election.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    form = CancelForm(request.POST or None)
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.cancel_election(e, actor=actor, **d),
                      success=lambda e: ("换届选举已取消。", reverse("cadres:election_detail", args=[e.pk])),
                      title=f"取消换届选举：{e.organization.name}", back=reverse("cadres:election_detail", args=[e.pk]),
                      tab="elections", intro="取消后不能再提名候选人或登记结果；取消理由记入台账和操作日志。")


@staff_required
@require_POST
def candidate_create(request, pk):
    _manager_only(request.user)
    e = get_for_user_or_403(Election.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    form = CandidateForm(request.POST)
    if form.is_valid():
        try:
            services.add_candidate(e, actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            messages.success(request, f"已提名{form.cleaned_data['name']}为{form.cleaned_data['post']}候选人，请各联审部门登记意见。")
            return htmx_redirect(request, reverse("cadres:election_detail", args=[pk]))
    for message in form.error_summary:
        messages.error(request, message)
    return htmx_redirect(request, reverse("cadres:election_detail", args=[pk]))


@staff_required
def vetting_record(request, pk):
    _manager_only(request.user)
    c = get_for_user_or_403(Candidate.objects.select_related("election__organization"), request.user, CHANGE, pk=pk)
    initial = {"vetted_on": _today()}
    if request.GET.get("department"):
        initial["department"] = request.GET["department"]
    form = VettingForm(request.POST or None, initial=initial)
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.record_vetting(c, actor=actor, **d),
                      success=lambda v: (f"已登记{v.department}对{c.name}的联审意见。", reverse("cadres:election_detail", args=[c.election_id])),
                      title=f"联审意见：{c.name}（拟任{c.post}）", back=reverse("cadres:election_detail", args=[c.election_id]),
                      tab="elections", intro="对照负面清单逐项审查；不通过的须选择负面清单中的情形并写明理由。")


@staff_required
def election_result(request, pk):
    _manager_only(request.user)
    e = get_for_user_or_403(Election.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    form = ResultForm(request.POST or None, candidates=e.candidates.filter(state=CandidateState.PASSED),
                      initial={"held_on": min(e.planned_on, _today())})
    actor = Actor.from_request(request)
    return _form_page(request, form, lambda d: services.record_result(e, actor=actor, **d),
                      success=lambda e: ("选举结果已登记：原班子成员离任，当选人自选举日期起任职。", reverse("cadres:election_detail", args=[e.pk])),
                      title=f"登记选举结果：{e.organization.name}", back=reverse("cadres:election_detail", args=[e.pk]),
                      tab="elections", intro="确认后，选举日期前一天在任的书记、副书记、委员自选举日期起离任，当选人自选举日期起任职，本届届满日期按任期年限更新。")
