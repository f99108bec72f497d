"""Who does a write, and from where.

Every service takes a keyword-only ``actor``; the audit row it writes names the user and the
address. Commands run as a named user or as the system (user None), never as nobody.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from dangjian.accounts.models import User


@dataclass(frozen=True)
class Actor:
    user: Optional["User"]
    ip_address: Optional[str] = None
    via: str = "web"  # web, command, import, system

    @classmethod
    def from_request(cls, request) -> "Actor":
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
        return cls(user=request.user if request.user.is_authenticated else None, ip_address=ip or None)

    @classmethod
    def command(cls, user: Optional["User"] = None) -> "Actor":
        return cls(user=user, ip_address=None, via="command")

    @property
    def display_name(self) -> str:
        if self.user is None:
            return "系统" if self.via != "command" else "命令行"
        return self.user.get_full_name() or self.user.username
