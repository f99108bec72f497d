"""API keys issued by the county organisation department to a named system, and their use log.

A key acts through its own platform account (``user``: role 组织员 over the key's organisation
subtree, or 县委组织部管理员 when the subtree is the whole county), so every queryset, rule and
audit row treats it like a person with that scope; the account cannot log in to the pages (no
usable password). The secret is shown once; only its SHA-256 is stored (the secret is 32 random
bytes, so a fast hash is enough). Expired or revoked keys are refused.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX_LENGTH = 8


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str, str]:
    """(full key shown once, prefix, hash)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    full = f"djk_{prefix}_{secret}"
    return full, prefix, hash_secret(full)


class ApiKey(models.Model):
    class Access(models.TextChoices):
        READ = "read", "只读"
        WRITE = "write", "读写"

    name = models.CharField("使用系统", max_length=100, unique=True)
    organization = models.ForeignKey("register.Organization", verbose_name="数据范围（含下级）",
                                     on_delete=models.PROTECT, related_name="+")
    access = models.CharField("权限", max_length=5, choices=Access.choices, default=Access.READ)
    prefix = models.CharField("密钥前缀", max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField("密钥摘要", max_length=64)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="接口账号", on_delete=models.PROTECT,
                                related_name="api_key")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "接口密钥"
        verbose_name_plural = "接口密钥"

    def __str__(self):
        return self.name

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "已吊销"
        if self.expires_at <= timezone.now():
            return "已过期"
        return "有效"

    @property
    def usable(self) -> bool:
        return self.state == "有效"

    def matches(self, full_key: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_secret(full_key))


class ApiKeyUse(models.Model):
    """Every request made with a key: which key (by name), when, what, from where, the answer."""

    key = models.ForeignKey(ApiKey, verbose_name="接口密钥", on_delete=models.CASCADE, related_name="uses")
    key_name = models.CharField("使用系统", max_length=100)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    method = models.CharField("方法", max_length=8)
    path = models.CharField("地址", max_length=300)
    status = models.PositiveSmallIntegerField("结果")
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "接口调用记录"
        verbose_name_plural = "接口调用记录"
