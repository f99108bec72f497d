"""Pages of organisational life. Every queryset goes through ``for_user``; every write through a service."""
from __future__ import annotations

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.roles import STAFF_ROLES, SUPERVISOR_ROLES
from dangjian.core import excel
from dangjian.core.actor import Actor
from dangjian.core.files import content_disposition, file_response
from dangjian.core.scope import get_for_user_or_403, get_for_user_or_404
from dangjian.core.views_helpers import (
    flash_service_result, has_role, htmx_redirect, paginate, query_without_page, require_role,
)
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import BRANCH_TYPES, MemberStatus

from . import bulletin as bulletin_mod
from . import compliance, rules, services
from .forms import (
    ActivityForm, AnswerForm, BaseForm, BookingForm, CommentForm, PartyGroupForm, UploadForm, apply_errors,
)
from .models import (
    Activity, Attachment, Base, Booking, PartyGroup, Review, ReviewComment,
)
from .vocab import SIX_HAVES, ActivityType, AttendanceStatus, BookingStatus

PAGE_SIZE = 30


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_role(request.user, STAFF_ROLES, "组织生活由党组织书记、组织员和县委组织部使用")
        return view(request, *args, **kwargs)
    return wrapped


def is_reviewer(user) -> bool:
    return has_role(user, SUPERVISOR_ROLES)


_done = htmx_redirect  # after a successful POST: a redirect, or HX-Location for htmx


def _page(request, qs, size=PAGE_SIZE):
    page = paginate(request, qs, size)
    query = query_without_page(request)
    page.query = query + "&" if query else ""
    return page


def _branches(user):
    """Branches the user may record for: active 党支部/联合党支部 in the user's subtree."""
    return (Organization.objects.for_user(user, "view").filter(org_type__in=BRANCH_TYPES, is_active=True)
            .order_by("path"))


def _scope_org(request, param="org"):
    raw = request.GET.get(param) or request.POST.get(param)
    if raw:
        try:
            return get_for_user_or_404(Organization.objects, request.user, pk=int(raw))
        except ValueError:
            raise Http404("组织不存在") from None
    return request.user.organization  # None for a superuser without one: everything


def _date(raw):
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _period(request, default_months: int):
    today = timezone.localdate()
    raw = request.GET.get("period")
    if raw:
        try:
            return rules.parse_period(raw), ""
        except ValueError as err:
            return rules.period_containing(today, default_months), str(err)
    if default_months == 1:  # the last complete month
        first = today.replace(day=1) - datetime.timedelta(days=1)
        return rules.period_containing(first, 1), ""
    return rules.period_containing(today, default_months), ""


def _period_choices(today: datetime.date) -> list[tuple[str, str]]:
    out = []
    for year in (today.year, today.year - 1):
        out.append((str(year), f"{year}年全年"))
        for q in (4, 3, 2, 1):
            if datetime.date(year, 3 * q - 2, 1) <= today:
                out.append((f"{year}-Q{q}", f"{year}年第{q}季度"))
        for m in range(12, 0, -1):
            if datetime.date(year, m, 1) <= today:
                out.append((f"{year}-{m:02d}", f"{year}年{m}月"))
    return out


# --- Activity records ------------------------------------------------------------------------

def _filtered_activities(request):
    user = request.user
    qs = Activity.objects.for_user(user).select_related("organization", "base", "party_group")
    g = request.GET
    org = None
    if g.get("org"):
        org = _scope_org(request)
        qs = qs.in_subtree(org)
    if g.get("type") in ActivityType.values:
        qs = qs.filter(activity_type=g["type"])
    if _date(g.get("from")):
        qs = qs.filter(date__gte=_date(g["from"]))
    if _date(g.get("to")):
        qs = qs.filter(date__lte=_date(g["to"]))
    if g.get("q"):
        qs = qs.filter(Q(topic__icontains=g["q"]) | Q(host__icontains=g["q"]) | Q(organization__name__icontains=g["q"]))
    return qs, org


@staff_required
def index(request):
    qs, org = _filtered_activities(request)
    if request.GET.get("export") == "xlsx":
        rows = ([a.organization.name, a.get_activity_type_display(), a.date, f"{a.start_time:%H:%M}",
                 f"{a.end_time:%H:%M}", a.place_display, a.host, a.recorder, a.topic, a.expected_count,
                 a.present_count, a.leave_count, a.lecturer, "是" if a.is_late else "否", a.review_count]
                for a in qs.iterator(chunk_size=2000))
        content = excel.write_workbook([("组织生活记录", [
            "党组织", "活动类型", "日期", "开始时间", "结束时间", "地点", "主持人", "记录人", "主题", "应到人数", "实到人数",
            "请假人数", "授课人", "补录", "调阅次数"], rows)], widths={"组织生活记录": [28, 14, 12, 8, 8, 20, 10, 10, 36]})
        return excel.xlsx_response(content, "组织生活记录.xlsx")
    page = _page(request, qs)
    context = {
        "page": page, "types": ActivityType.choices, "filters": request.GET, "scope_org": org,
        "branches": _branches(request.user)[:500],
        "open_rectifications": ReviewComment.objects.for_user(request.user).open_rectifications()
        .select_related("activity__organization")[:20],
        "query": request.GET.urlencode(),
        "is_reviewer": is_reviewer(request.user),
    }
    template = "orglife/partials/activity_table.html" if request.htmx else "orglife/index.html"
    return render(request, template, context)


def _eligible(branch, activity_type, group):
    qs = Member.objects.filter(organization=branch, status=MemberStatus.NORMAL)
    if activity_type == ActivityType.GROUP_MEETING and group is not None:
        qs = qs.filter(party_groups=group)
    return qs.order_by("name")


# Types whose attendance list starts empty: the recorder ticks who took part (the committee, the members talked with).
SELECTIVE_TYPES = {ActivityType.BRANCH_COMMITTEE_MEETING, ActivityType.HEART_TO_HEART_TALK}


def _attendance_rows(branch, activity_type, group, activity=None, data=None):
    existing = {a.member_id: a for a in activity.attendance.all()} if activity is not None else {}
    default = "none" if activity_type in SELECTIVE_TYPES else AttendanceStatus.PRESENT
    rows = []
    for m in _eligible(branch, activity_type, group):
        if data is not None:
            status, reason = data.get(f"att_{m.pk}", default), data.get(f"reason_{m.pk}", "")
        elif m.pk in existing:
            status, reason = existing[m.pk].status, existing[m.pk].reason
        else:
            status, reason = (default if activity is None else "none"), ""
        rows.append({"member": m, "status": status, "reason": reason})
    return rows


def _attendance_from_post(request, branch, activity_type, group):
    """The attendance list posted with the form, or None when the form carried none (no members)."""
    if "attendance_list" not in request.POST:
        return None
    out = []
    ids = {int(k[4:]) for k in request.POST if k.startswith("att_") and k[4:].isdigit()}
    members = {m.pk: m for m in Member.objects.filter(pk__in=ids)}
    for pk in sorted(ids):
        status = request.POST.get(f"att_{pk}")
        if status == "none" or pk not in members:
            continue
        out.append({"member": members[pk], "status": status, "reason": request.POST.get(f"reason_{pk}", "").strip()})
    return out


def _branch_for_create(request):
    branches = _branches(request.user)
    raw = request.GET.get("branch") or request.POST.get("branch")
    if raw:
        try:
            return get_for_user_or_404(branches, request.user, pk=int(raw)), branches
        except ValueError:
            raise Http404("党支部不存在") from None
    if branches.count() == 1:
        return branches.first(), branches
    return None, branches


def _activity_kwargs(form, attendance):
    data = {k: v for k, v in form.cleaned_data.items() if k != "amendment_reason"}
    if attendance is not None:
        for k in ("expected_count", "present_count", "leave_count"):
            data.pop(k, None)
    return data


@staff_required
def activity_create(request):
    branch, branches = _branch_for_create(request)
    if branch is None:
        return render(request, "orglife/choose_branch.html", {"branches": branches[:500]})
    initial = {"activity_type": request.GET.get("type", ""), "host": branch.secretary_name,
               "date": timezone.localdate()}
    form = ActivityForm(request.POST or None, branch=branch, user=request.user, initial=initial)
    activity_type = request.POST.get("activity_type") or request.GET.get("type") or ""
    group = PartyGroup.objects.filter(branch=branch, pk=request.POST.get("party_group") or request.GET.get("group") or 0).first()
    if request.method == "POST" and form.is_valid():
        attendance = _attendance_from_post(request, branch, activity_type, group)
        try:
            activity = services.record_activity(actor=Actor.from_request(request), organization=branch,
                                                attendance=attendance, **_activity_kwargs(form, attendance))
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "活动记录已保存。照片和文件可在记录页面上传（非必需）。")
            return _done(request, reverse("orglife:activity_detail", args=[activity.pk]))
    rows = _attendance_rows(branch, activity_type, group, data=request.POST if request.method == "POST" else None)
    return render(request, "orglife/activity_form.html", {
        "form": form, "branch": branch, "attendance_rows": rows, "statuses": AttendanceStatus.choices,
        "creating": True,
    })


@staff_required
def activity_attendance(request):
    """The attendance list for a branch, type and group (swapped in by htmx when the type or group changes)."""
    branch = get_for_user_or_404(_branches(request.user), request.user, pk=request.GET.get("branch") or 0)
    activity_type = request.GET.get("activity_type", "")
    group = PartyGroup.objects.filter(branch=branch, pk=request.GET.get("party_group") or 0).first()
    activity = None
    if request.GET.get("activity"):
        activity = get_for_user_or_404(Activity.objects.filter(organization=branch), request.user,
                                       pk=request.GET["activity"])
    return render(request, "orglife/partials/attendance.html", {
        "attendance_rows": _attendance_rows(branch, activity_type, group, activity=activity),
        "statuses": AttendanceStatus.choices,
    })


@staff_required
def activity_detail(request, pk):
    activity = get_for_user_or_404(
        Activity.objects.select_related("organization", "base", "party_group", "created_by"), request.user, pk=pk)
    # Every opening by an organiser or the county is a review (调阅), logged and counted.
    review = services.log_review(activity, actor=Actor.from_request(request))
    if review is not None:
        activity.review_count += 1
    can_change = Activity.objects.for_user(request.user, "change").filter(pk=pk).exists()
    attendance = list(activity.attendance.select_related("member").order_by("status", "member__name"))
    return render(request, "orglife/activity_detail.html", {
        "a": activity, "can_change": can_change, "is_reviewer": is_reviewer(request.user),
        "attendance": attendance,
        "present": [r for r in attendance if r.status == AttendanceStatus.PRESENT],
        "away": [r for r in attendance if r.status != AttendanceStatus.PRESENT],
        "attachments": activity.attachments.all(), "amendments": activity.amendments.all(),
        "comments": activity.comments.all(), "reviews": activity.reviews.all()[:20],
        "bookings": activity.bookings.select_related("base"),
        "comment_form": CommentForm(), "answer_form": AnswerForm(), "upload_form": UploadForm(),
        "max_mb": services.get_setting("orglife.attachment_max_mb"),
    })


@staff_required
def activity_edit(request, pk):
    activity = get_for_user_or_403(Activity.objects.select_related("organization"), request.user, "change", pk=pk)
    branch = activity.organization
    locked = activity.locked
    initial = {f: getattr(activity, f) for f in (
        "activity_type", "party_group", "date", "start_time", "end_time", "base", "place", "host", "recorder", "topic",
        "lecturer", "minutes", "decisions", "expected_count", "present_count", "leave_count")}
    # A record with a named attendance list is edited through the list; one without (an imported
    # ledger, or numbers only) keeps its numbers, edited as numbers.
    has_list = activity.attendance.exists()
    form = ActivityForm(request.POST or None, branch=branch, user=request.user, locked=locked, initial=initial,
                        counts=not has_list)
    activity_type = request.POST.get("activity_type") or activity.activity_type
    group = PartyGroup.objects.filter(branch=branch, pk=request.POST.get("party_group") or activity.party_group_id or 0).first()
    if request.method == "POST" and form.is_valid():
        attendance = _attendance_from_post(request, branch, activity_type, group) if has_list else None
        try:
            services.update_activity(activity, actor=Actor.from_request(request), attendance=attendance,
                                     amendment_reason=form.cleaned_data.get("amendment_reason", ""),
                                     **_activity_kwargs(form, attendance))
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "更正已保存并留痕。" if locked else "修改已保存。")
            return _done(request, reverse("orglife:activity_detail", args=[activity.pk]))
    rows = _attendance_rows(branch, activity_type, group, activity=activity,
                            data=request.POST if request.method == "POST" else None) if has_list else []
    return render(request, "orglife/activity_form.html", {
        "form": form, "branch": branch, "attendance_rows": rows, "statuses": AttendanceStatus.choices,
        "activity": activity, "locked": locked, "has_list": has_list,
    })


@staff_required
@require_POST
def activity_delete(request, pk):
    activity = get_for_user_or_403(Activity.objects, request.user, "change", pk=pk)
    deleted = flash_service_result(
        request, lambda: services.delete_activity(activity, actor=Actor.from_request(request)), "活动记录已删除。")
    return _done(request, reverse("orglife:index") if deleted else reverse("orglife:activity_detail", args=[pk]))


@staff_required
@require_POST
def attachment_upload(request, pk):
    activity = get_for_user_or_403(Activity.objects, request.user, "change", pk=pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        flash_service_result(
            request,
            lambda: services.add_attachment(activity, actor=Actor.from_request(request), upload=form.cleaned_data["file"]),
            "附件已上传。",
        )
    else:
        messages.error(request, "请选择要上传的文件")
    return _done(request, reverse("orglife:activity_detail", args=[pk]))


@staff_required
def attachment_download(request, pk):
    attachment = get_for_user_or_404(Attachment.objects, request.user, pk=pk)
    return file_response(attachment.file, attachment.original_name, content_type=attachment.content_type,
                         inline=attachment.is_photo and request.GET.get("download") != "1", missing="文件已不存在")


@staff_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_for_user_or_403(Attachment.objects, request.user, "change", pk=pk)
    flash_service_result(
        request,
        lambda: services.remove_attachment(attachment, actor=Actor.from_request(request)),
        "附件已删除。",
    )
    return _done(request, reverse("orglife:activity_detail", args=[attachment.activity_id]))


@staff_required
@require_POST
def comment_create(request, pk):
    activity = get_for_user_or_404(Activity.objects, request.user, pk=pk)
    if not is_reviewer(request.user):
        raise PermissionDenied("只有组织员和县委组织部可以提出调阅意见")
    form = CommentForm(request.POST)
    if form.is_valid():
        flash_service_result(
            request,
            lambda: services.add_review_comment(activity, actor=Actor.from_request(request), **form.cleaned_data),
            "意见已发送给党支部。",
        )
    else:
        messages.error(request, "请填写意见内容")
    return _done(request, reverse("orglife:activity_detail", args=[pk]))


@staff_required
@require_POST
def comment_answer(request, pk):
    comment = get_for_user_or_403(ReviewComment.objects, request.user, "change", pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        flash_service_result(
            request,
            lambda: services.answer_review_comment(comment, actor=Actor.from_request(request), answer=form.cleaned_data["answer"]),
            "答复已保存。",
        )
    else:
        messages.error(request, "请填写答复内容")
    return _done(request, reverse("orglife:activity_detail", args=[comment.activity_id]))


# --- Compliance, bulletins, reviews ----------------------------------------------------------

@staff_required
def compliance_view(request):
    org = _scope_org(request)
    period, period_error = _period(request, 1)
    report = compliance.compute(org, period.start, period.end)
    rows = report.ranked()
    if request.GET.get("export") == "xlsx":
        b = bulletin_mod.Bulletin(org=org, period=period, report=report, ranked=rows)
        return excel.xlsx_response(bulletin_mod.to_xlsx(b), bulletin_mod.filename(b, "xlsx"))
    if request.GET.get("only") == "missing":
        rows = [r for r in rows if r.missing]
    types = [t for t, d in report.by_type().items() if d["required"]]
    page = _page(request, rows, 50)
    for b in page:
        cells = b.by_type()
        b.cells = [cells.get(t) for t in types]
    return render(request, "orglife/compliance.html", {
        "report": report, "page": page, "period": period, "period_error": period_error, "scope_org": org,
        "types": [(t, ActivityType(t).label) for t in types], "by_type": report.by_type(),
        "period_choices": _period_choices(timezone.localdate()), "period_code": rules.period_code(period),
        "committees": _committees(request.user), "query": request.GET.urlencode(),
        "frequencies": [(ActivityType(t).label, m) for t, m in report.frequencies.items()],
    })


def _committees(user):
    return Organization.objects.for_user(user, "view").exclude(org_type__in=BRANCH_TYPES).order_by("path")[:300]


@staff_required
def bulletin_view(request):
    org = _scope_org(request)
    default = 3 if request.GET.get("kind") == "quarter" else 1
    period, period_error = _period(request, default)
    b = bulletin_mod.build(org, period)
    fmt = request.GET.get("format")
    if fmt == "docx":
        response = HttpResponse(bulletin_mod.to_docx(b), content_type=bulletin_mod.DOCX_MIME)
        response["Content-Disposition"] = content_disposition(bulletin_mod.filename(b, "docx"), fallback="bulletin.docx")
        return response
    if fmt == "xlsx":
        return excel.xlsx_response(bulletin_mod.to_xlsx(b), bulletin_mod.filename(b, "xlsx"))
    return render(request, "orglife/bulletin.html", {
        "b": b, "period_error": period_error, "scope_org": org, "committees": _committees(request.user),
        "period_choices": _period_choices(timezone.localdate()), "period_code": rules.period_code(period),
        "page": _page(request, b.ranked, 100), "query": request.GET.urlencode(),
    })


@staff_required
def reviews(request):
    if not is_reviewer(request.user):
        raise PermissionDenied("调阅记录由组织员和县委组织部查看")
    qs = Review.objects.for_user(request.user).select_related("activity__organization", "reviewer")
    if _date(request.GET.get("from")):
        qs = qs.filter(reviewed_at__date__gte=_date(request.GET["from"]))
    if _date(request.GET.get("to")):
        qs = qs.filter(reviewed_at__date__lte=_date(request.GET["to"]))
    if request.GET.get("export") == "xlsx":
        rows = ([timezone.localtime(r.reviewed_at).replace(tzinfo=None), r.reviewer_name, r.activity.organization.name,
                 r.activity.get_activity_type_display(), r.activity.date, r.activity.topic] for r in qs.iterator())
        content = excel.write_workbook([("调阅记录", ["调阅时间", "调阅人", "党组织", "活动类型", "活动日期", "主题"], rows)],
                                       widths={"调阅记录": [18, 12, 28, 14, 12, 40]})
        return excel.xlsx_response(content, "调阅记录.xlsx")
    by_reviewer = qs.values("reviewer_name").annotate(n=Count("id")).order_by("-n")[:20]
    comments = ReviewComment.objects.for_user(request.user).select_related("activity__organization").order_by("-created_at")
    return render(request, "orglife/reviews.html", {
        "page": _page(request, qs), "total": qs.count(), "by_reviewer": by_reviewer, "filters": request.GET,
        "comments": comments[:50], "open_count": comments.filter(kind="rectification", answered_at__isnull=True).count(),
        "query": request.GET.urlencode(),
    })


# --- Party groups ----------------------------------------------------------------------------

@staff_required
def groups(request):
    qs = PartyGroup.objects.for_user(request.user).select_related("branch", "leader").annotate(n=Count("members")).order_by("branch__path", "name")
    if request.GET.get("q"):
        qs = qs.filter(Q(name__icontains=request.GET["q"]) | Q(branch__name__icontains=request.GET["q"]))
    return render(request, "orglife/groups.html", {"page": _page(request, qs), "filters": request.GET,
                                                   "query": request.GET.urlencode()})


@staff_required
def group_create(request):
    branch, branches = _branch_for_create(request)
    if branch is None:
        return render(request, "orglife/choose_branch.html", {"branches": branches[:500], "for_group": True})
    form = PartyGroupForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_party_group(actor=Actor.from_request(request), branch=branch, **form.cleaned_data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "党小组已建立。")
            return _done(request, reverse("orglife:groups"))
    return render(request, "orglife/group_form.html", {"form": form, "branch": branch})


@staff_required
def group_edit(request, pk):
    group = get_for_user_or_403(PartyGroup.objects.select_related("branch"), request.user, "change", pk=pk)
    form = PartyGroupForm(request.POST or None, branch=group.branch, initial={
        "name": group.name, "members": list(group.members.all()), "leader": group.leader})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_party_group(group, actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "党小组已更新。")
            return _done(request, reverse("orglife:groups"))
    return render(request, "orglife/group_form.html", {"form": form, "branch": group.branch, "group": group})


@staff_required
@require_POST
def group_delete(request, pk):
    group = get_for_user_or_403(PartyGroup.objects, request.user, "change", pk=pk)
    flash_service_result(
        request,
        lambda: services.delete_party_group(group, actor=Actor.from_request(request)),
        "党小组已删除。",
    )
    return _done(request, reverse("orglife:groups"))


# --- Bases and bookings ----------------------------------------------------------------------

@staff_required
def bases(request):
    qs = Base.objects.for_user(request.user).select_related("organization", "manager").annotate(
        booking_count=Count("bookings", filter=Q(bookings__status__in=["approved", "held"]))).order_by("kind", "name")
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("q"):
        qs = qs.filter(Q(name__icontains=request.GET["q"]) | Q(theme__icontains=request.GET["q"]) |
                       Q(address__icontains=request.GET["q"]))
    if request.GET.get("export") == "xlsx":
        rows = ([b.get_kind_display(), b.name, b.organization.name, b.address, b.capacity,
                 f"{b.opens_at:%H:%M}-{b.closes_at:%H:%M}", b.open_days_display, b.theme, b.contact_name,
                 b.contact_phone] + ["是" if getattr(b, f) else "否" for f, _ in SIX_HAVES] for b in qs)
        content = excel.write_workbook([("组织生活基地", ["类型", "名称", "所属党组织", "地址", "可容纳人数", "开放时间", "开放日",
                                                    "主题", "联系人", "联系电话"] + [label for _, label in SIX_HAVES], rows)],
                                       text_columns={"组织生活基地": {9}})
        return excel.xlsx_response(content, "组织生活基地.xlsx")
    return render(request, "orglife/bases.html", {
        "page": _page(request, qs), "filters": request.GET, "may_create": is_reviewer(request.user),
        "query": request.GET.urlencode(), "six_haves": SIX_HAVES,
        "pending": Booking.objects.for_user(request.user).filter(status=BookingStatus.PENDING).count(),
    })


def _base_form_values(form):
    data = dict(form.cleaned_data)
    data["open_days"] = "".join(data.get("open_days") or [])
    return data


@staff_required
def base_create(request):
    if not is_reviewer(request.user):
        raise PermissionDenied("活动基地由组织员或县委组织部登记")
    form = BaseForm(request.POST or None, user=request.user, initial={"open_days": ["1", "2", "3", "4", "5"],
                                                                       "opens_at": "09:00", "closes_at": "17:00"})
    if request.method == "POST" and form.is_valid():
        data = _base_form_values(form)
        org = data.pop("organization")
        try:
            base = services.create_base(actor=Actor.from_request(request), organization=org, manager=request.user, **data)
        except (ValidationError, PermissionDenied) as err:
            if isinstance(err, PermissionDenied):
                raise
            apply_errors(form, err)
        else:
            messages.success(request, "基地已登记。")
            return _done(request, reverse("orglife:base_detail", args=[base.pk]))
    return render(request, "orglife/base_form.html", {"form": form})


@staff_required
def base_edit(request, pk):
    base = get_for_user_or_403(Base.objects, request.user, "change", pk=pk)
    initial = {f: getattr(base, f) for f in services.BASE_FIELDS if f != "manager"}
    initial["open_days"] = list(base.open_days)
    initial["organization"] = base.organization
    form = BaseForm(request.POST or None, user=request.user, initial=initial)
    form.fields["organization"].disabled = True
    form.fields["organization"].required = False
    if request.method == "POST" and form.is_valid():
        data = _base_form_values(form)
        data.pop("organization", None)
        try:
            services.update_base(base, actor=Actor.from_request(request), **data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "基地信息已更新。")
            return _done(request, reverse("orglife:base_detail", args=[base.pk]))
    return render(request, "orglife/base_form.html", {"form": form, "base": base})


@staff_required
def base_detail(request, pk):
    base = get_for_user_or_404(Base.objects.select_related("organization", "manager"), request.user, pk=pk)
    today = timezone.localdate()
    branches = _branches(request.user)
    form = BookingForm(request.POST or None, branches=branches, initial={"date": today + datetime.timedelta(days=1),
                                                                         "start_time": base.opens_at})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            booking = services.book_base(base, actor=Actor.from_request(request), **data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, f"预约已提交（{booking}），等待基地管理人审核。")
            return _done(request, reverse("orglife:bookings"))
    upcoming = base.bookings.filter(date__gte=today, status__in=["pending", "approved"]).select_related("organization")
    visits = base.bookings.filter(status=BookingStatus.HELD)
    return render(request, "orglife/base_detail.html", {
        "base": base, "form": form, "upcoming": upcoming[:50], "may_change": Base.objects.for_user(request.user, "change").filter(pk=pk).exists(),
        "may_book": branches.exists(), "six_haves": [(label, getattr(base, f)) for f, label in SIX_HAVES],
        "visits": visits.count(), "visitors": sum(v.visitors or 0 for v in visits),
    })


@staff_required
def bookings(request):
    qs = Booking.objects.for_user(request.user).select_related("base", "organization")
    status = request.GET.get("status")
    if status in BookingStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        rows = ([b.base.name, b.organization.name, b.date, f"{b.start_time:%H:%M}-{b.end_time:%H:%M}", b.expected_count,
                 b.purpose, b.get_status_display(), b.decision_note, b.visitors] for b in qs)
        content = excel.write_workbook([("基地预约", ["基地", "预约党组织", "日期", "时段", "预计人数", "活动内容", "状态", "审核意见",
                                                  "实到人数"], rows)])
        return excel.xlsx_response(content, "基地预约.xlsx")
    page = _page(request, qs)
    for b in page:
        b.may_decide = services.may_decide(b.base, request.user) and b.status == BookingStatus.PENDING
        b.may_cancel = (b.status in ("pending", "approved") and b.date >= timezone.localdate()
                        and Organization.objects.for_user(request.user).filter(pk=b.organization_id).exists())
        b.may_complete = (b.status == BookingStatus.APPROVED and b.date <= timezone.localdate()
                          and Organization.objects.for_user(request.user).filter(pk=b.organization_id).exists())
        if b.may_complete:
            b.candidate_activities = Activity.objects.filter(organization=b.organization_id, date=b.date)
    return render(request, "orglife/bookings.html", {
        "page": page, "statuses": BookingStatus.choices, "filters": request.GET, "query": request.GET.urlencode(),
    })


def _booking(request, pk):
    return get_for_user_or_404(Booking.objects.select_related("base", "organization"), request.user, pk=pk)


@staff_required
@require_POST
def booking_decide(request, pk):
    booking = _booking(request, pk)
    flash_service_result(
        request,
        lambda: services.decide_booking(booking, actor=Actor.from_request(request),
                                        approve=request.POST.get("approve") == "1", note=request.POST.get("note", "")),
        "审核结果已保存。",
    )
    return _done(request, reverse("orglife:bookings"))


@staff_required
@require_POST
def booking_cancel(request, pk):
    booking = _booking(request, pk)
    flash_service_result(
        request,
        lambda: services.cancel_booking(booking, actor=Actor.from_request(request), reason=request.POST.get("reason", "")),
        "预约已取消。",
    )
    return _done(request, reverse("orglife:bookings"))


@staff_required
@require_POST
def booking_complete(request, pk):
    booking = _booking(request, pk)
    if not Organization.objects.for_user(request.user).filter(pk=booking.organization_id).exists():
        raise PermissionDenied("只有预约的党支部可以登记开展情况")
    activity = None
    if request.POST.get("activity"):
        activity = Activity.objects.for_user(request.user).filter(pk=request.POST["activity"]).first()
    try:
        visitors = int(request.POST.get("visitors") or 0)
    except ValueError:
        visitors = 0
    flash_service_result(
        request,
        lambda: services.complete_booking(booking, actor=Actor.from_request(request), visitors=visitors, activity=activity),
        "到馆情况已登记。",
    )
    return _done(request, reverse("orglife:bookings"))


# --- Ledger sheet export ---------------------------------------------------------------------

@staff_required
def sheet_export(request):
    from .roster_sheets import OrglifeSheet

    org = _scope_org(request) if request.GET.get("org") else None
    handler = OrglifeSheet()
    rows = handler.export_rows(request.user, org, date_from=_date(request.GET.get("from")),
                               date_to=_date(request.GET.get("to")))
    content = excel.write_workbook([(OrglifeSheet.sheet_name, OrglifeSheet.titles(), rows)],
                                   widths={OrglifeSheet.sheet_name: [c.width for c in OrglifeSheet.columns]})
    return excel.xlsx_response(content, "组织生活台账.xlsx")
