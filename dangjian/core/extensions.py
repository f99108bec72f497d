"""How a domain app plugs into the shared parts of the platform without editing them.

Each app under ``dangjian`` may provide, by convention, any of these modules:

- ``<app>/statistics.py``  ``BLOCKS: list[StatsBlock]``: blocks of ``party_stats`` and the statistics page.
- ``<app>/roster_sheets.py``  ``SHEETS: list[type[SheetHandler]]``: sheets of the roster workbook
  (``dangjian.roster.sheets.SheetHandler``), imported and exported by ``import_roster``/``export_roster``
  and the web upload, in ``order``.
- ``<app>/demo.py``  ``populate(ctx: DemoContext) -> None``: adds the app's part of the demo county.
- ``<app>/bench.py``  ``run(report) -> None``: measures the app's figures for ``make bench``;
  ``report(label, value, unit="ms", note="")`` prints one line.
- ``<app>/reminders.py``  ``daily_reminders(day) -> Iterable[Reminder]``: what the daily job tells whom.

and on its AppConfig a ``nav_items`` list of ``NavItem`` for the top menu.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any, Callable, Optional

from django.apps import apps


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ("county_admin", "organiser", "secretary", "member")
    order: int = 50


@dataclass(frozen=True)
class StatsBlock:
    """One top-level key of ``party_stats``.

    ``compute(org, as_of, date_from, date_to)`` returns a JSON-able dict for the subtree of ``org``
    (None: the whole database). ``date_from``/``date_to`` bound the period (inclusive); the command
    defaults them to 1 January of as_of's year and as_of. ``template`` (optional) renders the block
    on the statistics page with ``block`` (the dict) and ``scope_org`` in its context.
    """

    key: str
    label: str
    compute: Callable[..., dict]
    order: int = 50
    template: Optional[str] = None
    # Optional, for the work report (see "Records behind a statistic" at the end of this module):
    # ``records(org, as_of, date_from, date_to, key) -> KeyRecords | None`` lists the records a key
    # of the block counts; ``has_data(org, date_to) -> bool`` says whether the module holds any row
    # at all for the scope (False: the report shows the block's figures as blanks, not as 0).
    records: Optional[Callable[..., Any]] = None
    has_data: Optional[Callable[..., bool]] = None


@dataclass(frozen=True)
class Reminder:
    """Something the daily job tells someone. ``key`` is unique per recipient and day (idempotence)."""

    kind: str  # e.g. "recruitment_due", "term_ending", "transfer_expiring", "activity_missing"
    key: str
    text: str
    day: datetime.date
    user_id: Optional[int] = None  # an in-app message to a platform user
    member_id: Optional[int] = None  # an SMS/in-app message to a member
    organization_id: Optional[int] = None


@dataclass
class DemoContext:
    rng: random.Random
    today: datetime.date
    actor: Any  # dangjian.core.actor.Actor
    root: Any  # the demo county's 县委 Organization
    extra: dict = field(default_factory=dict)


def domain_apps():
    return [cfg for cfg in apps.get_app_configs() if cfg.name.startswith("dangjian.")]


def app_modules(submodule: str) -> list[ModuleType]:
    """The ``<app>.<submodule>`` modules that exist, in INSTALLED_APPS order."""
    found = []
    for cfg in domain_apps():
        name = f"{cfg.name}.{submodule}"
        if find_spec(name) is not None:
            found.append(import_module(name))
    return found


def stats_blocks() -> list[StatsBlock]:
    blocks = [b for m in app_modules("statistics") for b in getattr(m, "BLOCKS", [])]
    return sorted(blocks, key=lambda b: b.order)


def roster_sheet_handlers() -> list[type]:
    sheets = [s for m in app_modules("roster_sheets") for s in getattr(m, "SHEETS", [])]
    return sorted(sheets, key=lambda s: s.order)


def nav_items_for(user) -> list[NavItem]:
    role = "county_admin" if user.is_superuser else getattr(user, "role", "")
    items = [i for cfg in domain_apps() for i in getattr(cfg, "nav_items", []) if role in i.roles]
    return sorted(items, key=lambda i: i.order)


# --- Records behind a statistic (the work report's traceable figures) --------------------------
#
# A figure of the work report is one key of a block (e.g. ``recruitment.admitted_female``). A block
# that can show which rows a key counts sets ``StatsBlock.records``; the report's appendix, its
# companion .xlsx and the figure's page on screen all list those rows. ``key`` is the dotted key
# inside the block ("admitted_female", "sms.political_birthday.sent"); return None for a key that
# has no list of records (a rate, a constant). Rows are shown as given, so personal numbers must
# already be masked. ``has_data`` lets a block say its module holds nothing for the scope (no row
# was ever recorded there), so that the report leaves its figures blank instead of printing 0.


@dataclass(frozen=True)
class KeyRecords:
    """The records counted by one key: column titles, a sliceable source with ``count()`` (a
    QuerySet, or a list wrapped by ``ListSource``), and how one item becomes a row of cells."""

    headers: tuple[str, ...]
    source: Any
    row: Callable[[Any], tuple]
    note: str = ""

    def count(self) -> int:
        return self.source.count()

    def rows(self, start: int = 0, stop: Optional[int] = None):
        return [self.row(item) for item in self.source[start:stop]]


class ListSource(list):
    """A plain list usable as ``KeyRecords.source`` (``count()`` without an argument is its length)."""

    def count(self, *args):  # noqa: D401 - list.count takes a value; KeyRecords calls it without one
        return len(self) if not args else super().count(*args)


def block_records(block: StatsBlock, org, as_of, date_from, date_to, key: str) -> Optional[KeyRecords]:
    """The records behind ``block``'s ``key``, or None when the block lists none for it."""
    if block.records is None:
        return None
    return block.records(org, as_of, date_from, date_to, key)
