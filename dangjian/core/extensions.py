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


# --- Governance: which organisations are "一肩挑" (added for issue 9) ------------------------------
# In a "一肩挑" village or community (the Party secretary also chairs the villagers' or residents'
# committee) the 商议 step of 四议两公开 / 一征三议两公开 may merge into the first. The cadre records
# know who holds both posts; the governance app must not import the cadres app, so an app that knows
# provides ``<app>/governance_hooks.py`` with ``one_shoulder_org_ids(day) -> set[int]`` (organisation
# ids whose serving secretary is "一肩挑" on ``day``). ``one_shoulder_org_ids`` returns the union, or
# None when no app provides it (then a matter's own "一肩挑" declaration is trusted).

def one_shoulder_org_ids(day: datetime.date) -> Optional[set]:
    providers = [m for m in app_modules("governance_hooks") if hasattr(m, "one_shoulder_org_ids")]
    if not providers:
        return None
    ids: set = set()
    for m in providers:
        ids |= set(m.one_shoulder_org_ids(day))
    return ids
