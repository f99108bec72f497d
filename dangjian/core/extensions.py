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
- ``<app>/indicators.py``  ``INDICATORS: list[ComputedIndicator]``: assessment indicators computed from
  the app's records (see the section at the end of this file).

and on its AppConfig:

- ``nav_items: list[NavItem]``: its entries of the top menu (``nav_items_for(user)``); items that name the
  same ``group`` share one dropdown of the menu (``nav_menu_for(user)``).
- ``audit_labels: AuditLabels``: how its object types and change keys read in the audit log
  (``audit_object_type_labels()``, ``audit_field_labels()``).
- ``home_shortcuts: list[HomeShortcut]``: its buttons on the home page (``home_shortcuts_for(user)``).
- ``home_panels: list[HomePanel]``: its blocks of the home page (``home_panels_for(user, today)``), and with
  ``placement="me"`` its cards on the member's own 我的 page (``me_panels_for(user, today)``).

Role names and sets come from ``dangjian.core.roles``; "in the subtree of" from ``dangjian.core.scope``.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
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
    """An entry of the top menu. ``group`` (a Chinese heading such as "组织与党员") puts it in that
    dropdown with the other apps' items of the same group, ordered by ``order``; the dropdown stands
    where its first item would. A group with one item for the user, or no group, is a plain link."""

    label: str
    url_name: str
    roles: tuple[str, ...] = ALL_ROLES
    order: int = 50
    group: str = ""


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
    # Optional Chinese labels of the block's dotted keys for the statistics export ({"key": "标签"}),
    # so that a new block names its own figures without an edit to the stats app.
    labels: Optional[dict] = None
    # Optional, both or neither (issue 15: a township of a city whose other modules hold nothing there
    # should not pay a dozen queries per block): ``probe(org) -> list[QuerySet]`` lists the scoped rows
    # the block counts — the same models for every organisation (only the whole database, org None,
    # may list others: ``stats_probe`` remembers them); when none of them has a row (one SQL
    # statement for all blocks' probes, ``stats_probe``), ``party_stats`` takes ``empty(org, as_of, date_from, date_to)`` — the block's
    # figures over no rows, asking the database only for what does not come from those rows (e.g.
    # required slots, a county-wide catalogue) — instead of ``compute``. Tests hold ``empty`` equal
    # to ``compute`` wherever the probe finds nothing.
    probe: Optional[Callable[..., list]] = None
    empty: Optional[Callable[..., dict]] = None


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
    # A digest's items (issue 14), each {"key", "text", "url"}: the key names the item in its current state.
    # When given, the notifications job sends only the items whose key the recipient's previous message of
    # this kind did not carry (nothing at all when none changed), each linked to its page.
    items: list = field(default_factory=list)


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
    """Every app's blocks in ``order``, each with the parts other apps add to it (``StatsPart``)."""
    return list(_stats_blocks())


@functools.cache
def _stats_blocks() -> tuple[StatsBlock, ...]:
    # Once per process: the blocks are declared in code (finding the apps' modules again costs a
    # township's statistics a millisecond, issue 15), and the same block objects keep the probes' tables.
    blocks = [_with_parts(b) for m in app_modules("statistics") for b in getattr(m, "BLOCKS", [])]
    return tuple(sorted(blocks, key=lambda b: b.order))


#: Tables seen holding a row (so never asked again whether they hold any; a table emptied since is
#: still probed in scope, which answers correctly). Process-wide: only ever grows.
_tables_with_rows: set[str] = set()

#: The tables each probe lists, by (probe, whether for the whole database): a probe names the same
#: models for every organisation (``StatsBlock.probe``), so once known, a block whose tables hold no
#: row at all is answered without building its scoped querysets. Process-wide.
_probe_tables: dict[tuple[Callable, bool], frozenset[str]] = {}


def _exists_each(querysets: list) -> list[bool]:
    """Whether each queryset has a row, in one statement: ``SELECT EXISTS(…), EXISTS(…), …``."""
    from django.db import connection

    if not querysets:
        return []
    parts, params = [], []
    for qs in querysets:
        sql, qs_params = qs.order_by().values("pk")[:1].query.sql_with_params()
        parts.append(f"EXISTS({sql})")
        params.extend(qs_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [bool(hit) for hit in cursor.fetchone()]


def _tables_hold_rows(tables: list[str]) -> list[bool]:
    """Whether each table holds any row, in one fixed statement (no queryset to build)."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"EXISTS(SELECT 1 FROM {quote(table)})" for table in tables))
        return [bool(hit) for hit in cursor.fetchone()]


def stats_probe(blocks: list[StatsBlock], org) -> set[str]:
    """The keys of the blocks (with ``probe`` and ``empty``) that hold no row in ``org``'s subtree.

    At most two statements for every block together: first whether the tables not yet seen holding
    a row hold any at all (a module nobody uses: no scoped probe), then ``SELECT EXISTS(<probe 1>),
    EXISTS(<probe 2>), …`` for the probes of the tables that do (issue 15: the scoped probes' joins
    cost more to plan than to run). A block's scoped querysets are built only when one of its tables
    holds a row (building them cost a township more than the statement)."""
    probing = [b for b in blocks if b.probe is not None and b.empty is not None]
    built: dict[int, list] = {}  # by position in ``probing``
    tables: list[frozenset[str]] = []
    for i, b in enumerate(probing):
        known = _probe_tables.get((b.probe, org is None))
        if known is None:
            built[i] = b.probe(org)
            known = _probe_tables[(b.probe, org is None)] = frozenset(qs.model._meta.db_table for qs in built[i])
        tables.append(known)
    unknown = sorted(set().union(*tables) - _tables_with_rows)
    if unknown:
        found = _tables_hold_rows(unknown)
        _tables_with_rows.update(table for table, hit in zip(unknown, found) if hit)
    probed = [(b.key, qs) for i, b in enumerate(probing) if tables[i] & _tables_with_rows
              for qs in (built[i] if i in built else b.probe(org))
              if qs.model._meta.db_table in _tables_with_rows]
    found = _exists_each([qs for _key, qs in probed])
    return {b.key for b in probing} - {key for (key, _qs), hit in zip(probed, found) if hit}


# One ``party_stats`` (issue 15): a figure two blocks both need — the divisions by category for the
# register's block and the cadres' communities — is asked of the database once. Within
# ``statistics_run()`` a function wrapped in ``once_per_statistics_run`` answers each list of arguments
# once (a later call gets the first answer, as if both had run at that moment); outside it, every call
# asks the database. The answers are shared: callers must not change them.
_statistics_run: contextvars.ContextVar[Optional[dict]] = contextvars.ContextVar("statistics_run", default=None)


@contextlib.contextmanager
def statistics_run():
    token = _statistics_run.set({})
    try:
        yield
    finally:
        _statistics_run.reset(token)


def once_per_statistics_run(function: Callable) -> Callable:
    @functools.wraps(function)
    def shared(*args):
        answers = _statistics_run.get()
        if answers is None:
            return function(*args)
        key = (function, args)
        if key not in answers:
            answers[key] = function(*args)
        return answers[key]
    return shared


def roster_sheet_handlers() -> list[type]:
    sheets = [s for m in app_modules("roster_sheets") for s in getattr(m, "SHEETS", [])]
    return sorted(sheets, key=lambda s: s.order)


def nav_items_for(user) -> list[NavItem]:
    role = role_of(user)
    items = [i for cfg in domain_apps() for i in getattr(cfg, "nav_items", []) if role in i.roles]
    return sorted(items, key=lambda i: i.order)


def nav_menu_for(user) -> list[tuple[str, list[NavItem]]]:
    """The user's top menu as ``(heading, items)`` entries in menu order: a group's items in one entry
    (heading: the group), a lone item in its own entry (heading: its label)."""
    entries: list[tuple[str, list[NavItem]]] = []
    by_group: dict[str, list[NavItem]] = {}
    for item in nav_items_for(user):
        if item.group and item.group in by_group:
            by_group[item.group].append(item)
            continue
        members = [item]
        if item.group:
            by_group[item.group] = members
        entries.append((item.group or item.label, members))
    return [(heading if len(items) > 1 else items[0].label, items) for heading, items in entries]


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


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page, contributed by an app.

    ``template`` is included in the page; ``context(user, today) -> dict | None`` adds its keys to the
    page's context (None or no callable: nothing added; keys must not clash across panels).
    ``placement``: "top" (full width, above the shortcuts) or "side" (beside the 常用功能 card) of the home page,
    or "me": a card of the member's own 我的 page (the portal app shows it, the home page does not; give it
    ``roles=MEMBER_ROLES``; the template is built for a phone).
    ``owns_shortcuts``: the panel shows the shortcuts itself (the member's card), so the page does not.
    """

    template: str
    context: Optional[Callable[[Any, datetime.date], Optional[dict]]] = None
    roles: tuple[str, ...] = STAFF_ROLES
    order: int = 50
    placement: str = "top"
    owns_shortcuts: bool = False


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


HOME_PLACEMENTS = ("top", "side")
ME_PLACEMENTS = ("me",)


def home_panels_for(user, today: datetime.date, placements: tuple = HOME_PLACEMENTS) -> tuple[list[HomePanel], dict]:
    """The user's panels of ``placements`` (default: the home page's) in ``order``, and the context they add
    to the page. Only the panels shown are asked for their context."""
    role = role_of(user)
    panels = sorted((p for _cfg, panels in _app_attr("home_panels") for p in panels
                     if role in p.roles and p.placement in placements), key=lambda p: p.order)
    context: dict = {}
    for p in panels:
        if p.context is not None:
            context.update(p.context(user, today) or {})
    return panels, context


def me_panels_for(user, today: datetime.date) -> tuple[list[HomePanel], dict]:
    """The cards other apps add to the member's 我的 page (``HomePanel(placement="me")``), and their context."""
    return home_panels_for(user, today, ME_PLACEMENTS)


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


# --- Computed indicators (issue 12: assessment) ------------------------------------------------
#
# ``<app>/indicators.py`` may provide ``INDICATORS: list[ComputedIndicator]``: figures an assessment
# plan can score automatically from the platform's own records (organisational-life compliance,
# recruitment steps on time …). The assessment app lists them with ``computed_indicators()``; no
# provider imports the assessment app. An indicator measures the work, never the use of the
# platform: one whose ``source`` is logins, clicks, uploads, page views or app use is refused when
# it is defined (the 2024 rules against busywork, 整治形式主义为基层减负).

FORBIDDEN_INDICATOR_SOURCES = (
    "login", "logon", "signin", "session", "click", "upload", "attachment", "pageview", "page_view", "visit_log",
    "auditlog", "audit_log", "usage", "app_use", "登录", "点击", "上传", "浏览", "访问次数", "使用次数", "在线时长",
    "活跃度", "打卡",
)


class IndicatorSourceRefused(ValueError):
    """An indicator defined on logins, clicks, uploads or app use."""


def refuse_busywork_source(label: str, source: str) -> None:
    """Raise ``IndicatorSourceRefused`` (a Chinese message naming the indicator) when ``source`` counts
    logins, clicks, uploads or use of the platform."""
    text = (source or "").lower()
    hit = next((w for w in FORBIDDEN_INDICATOR_SOURCES if w in text), None)
    if hit is not None:
        raise IndicatorSourceRefused(
            f"指标“{label}”的数据来源“{source}”统计的是登录、点击、上传或平台使用情况，"
            "不得作为考核指标（为基层减负：不以留痕代替实绩）")


@dataclass(frozen=True)
class IndicatorValue:
    """One organisation's value: ``numerator`` of ``denominator`` (rate None when nothing was due)."""

    numerator: int = 0
    denominator: int = 0

    @property
    def rate(self) -> Optional[float]:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    def __add__(self, other: "IndicatorValue") -> "IndicatorValue":
        return IndicatorValue(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass(frozen=True)
class IndicatorRecord:
    """One record behind a value, for the drill-down: what it is, its day, whether it counted and why."""

    label: str
    day: Optional[datetime.date]
    counted: bool
    note: str = ""
    organization: str = ""
    url: str = ""


@dataclass(frozen=True)
class ComputedIndicator:
    """An indicator computed from the platform's records.

    ``compute(orgs, date_from, date_to)`` returns ``{org.id: IndicatorValue}`` for each organisation
    of ``orgs`` over its whole subtree (use ``rollup_by_path``: a few grouped queries, never one per
    organisation). ``records(org, date_from, date_to)`` lists the records behind ``org``'s value.
    ``formula`` is the text shown beside the score; ``source`` names what is counted (model labels),
    and is refused when it is logins, clicks, uploads or app use.
    """

    key: str
    label: str
    formula: str
    source: str
    compute: Callable[..., dict]
    records: Callable[..., list]
    order: int = 50

    def __post_init__(self):
        refuse_busywork_source(self.label, self.source)


def computed_indicators() -> list[ComputedIndicator]:
    found = [i for m in app_modules("indicators") for i in getattr(m, "INDICATORS", [])]
    return sorted(found, key=lambda i: (i.order, i.key))


def computed_indicator(key: str) -> Optional[ComputedIndicator]:
    return next((i for i in computed_indicators() if i.key == key), None)


def rollup_by_path(orgs, rows) -> dict:
    """Sum ``(path, numerator, denominator)`` rows into each organisation of ``orgs`` whose subtree holds
    the path. Cost: rows × tree depth dictionary look-ups."""
    from dangjian.core.tree import STEP

    by_path = {o.path: o.id for o in orgs}
    out = {o.id: IndicatorValue() for o in orgs}
    for path, num, den in rows:
        if not path:
            continue
        for end in range(STEP, len(path) + 1, STEP):
            org_id = by_path.get(path[:end])
            if org_id is not None:
                out[org_id] = out[org_id] + IndicatorValue(num or 0, den or 0)
    return out


# --- Problems raised in one app, kept in another's ledger (issue 12: 整改台账) -------------------
#
# A domain app that raises a problem to be rectified (orglife's 调阅 rectification request, …) calls
# ``problem_raised(RaisedProblem(...), actor=...)`` inside its own transaction; every receiver
# registered with ``register_problem_receiver`` (the assessment app's ledger, from its
# AppConfig.ready) records it in the same transaction. With no receiver installed nothing happens.
# ``problem_answered(origin, text, day, actor=...)`` passes on the organisation's answer.

@dataclass(frozen=True)
class RaisedProblem:
    source: str  # a 问题来源 of ledger-sheets.md: 考核, 督查, 巡察, 调阅, 述职评议, 其他
    category: str  # a 问题类别: 组织生活, 发展党员, 党员管理, 阵地建设, 班子建设, 党费, 制度落实, 其他
    organization_id: int
    description: str
    found_on: datetime.date
    origin: str  # unique key of what raised it, e.g. "orglife.reviewcomment:12" (idempotence)
    responsible: str = ""
    deadline: Optional[datetime.date] = None


_problem_receivers: list[Callable[..., Any]] = []
_answer_receivers: list[Callable[..., Any]] = []


def register_problem_receiver(on_raised: Callable[..., Any], on_answered: Optional[Callable[..., Any]] = None) -> None:
    if on_raised not in _problem_receivers:
        _problem_receivers.append(on_raised)
    if on_answered is not None and on_answered not in _answer_receivers:
        _answer_receivers.append(on_answered)


def problem_raised(problem: RaisedProblem, *, actor) -> None:
    for receiver in list(_problem_receivers):
        receiver(problem, actor=actor)


def problem_answered(origin: str, text: str, day: datetime.date, *, actor) -> None:
    for receiver in list(_answer_receivers):
        receiver(origin, text, day, actor=actor)


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

# --- REST API routes (issue 17: api) ------------------------------------------------------------
#
# ``<app>/api.py`` may provide ``ROUTES: list[ApiRoute]``: DRF viewsets the ``api`` app mounts under
# ``/api/v1/<prefix>/`` (router basename ``basename``), in the OpenAPI schema with ``tag``. Build the
# viewsets from ``dangjian.core.restapi`` (scoped querysets, service writes, Chinese errors). A new
# ledger app plugs its records into the API by adding this module; nothing else changes.

@dataclass(frozen=True)
class ApiRoute:
    prefix: str  # URL segment(s), e.g. "orglife/activities"
    viewset: Any  # a rest_framework ViewSet class
    basename: str  # router basename, unique over the project, e.g. "orglife-activity"
    tag: str = ""  # OpenAPI tag (Chinese section name)


def api_routes() -> list[ApiRoute]:
    return [r for m in app_modules("api") for r in getattr(m, "ROUTES", [])]


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


# --- Notices, participation and statistics parts between domain apps (issue 8) -------------------
#
# Domain apps never import each other. Where one app's work concerns another's data:
#
# - ``<app>/notices.py``  ``deliver(notice: Notice) -> int``: an app that keeps messages (notifications)
#   receives the in-app notices other apps send with ``send_notice(notice)`` (after their commit).
# - ``<app>/participation.py``  ``last_participation(member_id) -> date | None``: the last day a member
#   took part in the app's organisational life (orglife's attendance); ``last_participation(member_id)``
#   is the latest over the apps.
# - ``<app>/statistics.py``  ``PARTS: list[StatsPart]``: a key an app adds to another app's block
#   (notifications' ``sms`` in the ``platform`` block); the statistics service merges them.


@dataclass(frozen=True)
class Notice:
    """An in-app message to the staff of ``organizations`` (organisers and secretaries at or above each)
    and to ``member``; unique by (recipient, kind, day, ref)."""

    kind: str
    text: str
    ref: str
    day: datetime.date
    organizations: tuple = ()
    member: Any = None


def send_notice(notice: Notice) -> int:
    """Hand ``notice`` to every app's ``notices.deliver``; how many messages they wrote."""
    return sum(m.deliver(notice) or 0 for m in app_modules("notices") if hasattr(m, "deliver"))


def last_participation(member_id: int) -> Optional[datetime.date]:
    days = [d for m in app_modules("participation") if hasattr(m, "last_participation")
            for d in [m.last_participation(member_id)] if d is not None]
    return max(days) if days else None


@dataclass(frozen=True)
class StatsPart:
    """``compute(org, as_of, date_from, date_to)`` → the value of ``key`` inside block ``block``.
    ``records(org, as_of, date_from, date_to, key)`` (optional) answers keys under ``key`` the way a
    block's ``records`` does; ``has_data(org, date_to)`` (optional) tells whether the part has data."""

    block: str
    key: str
    compute: Callable[..., Any]
    records: Optional[Callable[..., Any]] = None
    has_data: Optional[Callable[..., bool]] = None
    # As StatsBlock's: the part's scoped rows, and its value over none of them. A block with a part
    # lacking either is always computed.
    probe: Optional[Callable[..., list]] = None
    empty: Optional[Callable[..., Any]] = None


def stats_parts(block_key: str) -> list[StatsPart]:
    return [p for m in app_modules("statistics") for p in getattr(m, "PARTS", []) if p.block == block_key]


def _with_parts(block: "StatsBlock") -> "StatsBlock":
    import dataclasses

    parts = stats_parts(block.key)
    if not parts:
        return block

    def compute(org, as_of, date_from, date_to):
        data = block.compute(org, as_of, date_from, date_to)
        for part in parts:
            data[part.key] = part.compute(org, as_of, date_from, date_to)
        return data

    def records(org, as_of, date_from, date_to, key):
        for part in parts:
            if part.records is not None and (key == part.key or key.startswith(part.key + ".")):
                return part.records(org, as_of, date_from, date_to, key)
        return block.records(org, as_of, date_from, date_to, key) if block.records is not None else None

    def has_data(org, date_to):
        own = block.has_data(org, date_to) if block.has_data is not None else False
        return own or any(p.has_data(org, date_to) for p in parts if p.has_data is not None)

    def probe(org):
        return [qs for p in (block, *parts) for qs in p.probe(org)]

    def empty(org, as_of, date_from, date_to):
        data = block.empty(org, as_of, date_from, date_to)
        for part in parts:
            data[part.key] = part.empty(org, as_of, date_from, date_to)
        return data

    changes = {"compute": compute}
    if all(p.probe is not None and p.empty is not None for p in (block, *parts)):
        changes.update(probe=probe, empty=empty)
    else:
        changes.update(probe=None, empty=None)
    if block.records is not None or any(p.records for p in parts):
        changes["records"] = records
    if block.has_data is not None or any(p.has_data for p in parts):
        changes["has_data"] = has_data
    return dataclasses.replace(block, **changes)


# --- Who holds an organisation's secretary post (issue 14: accounts follow the post) ------------
#
# A secretary's account carries the branch's scope only while its holder serves as the branch's
# 书记. The cadre records know who serves when, but the accounts app sits below the domain apps and
# must not import them. An app that knows provides ``<app>/post_holders.py`` with
# ``secretary_posts() -> Iterable[PostHolder]`` (every secretary post it records, past and present);
# ``secretary_posts()`` here returns their union, or None when no app provides them (then accounts
# are not touched: nothing says who serves). After a change of posts the provider calls
# ``posts_changed(organization_ids, actor=...)`` (after its commit); receivers registered with
# ``register_posts_changed_receiver`` (the accounts app, from its AppConfig.ready) reconcile at once.


@dataclass(frozen=True)
class PostHolder:
    """One person in the 书记 post of one organisation from ``started_on``, serving up to the day before
    ``ended_on`` (None: still serving). ``member_id``: the person's register record when known."""

    organization_id: int
    name: str
    started_on: datetime.date
    ended_on: Optional[datetime.date] = None
    member_id: Optional[int] = None

    def serves_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)


def secretary_posts() -> Optional[list[PostHolder]]:
    providers = [m for m in app_modules("post_holders") if hasattr(m, "secretary_posts")]
    if not providers:
        return None
    return [p for m in providers for p in m.secretary_posts()]


_posts_changed_receivers: list[Callable[..., Any]] = []


def register_posts_changed_receiver(receiver: Callable[..., Any]) -> None:
    if receiver not in _posts_changed_receivers:
        _posts_changed_receivers.append(receiver)


def posts_changed(organization_ids, *, actor) -> None:
    """Tell the receivers that the secretary posts of ``organization_ids`` changed (call after commit)."""
    ids = sorted({i for i in organization_ids if i is not None})
    for receiver in list(_posts_changed_receivers):
        receiver(ids, actor=actor)
