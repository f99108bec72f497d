"""Activity records: the list, the form with its attendance, attachments and review comments."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import excel
from dangjian.core.actor import Actor
from dangjian.core.files import file_response
from dangjian.core.rules import get_setting
from dangjian.core.scope import get_for_user_or_403, get_for_user_or_404
from dangjian.core.views_helpers import flash_service_result, htmx_redirect
from dangjian.register.models import Member
from dangjian.register.vocab import MemberStatus

from .. import services
from ..forms import ActivityForm, AnswerForm, CommentForm, UploadForm, apply_errors
from ..models import Activity, Attachment, PartyGroup, ReviewComment
from ..vocab import ActivityType, AttendanceStatus
from .common import _branch_for_create, _branches, _date, _page, _scope_org, is_reviewer, staff_required


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
            return htmx_redirect(request, reverse("orglife:activity_detail", args=[activity.pk]))
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
        "max_mb": get_setting("orglife.attachment_max_mb"),
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
            return htmx_redirect(request, reverse("orglife:activity_detail", args=[activity.pk]))
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
    return htmx_redirect(request, reverse("orglife:index") if deleted else reverse("orglife:activity_detail", args=[pk]))


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
    return htmx_redirect(request, reverse("orglife:activity_detail", args=[pk]))


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
    return htmx_redirect(request, reverse("orglife:activity_detail", args=[attachment.activity_id]))


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
    return htmx_redirect(request, reverse("orglife:activity_detail", args=[pk]))


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
    return htmx_redirect(request, reverse("orglife:activity_detail", args=[comment.activity_id]))
