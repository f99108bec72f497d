"""Every write to user accounts: one transaction, the acting user explicit, the audit row inside.

The role and the organisation together fix what a user sees (``core.scope``), so they are checked
against each other here: a township organiser belongs to a 党（工）委, a secretary to a branch, a
member's account to the member's own record.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog

from .models import User

ORG_TYPES_FOR_ROLE = {
    User.Role.COUNTY_ADMIN: {"县委"},
    User.Role.ORGANISER: {"党委", "党工委"},
    User.Role.SECRETARY: {"党支部", "联合党支部", "党总支"},
    User.Role.MEMBER: None,  # the member's own organisation
    User.Role.DISCIPLINE: {"县委", "党委", "党工委"},  # the county's or a township's discipline office
}
ROLE_ORG_HINT = {
    User.Role.COUNTY_ADMIN: "县委",
    User.Role.ORGANISER: "乡镇（街道）党委或党工委",
    User.Role.SECRETARY: "党支部、联合党支部或党总支",
    User.Role.DISCIPLINE: "县委、乡镇（街道）党委或党工委",
}


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username, "full_name": user.get_full_name(), "role": user.get_role_display(),
        "organization": str(user.organization) if user.organization_id else None,
        "member": str(user.member) if user.member_id else None, "is_active": user.is_active,
    }


def _scope_path(user: User) -> str:
    return user.organization.path if user.organization_id else ""


def check_user(*, username: str, full_name: str, role: str, organization, member, instance: User | None = None) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not username:
        add("username", "用户名不能为空")
    elif User.objects.filter(username__iexact=username).exclude(pk=getattr(instance, "pk", None)).exists():
        add("username", f"用户名“{username}”已被使用")
    if not full_name:
        add("full_name", "姓名不能为空")
    if role not in User.Role.values:
        add("role", "角色无效")
    elif role == User.Role.MEMBER:
        if member is None:
            add("member", "党员账号必须关联对应的党员")
        else:
            taken = User.objects.filter(member=member).exclude(pk=getattr(instance, "pk", None)).first()
            if taken is not None:
                add("member", f"党员“{member.name}”已有账号“{taken.username}”")
    else:
        if organization is None:
            add("organization", f"{User.Role(role).label}必须指定所在党组织（{ROLE_ORG_HINT[role]}）")
        elif organization.org_type not in ORG_TYPES_FOR_ROLE[role]:
            add("organization", f"{User.Role(role).label}的所在党组织应为{ROLE_ORG_HINT[role]}，"
                                f"“{organization.name}”是{organization.org_type}")
        elif not organization.is_active:
            add("organization", f"党组织“{organization.name}”已停用")
        if member is not None:
            # A secretary or an organiser is usually a member too; the link is optional for them.
            taken = User.objects.filter(member=member).exclude(pk=getattr(instance, "pk", None)).first()
            if taken is not None:
                add("member", f"党员“{member.name}”已有账号“{taken.username}”")
    if errors:
        raise ValidationError(errors)


def check_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


@transaction.atomic(durable=True)
def create_user(*, actor: Actor, username: str, password: str, full_name: str, role: str, organization=None,
                member=None) -> User:
    if role == User.Role.MEMBER and member is not None:
        organization = member.organization
    check_user(username=username, full_name=full_name, role=role, organization=organization, member=member)
    check_password(password)
    user = User(username=username, last_name=full_name, first_name="", role=role, organization=organization,
                member=member, is_active=True, must_change_password=True)
    user.set_password(password)
    user.save()
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=user, object_repr=f"{full_name}（{username}）",
                 scope_path=_scope_path(user), changes=audit.diff({}, _snapshot(user)))
    return user


@transaction.atomic(durable=True)
def update_user(user: User, *, actor: Actor, username: str, full_name: str, role: str, organization=None,
                member=None) -> User:
    user = User.objects.select_for_update(of=("self",)).select_related("organization", "member").get(pk=user.pk)
    if role == User.Role.MEMBER and member is not None:
        organization = member.organization
    check_user(username=username, full_name=full_name, role=role, organization=organization, member=member,
               instance=user)
    if actor.user is not None and actor.user.pk == user.pk and role != user.role:
        raise ValidationError({"role": ["不能修改自己账号的角色"]})
    before = _snapshot(user)
    user.username, user.last_name, user.first_name = username, full_name, ""
    user.role, user.organization = role, organization
    user.member = member
    user.save()
    changes = audit.diff(before, _snapshot(user))
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=user, object_repr=f"{full_name}（{username}）",
                     scope_path=_scope_path(user), changes=changes)
    return user


@transaction.atomic(durable=True)
def set_user_active(user: User, *, actor: Actor, active: bool, reason: str = "") -> User:
    """停用 keeps the account and its history but stops the login; 启用 lets it in again."""
    user = User.objects.select_for_update(of=("self",)).select_related("organization").get(pk=user.pk)
    if user.is_active == active:
        raise ValidationError({"is_active": [f"该账号已经是“{'启用' if active else '停用'}”状态"]})
    if not active and actor.user is not None and actor.user.pk == user.pk:
        raise ValidationError({"is_active": ["不能停用自己正在使用的账号"]})
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action=AuditLog.Action.RESTORED if active else AuditLog.Action.SUSPENDED, obj=user,
                 object_repr=f"{user.get_full_name()}（{user.username}）", scope_path=_scope_path(user),
                 changes={"is_active": [not active, active]}, note=reason)
    return user


@transaction.atomic(durable=True)
def reset_password(user: User, *, actor: Actor, password: str) -> User:
    """Set a new password chosen by the administrator; the log records that, never the password."""
    user = User.objects.select_for_update(of=("self",)).select_related("organization").get(pk=user.pk)
    check_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=user,
                 object_repr=f"{user.get_full_name()}（{user.username}）", scope_path=_scope_path(user),
                 changes={"password": ["******", "已重置"]}, note="管理员重置密码（本人下次登录须修改）")
    return user


@transaction.atomic(durable=True)
def change_own_password(user: User, *, actor: Actor, old_password: str, password: str) -> User:
    """A user changes their own password: the old one must be right, the new one keep the rules and
    differ from the old; the forced change is then done. Audited, never the password itself."""
    user = User.objects.select_for_update(of=("self",)).select_related("organization").get(pk=user.pk)
    errors = {}
    if not user.check_password(old_password):
        errors["old_password"] = ["原密码不正确"]
    if password and password == old_password:
        errors["password"] = ["新密码不能与原密码相同"]
    if errors:
        raise ValidationError(errors)
    check_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=user,
                 object_repr=f"{user.get_full_name()}（{user.username}）", scope_path=_scope_path(user),
                 changes={"password": ["******", "已修改"]}, note="本人修改密码")
    return user
