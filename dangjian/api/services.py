"""Issuing and revoking API keys (county administrator only); one transaction, one audit row each."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.core.rules import get_setting
from dangjian.core.scope import CHANGE

from .models import ApiKey, new_secret


def _require_county_admin(actor: Actor) -> None:
    if actor.user is None or not actor.user.is_county_admin:
        raise PermissionDenied("只有县委组织部管理员可以签发或吊销接口密钥")


@transaction.atomic(durable=True)
def issue_key(*, actor: Actor, name: str, organization, access: str) -> tuple[ApiKey, str]:
    """A new key for the system ``name`` over ``organization``'s subtree. Returns (key, full secret):
    the secret is not stored and cannot be shown again."""
    from dangjian.register.models import Organization

    _require_county_admin(actor)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["请填写使用该密钥的系统名称"]
    elif ApiKey.objects.filter(name=name).exists():
        errors["name"] = [f"已有名为“{name}”的接口密钥，请换一个名称或先吊销原密钥"]
    if organization is None:
        errors["organization"] = ["请选择数据范围"]
    elif not Organization.objects.for_user(actor.user, CHANGE).filter(pk=organization.pk).exists():
        errors["organization"] = ["该组织不在您的管理范围内"]
    if access not in ApiKey.Access.values:
        errors["access"] = ["请选择只读或读写"]
    if errors:
        raise ValidationError(errors)
    full, prefix, digest = new_secret()
    role = User.Role.COUNTY_ADMIN if organization.parent_id is None else User.Role.ORGANISER
    user = User(username=f"api-{prefix}", role=role, organization=organization, last_name=f"接口：{name}"[:150])
    user.set_unusable_password()
    user.save()
    days = int(get_setting("api.key_valid_days"))
    key = ApiKey.objects.create(name=name, organization=organization, access=access, prefix=prefix,
                                key_hash=digest, user=user, created_by=actor.user,
                                expires_at=timezone.now() + datetime.timedelta(days=days))
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=key, scope_path=organization.path,
                 changes={"name": [None, name], "organization": [None, organization.name],
                          "access": [None, key.get_access_display()],
                          "expires_at": [None, f"{timezone.localtime(key.expires_at):%Y-%m-%d}"]},
                 note=f"签发接口密钥（{prefix}…）")
    return key, full


@transaction.atomic(durable=True)
def revoke_key(key: ApiKey, *, actor: Actor) -> ApiKey:
    _require_county_admin(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at:
        raise ValidationError({"__all__": ["该密钥已经吊销"]})
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    User.objects.filter(pk=key.user_id).update(is_active=False)
    audit.record(actor=actor, action=AuditLog.Action.SUSPENDED, obj=key, scope_path=key.organization.path,
                 changes={"revoked_at": [None, f"{timezone.localtime(key.revoked_at):%Y-%m-%d %H:%M}"]},
                 note=f"吊销接口密钥（{key.prefix}…）")
    return key
