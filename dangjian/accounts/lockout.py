"""Lock-outs of django-axes as audit rows, and the county admin's unlock."""
from __future__ import annotations

from django.db import transaction

from dangjian.core import audit
from dangjian.core.actor import Actor, client_address
from dangjian.core.models import AuditLog


def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """Receiver of ``axes.signals.user_locked_out``: who was locked and from which address."""
    from .models import User

    user = User.objects.filter(username=username).first() if username else None
    actor = Actor(user=None, ip_address=ip_address or (client_address(request) if request else None), via="web")
    audit.record(actor=actor, action=AuditLog.Action.LOCKED_OUT, object_type="accounts.user",
                 object_id=user.pk if user else "", object_repr=(username or "")[:255],
                 scope_path=(user.scope_path or "") if user else "",
                 note=f"连续登录失败，账号“{username or '—'}”和来源地址 {ip_address or '—'} 已被锁定")


def locked_usernames(usernames) -> set[str]:
    from axes.models import AccessAttempt
    from django.conf import settings

    return set(AccessAttempt.objects.filter(username__in=list(usernames),
                                            failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
               .values_list("username", flat=True))


@transaction.atomic(durable=True)
def unlock_user(user, *, actor: Actor) -> int:
    """Clear the failed attempts of ``user``'s account (and so of the addresses that tried it)."""
    from axes.utils import reset

    count = reset(username=user.username)
    audit.record(actor=actor, action=AuditLog.Action.UNLOCKED, obj=user,
                 object_repr=f"{user.get_full_name()}（{user.username}）", scope_path=user.scope_path or "",
                 note=f"解除登录锁定（清除 {count} 条失败记录）")
    return count
