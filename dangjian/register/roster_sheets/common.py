"""Helpers shared by the register's sheets."""
from __future__ import annotations

import datetime
from typing import Iterator, Optional

OUT_OF_SCOPE = "不在您的管理范围内"
CHUNK = 900  # names or digests per IN (…) query, under SQLite's 999 parameters


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _iso(day: Optional[datetime.date]) -> Optional[str]:
    return day.isoformat() if day else None
