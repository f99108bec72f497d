"""Who does a write, and from where.

Every service takes a keyword-only ``actor``; the audit row it writes names the user and the
address. Commands run as a named user or as the system (user None), never as nobody.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from dangjian.accounts.models import User


def client_address(request) -> Optional[str]:
    """The address the audit trail records. X-Forwarded-For is believed only behind a proxy the
    county has configured (DANGJIAN_TRUST_X_FORWARDED_FOR), since any client can send the header."""
    from django.conf import settings

    if getattr(settings, "DANGJIAN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


@dataclass(frozen=True)
class Actor:
    user: Optional["User"]
    ip_address: Optional[str] = None
    via: str = "web"  # web, command, import, system

    @classmethod
    def from_request(cls, request) -> "Actor":
        return cls(user=request.user if request.user.is_authenticated else None, ip_address=client_address(request))

    @classmethod
    def command(cls, user: Optional["User"] = None) -> "Actor":
        return cls(user=user, ip_address=None, via="command")

    @property
    def display_name(self) -> str:
        if self.user is None:
            return "系统" if self.via != "command" else "命令行"
        return self.user.get_full_name() or self.user.username
