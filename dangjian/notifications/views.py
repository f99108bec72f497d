"""消息中心 (a staff user's messages), the county's outbox (SMS sent, pending, failed; retry), the
template page, and the member's own page ("我的"), built for a phone."""
from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import roles
from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook, xlsx_response
from dangjian.core.rules import get_setting
from dangjian.core.scope import get_for_user_or_404
from dangjian.core.views_helpers import form_action, has_role, htmx_redirect, query_without_page, require_role

from . import rules, services, templating
from .forms import OutboxFilterForm, TemplateForm
from .models import Channel, ContactWarning, Message, MessageStatus, SmsOptOut

PAGE_SIZE = 30
OUTBOX_ROLES = roles.SUPERVISOR_ROLES


_redirect = htmx_redirect
_query_without_page = query_without_page


# --- 消息中心 ------------------------------------------------------------------------------------

@login_required
def inbox(request):
    qs = Message.objects.addressed_to(request.user).filter(channel=Channel.IN_APP).order_by("-day", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    is_outbox_user = has_role(request.user, OUTBOX_ROLES)
    failed = (Message.objects.for_user(request.user).filter(channel=Channel.SMS, status=MessageStatus.FAILED).count()
              if is_outbox_user else 0)
    return render(request, "notifications/inbox.html", {
        "page": page, "unread": qs.filter(read_at__isnull=True).count(), "failed": failed,
        "is_outbox_user": is_outbox_user, "query": ""})


@login_required
@require_POST
def mark_all_read(request):
    for message in Message.objects.addressed_to(request.user).filter(read_at__isnull=True)[:500]:
        services.mark_read(message, request.user)
    return _redirect(request, reverse("notifications:inbox"))


# --- the outbox ------------------------------------------------------------------------------------

def _require_outbox_user(user):
    require_role(user, OUTBOX_ROLES, "短信发送情况供县委组织部和乡镇组织员查看")


@login_required
def outbox_list(request):
    _require_outbox_user(request.user)
    form = OutboxFilterForm(request.GET or None)
    qs = (Message.objects.for_user(request.user).filter(channel=Channel.SMS).exclude(member__isnull=True)
          .select_related("member", "organization"))
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["day_from"]:
            qs = qs.filter(day__gte=data["day_from"])
        if data["day_to"]:
            qs = qs.filter(day__lte=data["day_to"])
        if data["q"]:
            qs = qs.filter(member__name__contains=data["q"].strip())
    qs = qs.order_by("-day", "-id")
    if request.GET.get("export") == "xlsx":
        rows = ([m.day, m.kind_label, m.member.name, m.organization.name if m.organization_id else "", m.get_status_display(),
                 m.attempts, m.sent_at, m.last_error, m.text] for m in qs.iterator(chunk_size=500))
        content = write_workbook([("短信发送情况", ["日期", "类别", "姓名", "党组织", "状态", "发送次数", "发送时间", "失败原因", "内容"], rows)])
        return xlsx_response(content, f"短信发送情况{timezone.localdate():%Y%m%d}.xlsx")
    scope_all = Message.objects.for_user(request.user).filter(channel=Channel.SMS)
    counts = {s: scope_all.filter(status=s).count() for s in MessageStatus.values}
    warnings = ContactWarning.objects.for_user(request.user).select_related("member", "member__organization")[:50]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {
        "form": form, "page": page, "counts": counts, "warnings": warnings, "query": _query_without_page(request),
        "is_county": request.user.is_county_admin})


@login_required
@require_POST
def outbox_retry(request, pk):
    _require_outbox_user(request.user)
    message = get_for_user_or_404(Message.objects.filter(channel=Channel.SMS), request.user, pk=pk)
    try:
        services.retry_message(message, actor=Actor.from_request(request))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"已重新排队发送给{message.member.name}的短信")
    return _redirect(request, reverse("notifications:outbox"))


@login_required
def template_edit(request):
    if not request.user.is_county_admin:
        raise PermissionDenied("只有县委组织部管理员可以修改短信模板")
    current = templating.template_text("political_birthday")
    form = TemplateForm(request.POST or None, initial={"text": current})
    sample = templating.render(form.data.get("text", current) if form.is_bound else current,
                               {"姓名": "张三", "周年": 20, "入党日期": "2006年07月01日", "组织名称": "中共某村支部委员会"})
    placeholders = list(templating.PLACEHOLDERS["political_birthday"])
    return form_action(
        request, form,
        lambda data: services.update_template("political_birthday", data["text"], actor=Actor.from_request(request)),
        success=lambda _: ("已保存政治生日短信模板", reverse("notifications:templates")),
        template="notifications/templates.html", context={"sample": sample, "placeholders": placeholders})


# --- 我的 (a member's own page) -----------------------------------------------------------------

def _member_of(user):
    if not roles.is_member(user) or not user.member_id:
        raise PermissionDenied("“我的”页面供党员本人使用")
    from dangjian.register.models import Member

    return Member.objects.select_related("organization").get(pk=user.member_id)


def _upcoming_activities(member, today):
    """The member's organisation's activities from today on (组织生活 records and approved base bookings)."""
    items = []
    if apps.is_installed("dangjian.orglife"):
        Activity = apps.get_model("orglife", "Activity")
        for a in Activity.objects.filter(organization_id=member.organization_id, date__gte=today).order_by("date", "start_time")[:5]:
            items.append({"date": a.date, "time": a.start_time, "title": f"{a.get_activity_type_display()}：{a.topic}",
                          "place": a.place_display})
        Booking = apps.get_model("orglife", "Booking")
        for b in (Booking.objects.filter(organization_id=member.organization_id, date__gte=today, status="approved")
                  .select_related("base").order_by("date", "start_time")[:5]):
            items.append({"date": b.date, "time": b.start_time, "title": b.purpose, "place": b.base.name})
    return sorted(items, key=lambda i: (i["date"], i["time"]))[:6]


@login_required
def me(request):
    from dangjian.transfers.models import Transfer
    from dangjian.transfers.services import transfer_history

    member = _member_of(request.user)
    today = timezone.localdate()
    anchor = member.joined_on
    if get_setting("notifications.birthday_uses_approval_date"):
        recruitment = getattr(member, "recruitment", None) if apps.is_installed("dangjian.recruitment") else None
        if recruitment is not None and recruitment.approved_on:
            anchor = recruitment.approved_on
    birthday, years = rules.next_political_birthday(anchor, today)
    transfers = list(Transfer.objects.for_user(request.user).select_related("from_org", "to_org").order_by("-id")[:3])
    current = transfers[0] if transfers else None
    my_messages = Message.objects.addressed_to(request.user).order_by("-day", "-id")[:20]
    return render(request, "notifications/me.html", {
        "m": member, "today": today, "birthday": birthday, "birthday_years": years, "anchor": anchor,
        "is_today": birthday == today, "standing": rules.party_standing_years(member.full_on, today),
        "is_full": member.is_full_on(today), "activities": _upcoming_activities(member, today),
        "transfer": current, "transfer_history": transfer_history(current) if current else [],
        "older_transfers": transfers[1:], "my_messages": my_messages,
        "opted_out": SmsOptOut.objects.filter(member=member).exists(),
        "warnings": ContactWarning.objects.filter(member=member),
    })


@login_required
@require_POST
def me_sms(request):
    member = _member_of(request.user)
    receive = request.POST.get("receive") == "1"
    services.set_birthday_sms(member, actor=Actor.from_request(request), receive=receive)
    messages.success(request, "已设置：" + ("接收政治生日短信" if receive else "不再接收政治生日短信"))
    return _redirect(request, reverse("notifications:me"))


@login_required
def me_transfer(request):
    """The member asks for their own transfer; the branch and the committee take it from there."""
    from dangjian.transfers import services as transfer_services
    from dangjian.transfers.forms import MemberStartForm

    member = _member_of(request.user)
    form = MemberStartForm(request.POST or None)
    return form_action(
        request, form,
        lambda data: transfer_services.start_transfer(actor=Actor.from_request(request), member=member, to_org=None,
                                                      destination=data["destination"], reason=data["reason"]),
        success=lambda _: ("转接申请已提交，请等待党组织审批，进度会显示在“我的”页面", reverse("notifications:me")),
        template="notifications/me_transfer.html", context={"m": member})
