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

and on its AppConfig:

- ``nav_items: list[NavItem]``: its entries of the top menu (``nav_items_for(user)``).
- ``audit_labels: AuditLabels``: how its object types and change keys read in the audit log
  (``audit_object_type_labels()``, ``audit_field_labels()``).
- ``home_shortcuts: list[HomeShortcut]``: its buttons on the home page (``home_shortcuts_for(user)``).

Role names and sets come from ``dangjian.core.roles``; "in the subtree of" from ``dangjian.core.scope``.
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

from .roles import ALL_ROLES, STAFF_ROLES, role_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ALL_ROLES
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
    role = role_of(user)
    items = [i for cfg in domain_apps() for i in getattr(cfg, "nav_items", []) if role in i.roles]
    return sorted(items, key=lambda i: i.order)


# --- Audit-log labels and home-page shortcuts (issue 8) ---------------------------------------
#
# Declared on the app's AppConfig, next to ``nav_items``:
#
#     class OrglifeConfig(AppConfig):
#         nav_items = [NavItem("组织生活", "orglife:index", roles=STAFF_ROLES, order=40)]
#         audit_labels = AuditLabels(object_types={"orglife.activity": "组织生活记录"},
#                                    fields={"attendance": "出席名单"})
#         home_shortcuts = [HomeShortcut("登记组织生活（三会一课）", "orglife:activity_create", order=40)]
#
# so that core's audit log and the home page never name an app.


@dataclass(frozen=True)
class AuditLabels:
    """How an app's rows read in the audit log.

    ``object_types``: ``"app_label.model"`` → name shown (default: the model's verbose_name).
    ``fields``: change keys a service writes that are not model fields (e.g. ``"attendance"``) → name.
    ``field_overrides``: keys shown with this name even where a model field of that name exists.
    """

    object_types: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    field_overrides: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HomeShortcut:
    """A button in the home page's 常用功能 card.

    ``label``: text, or ``callable(user) -> str``. ``url_args``: ``callable(user) -> tuple | None``
    for a URL with arguments (None hides the button, e.g. a user without an organisation).
    ``style``: "outline" (default), "primary" (filled) or "secondary" (grey: administration).
    """

    label: Any
    url_name: str
    roles: tuple[str, ...] = STAFF_ROLES
    order: int = 50
    style: str = "outline"
    url_args: Optional[Callable[[Any], Optional[tuple]]] = None


def _app_attr(name: str) -> list:
    return [(cfg, getattr(cfg, name)) for cfg in domain_apps() if getattr(cfg, name, None) is not None]


def audit_object_type_labels() -> dict[str, str]:
    """``"app_label.model"`` → name, from every app's ``audit_labels``."""
    out: dict[str, str] = {}
    for _cfg, labels in _app_attr("audit_labels"):
        out.update(labels.object_types)
    return out


def audit_field_labels() -> tuple[dict[str, str], dict[str, str]]:
    """(overrides, extra keys) from every app's ``audit_labels``: overrides win over a model field's
    verbose_name; extra keys name change keys that are not model fields."""
    overrides: dict[str, str] = {}
    extra: dict[str, str] = {}
    for _cfg, labels in _app_attr("audit_labels"):
        overrides.update(labels.field_overrides)
        extra.update(labels.fields)
    return overrides, extra


def home_shortcuts_for(user) -> list[dict]:
    """The user's home-page shortcuts, resolved: ``[{"label", "url", "style"}]`` in ``order``."""
    from django.urls import NoReverseMatch, reverse

    role = role_of(user)
    items = sorted((s for _cfg, shortcuts in _app_attr("home_shortcuts") for s in shortcuts if role in s.roles),
                   key=lambda s: s.order)
    out = []
    for s in items:
        args = ()
        if s.url_args is not None:
            args = s.url_args(user)
            if args is None:
                continue
        try:
            url = reverse(s.url_name, args=args)
        except NoReverseMatch:
            continue
        out.append({"label": s.label(user) if callable(s.label) else s.label, "url": url, "style": s.style})
    return out
