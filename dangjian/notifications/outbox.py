"""Filling the outbox (the daily job) and emptying it (delivery through a backend).

Idempotence is the database's: every message has a unique key (recipient, kind, day, channel, ref)
and rows are inserted with ``bulk_create(ignore_conflicts=True)``, so the job may run twice, crash
half-way and restart, or run twice at once, and each message exists once.

Delivery claims each row with a conditional UPDATE (pending → sending where status is still
pending): of two workers only one gets the row ("0 rows updated" means another worker has it).
A failure is retried with growing delays; after ``MAX_ATTEMPTS`` it is final and shown to the
county. A row left in "sending" by a worker that died is never re-sent automatically (the vendor
may already have delivered it): after ``STALE_AFTER`` it is marked failed for a person to check.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from dangjian.core import crypto
from dangjian.core.extensions import Reminder, app_modules
from dangjian.core.rules import get_setting
from dangjian.register.models import Member
from dangjian.register.rules import check_mobile
from dangjian.register.vocab import MemberStatus

from . import rules, templating
from .backends import Outgoing, SmsError, get_backend
from .models import Channel, ContactWarning, Message, MessageStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF = (datetime.timedelta(minutes=1), datetime.timedelta(minutes=5), datetime.timedelta(minutes=30),
           datetime.timedelta(hours=2))
STALE_AFTER = datetime.timedelta(minutes=15)
BATCH = 2000


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed try (1 minute, 5, 30, then 2 hours)."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Political birthdays ----------------------------------------------------------------------

def _month_day_q(field_name: str, day: datetime.date) -> Q:
    q = Q()
    for month, dom in rules.birthday_days(day):
        q |= Q(**{f"{field_name}__month": month, f"{field_name}__day": dom})
    return q


def birthday_members(day: datetime.date):
    """Members in good standing with a phone whose political birthday falls on ``day`` (not the day itself).

    By 入党日期 the lookup is ``joined_on__month``/``__day``, which PostgreSQL answers from the
    functional index ``member_joined_month_day``. With the approval-date setting, members whose
    recruitment file has an approval date (⑰) are greeted on it, the others on 入党日期.
    """
    base = (Member.objects.filter(status=MemberStatus.NORMAL).exclude(phone_encrypted="")
            .filter(sms_opt_out__isnull=True))
    if not get_setting("notifications.birthday_uses_approval_date"):
        return base.filter(_month_day_q("joined_on", day), joined_on__lt=day), "joined_on"
    try:
        Member._meta.get_field("recruitment")
    except Exception:  # recruitment app absent: 入党日期 for everyone
        return base.filter(_month_day_q("joined_on", day), joined_on__lt=day), "joined_on"
    by_approval = Q(recruitment__approved_on__isnull=False) & _month_day_q("recruitment__approved_on", day) & Q(
        recruitment__approved_on__lt=day)
    by_joining = Q(recruitment__approved_on__isnull=True) & _month_day_q("joined_on", day) & Q(joined_on__lt=day)
    return base.filter(by_approval | by_joining), "approval"


@dataclass
class QueueResult:
    due: int = 0
    queued: int = 0
    invalid_phone: int = 0
    errors: list = field(default_factory=list)


def queue_political_birthdays(day: datetime.date) -> QueueResult:
    result = QueueResult()
    if not get_setting("notifications.birthday_sms_enabled"):
        return result
    qs, basis = birthday_members(day)
    columns = ["pk", "name", "joined_on", "phone_encrypted", "organization_id", "organization__name"]
    if basis == "approval":
        columns.append("recruitment__approved_on")
    template = templating.template_text("political_birthday")
    not_before = start_of(day)
    messages, warnings = [], []
    for row in qs.order_by().values_list(*columns).iterator(chunk_size=BATCH):
        pk, name, joined_on, phone_encrypted, org_id, org_name = row[:6]
        anchor = row[6] if basis == "approval" and row[6] else joined_on
        years = rules.anniversary_years(anchor, day)
        if years < 1:
            continue
        phone = crypto.decrypt(phone_encrypted)
        if check_mobile(phone):
            warnings.append(ContactWarning(
                member_id=pk, kind="phone_not_mobile", day=day,
                text=f"手机号码“{crypto.mask_phone(phone)}”不是有效的手机号码（应为以1开头的11位数字），政治生日短信未能发送，请核实更正"))
            result.invalid_phone += 1
            continue
        values = {"姓名": name, "周年": years, "入党日期": f"{anchor:%Y年%m月%d日}", "组织名称": org_name}
        messages.append(Message(
            channel=Channel.SMS, kind="political_birthday", day=day, member_id=pk, organization_id=org_id,
            text=templating.render(template, values), params=templating.vendor_params("political_birthday", values),
            status=MessageStatus.PENDING, next_attempt_at=not_before,
        ))
    result.due = len(messages)
    before = Message.objects.filter(channel=Channel.SMS, kind="political_birthday", day=day).count()
    Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=BATCH)
    ContactWarning.objects.bulk_create(warnings, ignore_conflicts=True)
    result.queued = Message.objects.filter(channel=Channel.SMS, kind="political_birthday", day=day).count() - before
    return result


# --- Reminders of every app (in-app messages) --------------------------------------------------

DIGEST_MAX_LINES = 20


def _digest(r: Reminder):
    """(text, params) of a digest reminder: only the items that changed since the recipient's previous message
    of this kind, each with its link (issue 14: the digest repeated unchanged items every day); ``None`` when
    nothing changed."""
    previous = (Message.objects.filter(channel=Channel.IN_APP, kind=r.kind, day__lt=r.day)
                .filter(member_id=r.member_id) if r.member_id else
                Message.objects.filter(channel=Channel.IN_APP, kind=r.kind, day__lt=r.day, user_id=r.user_id))
    last = previous.order_by("-day", "-id").only("params").first()
    seen = set(last.params.get("item_keys", [])) if last is not None else set()
    changed = [i for i in r.items if i["key"] not in seen]
    if not changed:
        return None
    shown = changed[:DIGEST_MAX_LINES]
    head = r.text + (f"；自上次提醒以来新增或变化{len(changed)}项：" if last is not None else "：")
    lines = [i["text"] for i in shown]
    if len(changed) > len(shown):
        lines.append(f"……另有{len(changed) - len(shown)}项，请登录平台查看")
    params = {"item_keys": [i["key"] for i in r.items], "head": head,
              "links": [{"text": i["text"], "url": i.get("url", "")} for i in shown]}
    return head + "\n" + "\n".join(lines), params


def queue_reminders(reminders) -> int:
    """In-app messages for ``Reminder``s (delivered by being stored); returns how many were new.
    A reminder with ``items`` is a digest: see ``_digest``."""
    now = timezone.now()
    rows = []
    for r in reminders:
        if r.user_id is None and r.member_id is None:
            continue
        text, params = r.text, {}
        if r.items:
            digest = _digest(r)
            if digest is None:
                continue
            text, params = digest
        rows.append(Message(
            channel=Channel.IN_APP, kind=r.kind, day=r.day, ref=r.key[:100], user_id=None if r.member_id else r.user_id,
            member_id=r.member_id, organization_id=r.organization_id, text=text, params=params,
            status=MessageStatus.SENT, sent_at=now,
        ))
    if not rows:
        return 0
    before = Message.objects.filter(channel=Channel.IN_APP).count()
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    return Message.objects.filter(channel=Channel.IN_APP).count() - before


@dataclass
class DailyReport:
    day: datetime.date
    birthdays: QueueResult
    reminders: dict = field(default_factory=dict)  # module name -> new messages
    errors: list = field(default_factory=list)


def run_daily(day: datetime.date) -> DailyReport:
    """The daily job: the day's political birthdays, then every app's ``reminders.daily_reminders(day)``.

    One app's failing reminders do not stop the others (the error is logged and reported).
    """
    report = DailyReport(day=day, birthdays=queue_political_birthdays(day))
    for module in app_modules("reminders"):
        name = module.__name__
        fn = getattr(module, "daily_reminders", None)
        if fn is None:
            continue
        try:
            items = [r for r in fn(day) if isinstance(r, Reminder)]
            report.reminders[name] = queue_reminders(items)
        except Exception as exc:  # another app's bug must not stop the birthdays or the other reminders
            log.exception("reminders of %s failed", name)
            report.errors.append(f"{name}: {exc}")
    return report


# --- Delivery ---------------------------------------------------------------------------------

@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    lost_race: int = 0
    stale: int = 0


def mark_stale(now: datetime.datetime) -> int:
    return Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=MessageStatus.FAILED,
        last_error="发送过程中断，结果未知。为避免重复发送，系统未自动重发，请核实后选择“重新发送”。",
    )


def due_sms(now: datetime.datetime):
    return (Message.objects.filter(channel=Channel.SMS, status=MessageStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)))


def send_pending(*, now: datetime.datetime | None = None, backend=None, limit: int = 1000) -> SendReport:
    now = now or timezone.now()
    report = SendReport(stale=mark_stale(now))
    due = due_sms(now)
    if rules.in_quiet_hours(now):
        # Quiet hours hold every SMS until morning; nothing is claimed.
        report.held = due.count()
        return report
    backend = backend or get_backend()
    for pk in list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]):
        claimed = Message.objects.filter(pk=pk, status=MessageStatus.PENDING).update(
            status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:
            report.lost_race += 1
            continue
        message = Message.objects.select_related("member").get(pk=pk)
        phone = message.member.phone if message.member_id else ""
        try:
            if not phone or check_mobile(phone):
                raise SmsError(f"手机号码“{crypto.mask_phone(phone)}”不是有效的手机号码", retryable=False)
            vendor_id = backend.send(Outgoing(message_id=pk, phone=phone, kind=message.kind, text=message.text,
                                              params=message.params))
        except Exception as exc:
            error = exc if isinstance(exc, SmsError) else SmsError(f"{type(exc).__name__}: {exc}")
            if not error.retryable or message.attempts >= MAX_ATTEMPTS:
                Message.objects.filter(pk=pk, status=MessageStatus.SENDING).update(
                    status=MessageStatus.FAILED, last_error=str(error)[:2000])
                report.failed += 1
            else:
                Message.objects.filter(pk=pk, status=MessageStatus.SENDING).update(
                    status=MessageStatus.PENDING, next_attempt_at=now + backoff(message.attempts),
                    last_error=str(error)[:2000])
                report.retried += 1
            continue
        Message.objects.filter(pk=pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.SENT, sent_at=timezone.now(), vendor_id=(vendor_id or "")[:100], last_error="")
        report.sent += 1
    return report
