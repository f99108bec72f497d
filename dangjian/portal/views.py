"""The member's own pages ("我的"), built for a phone: their record (masked), political birthday and
standing, their branch's coming activities, their transfer, their messages and the SMS opt-out."""
from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import roles
from dangjian.core.actor import Actor
from dangjian.core.extensions import me_panels_for
from dangjian.core.rules import get_setting
from dangjian.core.scope import CALENDAR, VIEW
from dangjian.core.views_helpers import form_action, htmx_redirect
from dangjian.notifications import rules, services
from dangjian.notifications.models import ContactWarning, Message, SmsOptOut
from dangjian.orglife.models import Activity, Booking
from dangjian.register.models import Member
from dangjian.transfers import services as transfer_services
from dangjian.transfers.forms import MemberStartForm
from dangjian.transfers.models import Transfer
from dangjian.transfers.services import transfer_history


def _member_of(user):
    if not roles.is_member(user) or not user.member_id:
        raise PermissionDenied("“我的”页面供党员本人使用")
    return Member.objects.for_user(user, VIEW).select_related("organization").get(pk=user.member_id)


def _activity_item(a, today):
    return {"date": a.date, "time": a.start_time, "title": f"{a.get_activity_type_display()}：{a.topic}",
            "place": a.place_display, "upcoming": a.date >= today}


def _upcoming_activities(user, today):
    """The member's branch's activities through the scope rule ``calendar``: the coming ones (组织生活 records
    and approved base bookings, from today on) and the most recent ones already held, each labelled (issue 14:
    the card showed nothing once the meetings had been held)."""
    items = [_activity_item(a, today) for a in
             Activity.objects.for_user(user, CALENDAR).filter(date__gte=today).order_by("date", "start_time")[:5]]
    for b in (Booking.objects.for_user(user, CALENDAR).filter(date__gte=today, status="approved")
              .select_related("base").order_by("date", "start_time")[:5]):
        items.append({"date": b.date, "time": b.start_time, "title": b.purpose, "place": b.base.name,
                      "upcoming": True})
    upcoming = sorted(items, key=lambda i: (i["date"], i["time"]))[:6]
    recent = [_activity_item(a, today) for a in
              Activity.objects.for_user(user, CALENDAR).filter(date__lt=today).order_by("-date", "-start_time")[:3]]
    return upcoming + recent


@login_required
def me(request):
    member = _member_of(request.user)
    today = timezone.localdate()
    anchor = member.joined_on
    if get_setting("notifications.birthday_uses_approval_date"):
        recruitment = getattr(member, "recruitment", None) if apps.is_installed("dangjian.recruitment") else None
        if recruitment is not None and recruitment.approved_on:
            anchor = recruitment.approved_on
    birthday, years = rules.next_political_birthday(anchor, today)
    transfers = list(Transfer.objects.for_user(request.user).select_related("from_org", "to_org").order_by("-id")[:3])
    open_one = Transfer.objects.for_user(request.user).open().select_related("from_org", "to_org").first()
    if open_one is not None:
        transfers = [open_one] + [t for t in transfers if t.pk != open_one.pk]
    current = transfers[0] if transfers else None
    my_messages = Message.objects.addressed_to(request.user).order_by("-day", "-id")[:20]
    panels, panel_context = me_panels_for(request.user, today)
    return render(request, "portal/me.html", {
        **panel_context, "panels": panels,
        "m": member, "today": today, "birthday": birthday, "birthday_years": years, "anchor": anchor,
        "is_today": birthday == today, "standing": rules.party_standing_years(member.full_on, today),
        "is_full": member.is_full_on(today), "activities": _upcoming_activities(request.user, today),
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
    return htmx_redirect(request, reverse("portal:me"))


@login_required
def me_transfer(request):
    """The member asks for their own transfer; the branch and the committee take it from there. While one is
    open the form is not offered: the page says so and points to its progress (issue 14)."""
    member = _member_of(request.user)
    open_one = Transfer.objects.for_user(request.user).open().filter(member=member).first()
    if open_one is not None:
        return render(request, "portal/me_transfer.html", {"m": member, "open_transfer": open_one})
    form = MemberStartForm(request.POST or None)
    return form_action(
        request, form,
        lambda data: transfer_services.start_transfer(actor=Actor.from_request(request), member=member, to_org=None,
                                                      destination=data["destination"], reason=data["reason"]),
        success=lambda _: ("转接申请已提交，请等待党组织审批，进度会显示在“我的”页面", reverse("portal:me")),
        template="portal/me_transfer.html", context={"m": member})
