"""Pages of assessment and rectification. Every queryset goes through ``for_user``; every write through a
service; every list has filters, pagination and an Excel export."""
from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import excel
from dangjian.core.actor import Actor
from dangjian.core.extensions import computed_indicator
from dangjian.core.scope import get_for_user_or_403, get_for_user_or_404, is_in_subtree, subtree_q
from dangjian.core.views_helpers import (
    flash_service_result, form_action, has_role, paginate_with_filters, role_required, query_without_page, require_role,
)
from dangjian.register.models import Organization

from . import scoring, services
from .forms import (
    DebriefForm, DecisionForm, FollowUpForm, IndicatorForm, ListItemForm, LookbackForm, MeetingForm, PlanForm,
    ProblemForm, ProgressForm, SignOffForm, TargetsForm, UseForm, VerifyForm,
)
from .models import (
    STAFF_ROLES, SUPERIOR_ROLES, Debrief, Decision, JointMeeting, ListItem, MeetingTask, Plan, PlanTarget, Problem,
    ResultUse,
)
from .vocab import (
    IndicatorKind, ListKind, PlanKind, PlanStatus, ProblemCategory, ProblemSource, ProblemState, UseKind,
)

PAGE_SIZE = 30


staff_required = role_required(STAFF_ROLES, "考核与整改由党组织书记、组织员和县委组织部使用")


def _page(request, qs):
    return paginate_with_filters(request, qs, PAGE_SIZE)


def _date(raw):
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _orgs(user, superior_only=False):
    qs = Organization.objects.for_user(user, "view").filter(is_active=True).order_by("path")
    return qs


def _org_filter(request, qs, field="organization"):
    raw = request.GET.get("org")
    if raw and raw.isdigit():
        org = get_for_user_or_404(Organization.objects, request.user, pk=int(raw))
        return qs.filter(subtree_q(org, field)), org
    return qs, None


def _export(title, headers, rows, filename):
    return excel.xlsx_response(excel.write_workbook([(title, headers, rows)]), filename)


def _ctx(request, **kw):
    return {"filters": request.GET, "query": query_without_page(request), "is_superior": has_role(request.user, SUPERIOR_ROLES),
            "today": timezone.localdate(), **kw}


# --- Plans ------------------------------------------------------------------------------------------

@staff_required
def plans(request):
    qs = Plan.objects.for_user(request.user).select_related("owner").annotate(
        n_targets=Count("targets", distinct=True), n_uses=Count("uses", distinct=True)).order_by("-date_to", "-id")
    g = request.GET
    if g.get("kind") in PlanKind.values:
        qs = qs.filter(kind=g["kind"])
    if g.get("status") in PlanStatus.values:
        qs = qs.filter(status=g["status"])
    if g.get("year", "").isdigit():
        qs = qs.filter(date_to__year=int(g["year"]))
    if g.get("q"):
        qs = qs.filter(name__icontains=g["q"])
    if g.get("export") == "xlsx":
        return _export("考核方案", ["方案", "组织考核的党组织", "类别", "期间自", "期间至", "状态", "被考核组织数", "结果运用次数"],
                       ([p.name, p.owner.name, p.get_kind_display(), p.date_from, p.date_to, p.get_status_display(),
                         p.n_targets, p.n_uses] for p in qs), "考核方案.xlsx")
    return render(request, "assessment/plans.html", _ctx(request, page=_page(request, qs), kinds=PlanKind.choices,
                                                        statuses=PlanStatus.choices))


@staff_required
def plan_create(request):
    require_role(request.user, SUPERIOR_ROLES, "考核方案由组织员和县委组织部制定")
    form = PlanForm(request.POST or None, orgs=_orgs(request.user).exclude(org_type__in=("党支部", "联合党支部")))
    return form_action(request, form, lambda d: services.create_plan(actor=Actor.from_request(request), **d),
                       success=lambda p: ("考核方案已建立，请设置指标和被考核组织", reverse("assessment:plan", args=[p.pk])),
                       template="assessment/form.html", context={"title": "制定考核方案"})


def _plan(request, pk, action="view"):
    if action == "view":
        return get_for_user_or_404(Plan.objects.select_related("owner"), request.user, pk=pk)
    return get_for_user_or_403(Plan.objects.select_related("owner"), request.user, action, pk=pk)


@staff_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    may_change = Plan.objects.for_user(request.user, "change").filter(pk=pk).exists()
    targets_orgs = Organization.objects.for_user(request.user).filter(subtree_q(plan.owner), is_active=True) \
        .exclude(pk=plan.owner_id).order_by("path")
    indicators = list(plan.indicators.all())
    for i in indicators:
        i.provider = computed_indicator(i.computed_key) if i.kind == IndicatorKind.COMPUTED else None
    return render(request, "assessment/plan_detail.html", _ctx(
        request, plan=plan, may_change=may_change, indicators=indicators,
        max_points=sum(i.points for i in indicators),
        targets=PlanTarget.objects.for_user(request.user).filter(plan=plan).select_related("organization"),
        indicator_form=IndicatorForm(), targets_form=TargetsForm(orgs=targets_orgs),
        use_form=UseForm(orgs=Organization.objects.filter(assessment_targets__plan=plan)),
        uses=plan.uses.select_related("organization")))


def _post_form(request, form, perform, success, back):
    if form.is_valid():
        flash_service_result(request, lambda: perform(form.cleaned_data), success)
    else:
        from django.contrib import messages
        messages.error(request, "；".join(form.error_summary))
    return redirect(back)


@staff_required
@require_POST
def plan_indicator_add(request, pk):
    plan = _plan(request, pk, "change")
    return _post_form(request, IndicatorForm(request.POST),
                      lambda d: services.add_indicator(plan, actor=Actor.from_request(request), **d), "指标已添加",
                      reverse("assessment:plan", args=[pk]))


@staff_required
@require_POST
def plan_indicator_delete(request, pk, indicator_pk):
    plan = _plan(request, pk, "change")
    indicator = plan.indicators.filter(pk=indicator_pk).first()
    if indicator is None:
        raise Http404("指标不存在")
    flash_service_result(request, lambda: services.remove_indicator(indicator, actor=Actor.from_request(request)),
                         f"指标“{indicator.name}”已删除")
    return redirect("assessment:plan", pk=pk)


@staff_required
@require_POST
def plan_targets_add(request, pk):
    plan = _plan(request, pk, "change")
    orgs = Organization.objects.for_user(request.user).filter(subtree_q(plan.owner))
    return _post_form(request, TargetsForm(request.POST, orgs=orgs),
                      lambda d: services.add_targets(plan, actor=Actor.from_request(request), **d),
                      "被考核组织已添加", reverse("assessment:plan", args=[pk]))


@staff_required
@require_POST
def plan_status(request, pk):
    plan = _plan(request, pk, "change")
    actor = Actor.from_request(request)
    step = request.POST.get("step")
    actions = {"start": (services.start_scoring, "已开始自评和评分"), "publish": (services.publish, "考核结果已公布"),
               "close": (services.close_plan, "考核已结束")}
    if step not in actions:
        raise Http404("未知操作")
    fn, message = actions[step]
    flash_service_result(request, lambda: fn(plan, actor=actor), message)
    return redirect("assessment:plan", pk=pk)


@staff_required
@require_POST
def plan_use_add(request, pk):
    plan = _plan(request, pk)
    form = UseForm(request.POST, orgs=Organization.objects.filter(assessment_targets__plan=plan))
    return _post_form(request, form, lambda d: services.record_use(plan, actor=Actor.from_request(request), **d),
                      "考核结果运用已登记", reverse("assessment:plan", args=[pk]))


@staff_required
def plan_sheet(request, pk):
    plan = _plan(request, pk)
    # Ranked over every assessed organisation of the plan; the user sees the rows of their scope.
    sheet = scoring.compute(plan)
    visible = set(PlanTarget.objects.for_user(request.user).filter(plan=plan).values_list("pk", flat=True))
    sheet.results = [r for r in sheet.results if r.target.pk in visible
                     and (not request.GET.get("group") or r.target.peer_group == request.GET["group"])]
    if request.GET.get("export") == "xlsx":
        headers = ["同类组", "名次", "党组织", *[f"{i.area}／{i.name}（{i.points}）" for i in sheet.indicators], "总分", "末位",
                   "问责决定"]
        rows = ([r.target.peer_group, r.rank, r.organization.name, *[c.score for c in r.cells], r.total,
                 "是" if r.flagged else "", r.decision.kind if r.decision else ""] for r in sheet.results)
        return _export("考核排名", headers, rows, f"{plan.name}-排名.xlsx")
    groups = sorted(set(PlanTarget.objects.for_user(request.user).filter(plan=plan).values_list("peer_group", flat=True)))
    return render(request, "assessment/plan_sheet.html", _ctx(request, plan=plan, sheet=sheet, groups=groups))


def _target(request, pk, action="view"):
    qs = PlanTarget.objects.select_related("plan__owner", "organization__division")
    return get_for_user_or_404(qs, request.user, pk=pk) if action == "view" else \
        get_for_user_or_403(qs, request.user, action, pk=pk)


@staff_required
def target_detail(request, pk):
    target = _target(request, pk)
    sheet = scoring.compute(target.plan, targets=[target])
    result = sheet.results[0]
    ranked = {r.target.pk: r for r in scoring.compute(target.plan).results} if target.plan.status != PlanStatus.DRAFT else {}
    if target.pk in ranked:
        result.rank, result.flagged, result.group_size = ranked[target.pk].rank, ranked[target.pk].flagged, \
            ranked[target.pk].group_size
    for c in result.cells:
        c.provider = computed_indicator(c.indicator.computed_key) if c.indicator.kind == IndicatorKind.COMPUTED else None
    may_score = Plan.objects.for_user(request.user, "change").filter(pk=target.plan_id).exists()
    may_self = is_in_subtree(target.organization, request.user.scope_path) or request.user.is_superuser
    if request.GET.get("export") == "xlsx":
        return _export("评分表", ["考核方面", "指标", "分值", "评分方式", "计算公式或评分说明", "数据", "自评分", "得分"],
                       ([c.indicator.area, c.indicator.name, c.indicator.points, c.indicator.get_kind_display(),
                         c.provider.formula if c.provider else c.comment, c.rate_text, c.self_score, c.score]
                        for c in result.cells), f"{target.organization.name}-评分表.xlsx")
    return render(request, "assessment/target_detail.html", _ctx(
        request, target=target, plan=target.plan, result=result, may_score=may_score, may_self=may_self,
        decision_form=DecisionForm()))


@staff_required
def target_drill(request, pk, indicator_pk):
    target = _target(request, pk)
    ind = get_for_user_or_404(Plan.objects, request.user, pk=target.plan_id).indicators.filter(
        pk=indicator_pk, kind=IndicatorKind.COMPUTED).first()
    provider = computed_indicator(ind.computed_key) if ind else None
    if provider is None:
        raise Http404("指标不存在")
    records = provider.records(target.organization, target.plan.date_from, target.plan.date_to)
    if request.GET.get("counted") in ("1", "0"):
        records = [r for r in records if r.counted == (request.GET["counted"] == "1")]
    if request.GET.get("export") == "xlsx":
        return _export("数据明细", ["党组织", "事项", "日期", "计入", "说明"],
                       ([r.organization, r.label, r.day, "是" if r.counted else "否", r.note] for r in records),
                       f"{target.organization.name}-{provider.label}.xlsx")
    return render(request, "assessment/drill.html", _ctx(request, target=target, indicator=ind, provider=provider,
                                                        page=_page(request, records)))


@staff_required
@require_POST
def target_score(request, pk):
    target = _target(request, pk)
    actor = Actor.from_request(request)
    ind = target.plan.indicators.filter(pk=request.POST.get("indicator") or 0).first()
    if ind is None:
        raise Http404("指标不存在")
    if request.POST.get("mode") == "self":
        _target(request, pk, "change")
        flash_service_result(request, lambda: services.self_assess(
            target, ind, actor=actor, self_score=request.POST.get("self_score") or None,
            note=request.POST.get("self_note", "")), f"“{ind.name}”自评已保存")
    else:
        _plan(request, target.plan_id, "change")
        flash_service_result(request, lambda: services.score_indicator(
            target, ind, actor=actor, score=request.POST.get("score") or None, faults=request.POST.get("faults") or None,
            comment=request.POST.get("comment", ""), evidence=request.POST.get("evidence", "")), f"“{ind.name}”评分已保存")
    return redirect("assessment:target", pk=pk)


@staff_required
@require_POST
def target_decision(request, pk):
    target = _target(request, pk)
    _plan(request, target.plan_id, "change")
    return _post_form(request, DecisionForm(request.POST),
                      lambda d: services.record_decision(target, actor=Actor.from_request(request), **d),
                      "问责决定已登记", reverse("assessment:target", args=[pk]))


@staff_required
def decisions(request):
    qs = Decision.objects.for_user(request.user).select_related("target__plan", "target__organization")
    qs, org = _org_filter(request, qs, "target__organization")
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("plan", "").isdigit():
        qs = qs.filter(target__plan_id=int(request.GET["plan"]))
    qs = qs.order_by("-decided_on", "id")
    if request.GET.get("export") == "xlsx":
        return _export("末位问责决定", ["考核方案", "党组织", "决定", "内容或理由", "决定日期", "登记人"],
                       ([d.target.plan.name, d.target.organization.name, d.kind, d.reason, d.decided_on, d.decided_by_name]
                        for d in qs), "末位问责决定.xlsx")
    from .vocab import DecisionKind
    return render(request, "assessment/decisions.html", _ctx(request, page=_page(request, qs), kinds=DecisionKind.choices,
                                                            orgs=_orgs(request.user)[:300]))


def plans_without_uses(qs):
    """Published or closed plans whose results fed no decision."""
    return qs.filter(status__in=(PlanStatus.PUBLISHED, PlanStatus.CLOSED)).annotate(n=Count("uses")).filter(n=0)


@staff_required
def uses(request):
    plans_qs = Plan.objects.for_user(request.user)
    qs = ResultUse.objects.for_user(request.user).select_related("plan", "organization")
    if request.GET.get("kind") in UseKind.values:
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("year", "").isdigit():
        qs = qs.filter(decided_on__year=int(request.GET["year"]))
    if request.GET.get("export") == "xlsx":
        return _export("考核结果运用", ["考核方案", "运用方式", "决定事项", "涉及党组织", "决定日期", "决定机关"],
                       ([u.plan.name, u.kind, u.decision, u.organization.name if u.organization else "", u.decided_on,
                         u.decided_by] for u in qs), "考核结果运用.xlsx")
    counts = dict(qs.values_list("kind").annotate(n=Count("id")).order_by())
    fed = plans_qs.filter(uses__isnull=False).distinct().count()
    return render(request, "assessment/uses.html", _ctx(
        request, page=_page(request, qs), counts=[(l, counts.get(v, 0)) for v, l in UseKind.choices],
        unused=plans_without_uses(plans_qs).select_related("owner"), fed=fed, kinds=UseKind.choices))


# --- 整改台账 ------------------------------------------------------------------------------------------

def _problems(request):
    qs = Problem.objects.for_user(request.user).select_related("organization", "escalated_to")
    qs, org = _org_filter(request, qs)
    g = request.GET
    day = timezone.localdate()
    if g.get("state") in ProblemState.values:
        qs = qs.in_state(g["state"])
    if g.get("overdue") == "1":
        qs = qs.overdue_on(day)
    if g.get("recurring") == "1":
        qs = qs.filter(recurring=True)
    if g.get("escalated") == "1":
        qs = qs.filter(escalated_to__isnull=False, signed_off_on__isnull=True)
    if g.get("source") in ProblemSource.values:
        qs = qs.filter(source=g["source"])
    if g.get("category") in ProblemCategory.values:
        qs = qs.filter(category=g["category"])
    if _date(g.get("from")):
        qs = qs.filter(found_on__gte=_date(g["from"]))
    if _date(g.get("to")):
        qs = qs.filter(found_on__lte=_date(g["to"]))
    if g.get("q"):
        qs = qs.filter(Q(description__icontains=g["q"]) | Q(number__icontains=g["q"]) | Q(responsible__icontains=g["q"]))
    return qs, org


@staff_required
def problems(request):
    qs, org = _problems(request)
    day = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return _export("整改台账", ["问题编号", "所在党组织", "问题来源", "问题类别", "问题描述", "发现日期", "整改时限", "责任人",
                                "状态", "逾期", "反复出现", "上报至", "整改完成日期", "复查日期", "复查结论", "销号日期"],
                       ([p.number, p.organization.name, p.source, p.category, p.description, p.found_on, p.deadline,
                         p.responsible, p.state_label, "是" if p.is_overdue(day) else "", "是" if p.recurring else "",
                         p.escalated_to.name if p.escalated_to else "", p.completed_on, p.verified_on, p.verdict,
                         p.signed_off_on] for p in qs.iterator(chunk_size=2000)), "整改台账（列表）.xlsx")
    return render(request, "assessment/problems.html", _ctx(
        request, page=_page(request, qs), states=ProblemState.choices, sources=ProblemSource.choices,
        categories=ProblemCategory.choices, orgs=_orgs(request.user)[:500], scope_org=org, day=day))


@staff_required
def problem_sheet_export(request):
    from .roster_sheets import ProblemSheet

    _, org = _org_filter(request, Problem.objects.none())
    rows = ProblemSheet().export_rows(request.user, org, date_from=_date(request.GET.get("from")),
                                      date_to=_date(request.GET.get("to")))
    content = excel.write_workbook([(ProblemSheet.sheet_name, ProblemSheet.titles(), rows)],
                                   widths={ProblemSheet.sheet_name: [c.width for c in ProblemSheet.columns]})
    return excel.xlsx_response(content, "整改台账.xlsx")


@staff_required
def problem_create(request):
    require_role(request.user, SUPERIOR_ROLES, "整改问题由上级党组织（组织员、县委组织部）登记")
    form = ProblemForm(request.POST or None, orgs=_orgs(request.user), initial={"found_on": timezone.localdate()})
    return form_action(request, form, lambda d: services.create_problem(actor=Actor.from_request(request), **d),
                       success=lambda p: (f"问题{p.number}已登记", reverse("assessment:problem", args=[p.pk])),
                       template="assessment/form.html", context={"title": "登记整改问题"})


@staff_required
def problem_edit(request, pk):
    p = get_for_user_or_403(Problem.objects.select_related("organization"), request.user, pk=pk)
    require_role(request.user, SUPERIOR_ROLES, "整改问题由上级党组织（组织员、县委组织部）修改")
    fields = ("source", "category", "description", "standard", "measures", "responsible", "found_on", "deadline")
    form = ProblemForm(request.POST or None, orgs=Organization.objects.filter(pk=p.organization_id),
                       initial={"organization": p.organization_id, "number": p.number,
                                **{f: getattr(p, f) for f in fields}})
    form.fields["organization"].disabled = True
    form.fields["number"].disabled = True
    return form_action(request, form, lambda d: services.update_problem(p, actor=Actor.from_request(request),
                                                                         **{f: d[f] for f in fields}),
                       success=lambda x: (f"问题{x.number}已修改", reverse("assessment:problem", args=[x.pk])),
                       template="assessment/form.html", context={"title": f"修改整改问题 {p.number}"})


def _problem(request, pk):
    return get_for_user_or_404(Problem.objects.select_related("organization", "escalated_to"), request.user, pk=pk)


@staff_required
def problem_detail(request, pk):
    p = _problem(request, pk)
    history = Problem.objects.for_user(request.user).filter(organization=p.organization, category=p.category) \
        .exclude(pk=p.pk).order_by("-found_on")
    today = timezone.localdate()
    return render(request, "assessment/problem_detail.html", _ctx(
        request, p=p, history=history, progress=p.progress.all(), lookback_due=services.lookback_due(p),
        overdue=p.is_overdue(today), may_verify=has_role(request.user, SUPERIOR_ROLES) and (
            request.user.is_superuser or p.organization_id != request.user.organization_id
            or request.user.role == "county_admin"),
        progress_form=ProgressForm(initial={"day": today}), verify_form=VerifyForm(initial={"verified_on": today}),
        signoff_form=SignOffForm(initial={"day": today}), lookback_form=LookbackForm(initial={"day": today})))


def _problem_action(request, pk, form_cls, perform, message):
    p = _problem(request, pk)
    return _post_form(request, form_cls(request.POST), lambda d: perform(p, Actor.from_request(request), d), message,
                      reverse("assessment:problem", args=[pk]))


@staff_required
@require_POST
def problem_progress(request, pk):
    return _problem_action(request, pk, ProgressForm, lambda p, a, d: services.report_progress(p, actor=a, **d),
                           "整改进展已报告")


@staff_required
@require_POST
def problem_verify(request, pk):
    return _problem_action(request, pk, VerifyForm, lambda p, a, d: services.verify(p, actor=a, **d), "复查已登记")


@staff_required
@require_POST
def problem_signoff(request, pk):
    return _problem_action(request, pk, SignOffForm, lambda p, a, d: services.sign_off(p, actor=a, day=d["day"]),
                           "已销号")


@staff_required
@require_POST
def problem_lookback(request, pk):
    return _problem_action(request, pk, LookbackForm, lambda p, a, d: services.record_lookback(
        p, actor=a, day=d["day"], note=d["note"], held=d["held"] == "1"), "回头看已登记")


# --- 述职评议 -------------------------------------------------------------------------------------------

@staff_required
def debriefs(request):
    qs = Debrief.objects.for_user(request.user).select_related("organization").annotate(n_problems=Count("problems")).order_by("-year", "organization__path", "id")
    qs, org = _org_filter(request, qs)
    if request.GET.get("year", "").isdigit():
        qs = qs.filter(year=int(request.GET["year"]))
    if request.GET.get("grade"):
        qs = qs.filter(grade=request.GET["grade"])
    if request.GET.get("export") == "xlsx":
        return _export("述职评议", ["年度", "党组织", "述职书记", "评议日期", "好", "较好", "一般", "差", "评议等次", "问题数"],
                       ([d.year, d.organization.name, d.secretary, d.held_on, d.votes_good, d.votes_fairly_good,
                         d.votes_average, d.votes_poor, d.grade, d.n_problems] for d in qs), "述职评议.xlsx")
    return render(request, "assessment/debriefs.html", _ctx(request, page=_page(request, qs), orgs=_orgs(request.user)[:300]))


@staff_required
def debrief_create(request):
    require_role(request.user, SUPERIOR_ROLES, "述职评议由上级党组织组织")
    form = DebriefForm(request.POST or None, orgs=_orgs(request.user).exclude(pk=request.user.organization_id)
                       if not request.user.is_superuser else _orgs(request.user),
                       initial={"year": timezone.localdate().year, "held_on": timezone.localdate()})

    def perform(d):
        votes = {"好": d.pop("votes_good"), "较好": d.pop("votes_fairly_good"), "一般": d.pop("votes_average"),
                 "差": d.pop("votes_poor")}
        d["problems"] = (d.get("problems") or "").splitlines()
        return services.record_debrief(actor=Actor.from_request(request), votes=votes, **d)
    return form_action(request, form, perform,
                       success=lambda d: (f"述职评议已登记，{d.problems.count()}个问题已进入整改台账",
                                          reverse("assessment:debrief", args=[d.pk])),
                       template="assessment/form.html", context={"title": "登记书记抓基层党建述职评议"})


@staff_required
def debrief_detail(request, pk):
    d = get_for_user_or_404(Debrief.objects.select_related("organization"), request.user, pk=pk)
    return render(request, "assessment/debrief_detail.html", _ctx(request, d=d, problems=d.problems.all()))


# --- 三单 ------------------------------------------------------------------------------------------------

@staff_required
def lists(request):
    qs = ListItem.objects.for_user(request.user).select_related("organization")
    qs, org = _org_filter(request, qs)
    if request.GET.get("year", "").isdigit():
        qs = qs.filter(year=int(request.GET["year"]))
    if request.GET.get("kind") in ListKind.values:
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("done") == "0":
        qs = qs.filter(done_on__isnull=True)
    if request.GET.get("export") == "xlsx":
        return _export("三单", ["年度", "党组织", "清单", "内容", "责任人", "完成时限", "完成日期"],
                       ([i.year, i.organization.name, i.kind, i.content, i.owner, i.deadline, i.done_on] for i in qs),
                       "三单.xlsx")
    form = ListItemForm(orgs=_orgs(request.user), initial={"year": timezone.localdate().year})
    return render(request, "assessment/lists.html", _ctx(request, page=_page(request, qs), kinds=ListKind.choices,
                                                        orgs=_orgs(request.user)[:300], form=form))


@staff_required
@require_POST
def list_add(request):
    return _post_form(request, ListItemForm(request.POST, orgs=_orgs(request.user)),
                      lambda d: services.add_list_item(actor=Actor.from_request(request), **d), "已加入清单",
                      reverse("assessment:lists"))


@staff_required
@require_POST
def list_done(request, pk):
    item = get_for_user_or_403(ListItem.objects.select_related("organization"), request.user, pk=pk)
    flash_service_result(request, lambda: services.complete_list_item(
        item, actor=Actor.from_request(request), day=_date(request.POST.get("day")) or timezone.localdate()), "已完成")
    return redirect("assessment:lists")


# --- 联席例会 ----------------------------------------------------------------------------------------------

@staff_required
def meetings(request):
    qs = JointMeeting.objects.for_user(request.user).select_related("organization").annotate(n_tasks=Count("tasks")).order_by("-held_on", "-id")
    qs, org = _org_filter(request, qs)
    if request.GET.get("year", "").isdigit():
        qs = qs.filter(held_on__year=int(request.GET["year"]))
    if request.GET.get("export") == "xlsx":
        tasks = MeetingTask.objects.filter(meeting__in=qs).select_related("meeting__organization", "followed_up_at")
        return _export("联席例会任务", ["召集党组织", "例会日期", "主题", "任务", "责任单位", "完成时限", "完成日期", "跟进例会", "跟进情况"],
                       ([t.meeting.organization.name, t.meeting.held_on, t.meeting.theme, t.content, t.owner, t.deadline,
                         t.done_on, t.followed_up_at.held_on if t.followed_up_at else None, t.follow_up] for t in tasks),
                       "联席例会.xlsx")
    return render(request, "assessment/meetings.html", _ctx(request, page=_page(request, qs), orgs=_orgs(request.user)[:300]))


@staff_required
def meeting_create(request):
    require_role(request.user, SUPERIOR_ROLES, "联席例会由县委组织部和乡镇（街道）党（工）委召集")
    form = MeetingForm(request.POST or None, orgs=_orgs(request.user).exclude(org_type__in=("党支部", "联合党支部")),
                       initial={"held_on": timezone.localdate(), "organization": request.user.organization_id})
    return form_action(request, form, lambda d: services.record_meeting(actor=Actor.from_request(request), **d),
                       success=lambda m: ("联席例会已登记，上次例会未完成的任务已列入本次跟进",
                                          reverse("assessment:meeting", args=[m.pk])),
                       template="assessment/form.html", context={"title": "登记党建工作联席例会"})


@staff_required
def meeting_detail(request, pk):
    m = get_for_user_or_404(JointMeeting.objects.select_related("organization"), request.user, pk=pk)
    from . import rules
    return render(request, "assessment/meeting_detail.html", _ctx(
        request, m=m, tasks=m.tasks.all(), followed=m.followed_tasks.select_related("meeting"),
        in_first_week=rules.in_first_days(m.held_on), follow_form=FollowUpForm()))


@staff_required
@require_POST
def task_follow_up(request, pk):
    task = get_for_user_or_403(MeetingTask.objects.select_related("meeting__organization"), request.user, pk=pk)
    back = reverse("assessment:meeting", args=[task.followed_up_at_id or task.meeting_id])
    return _post_form(request, FollowUpForm(request.POST),
                      lambda d: services.follow_up_task(task, actor=Actor.from_request(request), **d), "跟进情况已登记", back)
