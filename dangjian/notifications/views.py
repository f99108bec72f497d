"""消息中心 (a staff user's messages), the county's outbox (SMS sent, pending, failed; retry) and the
template page. The member's own page ("我的") is the portal's."""
from __future__ import annotations

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
from dangjian.core.scope import get_for_user_or_404
from dangjian.core.views_helpers import form_action, has_role, htmx_redirect, query_without_page, require_role

from . import services, templating
from .forms import OutboxFilterForm, TemplateForm
from .models import Channel, ContactWarning, Message, MessageStatus

PAGE_SIZE = 30
OUTBOX_ROLES = roles.SUPERVISOR_ROLES


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
    return htmx_redirect(request, reverse("notifications:inbox"))


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
    return htmx_redirect(request, reverse("notifications:outbox"))


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
