"""Per-organisation daily member figures (issue 15): the statistics of today without a member scan.

``statistics.members`` counts members in one pass grouped by (党籍状态, 民族). The same groups, per
organisation and for one day, are kept in ``MemberFigures``: written whole by the daily job
(``manage.py build_member_figures``, idempotent) and, for the organisations a member write touched,
rewritten after that write commits (``organizations_changed``, called by the register's services and
the roster import). The statistics of today then sum a few rows per organisation of the subtree (a
city: about 20,000 rows instead of 1,000,000 members); any other day, or a day the job has not built,
is counted from the members as before. ``use_source("scan" | "summary")`` forces one path (the bench
and the tests compare them).

Ages, probation (转正日期) and the joining eras are judged on the row's day, so a day's rows are only
ever used for that day; the job drops the days before the one it builds.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
from typing import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from dangjian.core.scope import subtree_q

from .models import FIGURE_COLUMNS, Member, MemberFigures, MemberFiguresDay
from .rules import add_years
from .vocab import AGE_BANDS, COLLEGE_OR_ABOVE, JOIN_ERAS, Education, MemberStatus, Occupation, Sex

COUNTED_STATUSES = (MemberStatus.NORMAL, MemberStatus.SUSPENDED)  # 已转出: nowhere

AUTO, SCAN, SUMMARY = "auto", "scan", "summary"
_source: contextvars.ContextVar[str] = contextvars.ContextVar("member_figures_source", default=AUTO)


@contextlib.contextmanager
def use_source(source: str):
    """Within the block, ``statistics.members`` counts by ``source``: "scan" (the members), "summary"
    (the kept rows, built on demand for the day if missing) or "auto" (summary for a built today)."""
    if source not in (AUTO, SCAN, SUMMARY):
        raise ValueError(source)
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def born_by(as_of: datetime.date, age: int) -> datetime.date:
    """The last birth date of someone at least ``age`` years old on ``as_of`` (``rules.age_on``).

    ``add_years`` clamps 29 February to 28 February in a common year, which is also the last birth
    date whose (month, day) is not after as_of's: age_on(birth, as_of) >= age ⇔ birth <= born_by(as_of, age).
    """
    return add_years(as_of, -age)


def figure_conditions(as_of: datetime.date) -> list[tuple[str, str | None, str, object]]:
    """The member figures as conditions on one member row, in ``FIGURE_COLUMNS`` order: ``(key, field,
    operator, value)`` (field None: every row; operator ``IN`` takes a tuple). Ages and joining eras
    are cumulative: born on or before each band's threshold, joined before each era's end. A
    comparison with a missing date (no 转正日期) is false, as ``full_on__lte`` is in the ORM."""
    conditions = [
        ("n", None, "", None),
        ("full", "full_on", "<=", as_of),
        ("female", "sex", "=", Sex.FEMALE.value),
        ("college_or_above", "education", "IN", tuple(sorted(e.value for e in COLLEGE_OR_ABOVE))),
        ("floating", "is_floating", "=", True),
        ("under_party_probation", "under_party_probation", "=", True),
        *[(f"age:{low}", "birth_date", "<=", born_by(as_of, low)) for _k, low, _h in AGE_BANDS if low is not None],
        *[(f"joined_before:{end}", "joined_on", "<", end) for _k, end in JOIN_ERAS if end is not None],
        *[(f"education:{value}", "education", "=", value) for value in Education.values],
        *[(f"occupation:{value}", "occupation", "=", value) for value in Occupation.values],
    ]
    assert [key for key, *_rest in conditions] == list(FIGURE_COLUMNS)  # the rows' column order (``_insert``)
    return conditions


#: The member fields the figures read (the rows' columns under the counting statement).
FIGURE_FIELDS = ("full_on", "sex", "education", "is_floating", "under_party_probation", "birth_date", "joined_on",
                 "occupation")


def _filtered(function: str, argument: str, condition: str) -> str:
    """``function(argument)`` over the rows meeting ``condition`` (FILTER where the database has it)."""
    if connection.features.supports_aggregate_filter_clause:
        return f"{function}({argument}) FILTER (WHERE {condition})"
    return f"{function}(CASE WHEN {condition} THEN {'1' if argument == '*' else argument} END)"


def _grouped(rows, group_by: list[str], columns: list[tuple[str, list]],
             where: tuple[str, list] = ("", [])) -> tuple[str, list]:
    """``SELECT <group_by>, <columns> FROM (<rows>) [WHERE <where>] GROUP BY <group_by>``: one pass over
    ``rows`` (a ``values()`` queryset, each column named by its key), the columns' SQL written here.
    Issue 15: the ORM spends milliseconds compiling forty conditional aggregates, more than a
    township's counting itself; here the rows are a plain query (its scope and filters compiled by the
    ORM as everywhere) and the counting is a fixed text with the day's dates as parameters.
    ``columns``, ``where``: (SQL, params)."""
    quote = connection.ops.quote_name
    rows_sql, rows_params = rows.order_by().query.sql_with_params()
    groups = ", ".join(quote(name) for name in group_by)
    select = ", ".join(sql for sql, _p in columns)
    params = [p for _sql, column_params in columns for p in column_params]
    where_sql = f" WHERE {where[0]}" if where[0] else ""
    return (f"SELECT {groups}, {select} FROM ({rows_sql}) {quote('rows')}{where_sql} GROUP BY {groups}",
            [*params, *rows_params, *where[1]])


def _count_columns(as_of: datetime.date) -> list[tuple[str, list]]:
    """The figures of ``FIGURE_COLUMNS`` counted over member rows (``FIGURE_FIELDS`` named by field)."""
    quote = connection.ops.quote_name

    def param(value):  # as the ORM would pass it (SQLite keeps dates as text)
        return connection.ops.adapt_datefield_value(value) if isinstance(value, datetime.date) else value

    columns = []
    for _key, field, operator, value in figure_conditions(as_of):
        if field is None:
            columns.append(("COUNT(*)", []))
        elif operator == "IN":
            columns.append((_filtered("COUNT", "*", f"{quote(field)} IN ({', '.join(['%s'] * len(value))})"), list(value)))
        else:
            columns.append((_filtered("COUNT", "*", f"{quote(field)} {operator} %s"), [param(value)]))
    return columns


def _within(column: str, organizations) -> tuple[str, list]:
    """``column IN (<organizations' ids>)`` (a ``values("pk")`` queryset) as SQL text and parameters."""
    sql, params = organizations.order_by().query.sql_with_params()
    return f"{connection.ops.quote_name(column)} IN ({sql})", list(params)


def _fetch(sql: str, params: list, keys: list[str]) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(keys, row)) for row in cursor.fetchall()]


def counted_rows(members, as_of: datetime.date, marked: dict) -> list[dict]:
    """The member scan: ``members`` (a queryset, already scoped) counted per (党籍状态, 民族) in one
    pass, each row ``{"status", "ethnicity", <FIGURE_COLUMNS keys>, <marked keys>}``. ``marked``:
    {key: organisations (``values("pk")``)}, counting the members of those organisations."""
    marked_columns = []
    for organizations in marked.values():
        condition, params = _within("organization_id", organizations)
        marked_columns.append((_filtered("COUNT", "*", condition), params))
    rows = members.values("status", "ethnicity", "organization_id", *FIGURE_FIELDS)
    sql, params = _grouped(rows, ["status", "ethnicity"], [*_count_columns(as_of), *marked_columns])
    return _fetch(sql, params, ["status", "ethnicity", *FIGURE_COLUMNS, *marked])


def is_built(day: datetime.date) -> bool:
    return MemberFiguresDay.objects.filter(day=day).exists()


def source_for(as_of: datetime.date) -> str:
    """Which path ``statistics.members`` takes for ``as_of``: the forced one, else the summary for
    today when the job has built it, else the scan."""
    source = _source.get()
    if source != AUTO:
        return source
    return SUMMARY if as_of == timezone.localdate() and is_built(as_of) else SCAN


def _insert(day: datetime.date, organization_ids: Iterable[int] | None) -> int:
    """Write ``day``'s rows of these organisations (None: all) in one ``INSERT … SELECT`` of the member
    groups (no row passes through Python). Rows written."""
    members = Member.objects.filter(status__in=COUNTED_STATUSES)
    if organization_ids is not None:
        members = members.filter(organization_id__in=list(organization_ids))
    # The day last, as a constant column of the same SELECT.
    rows = members.values("organization_id", "organization__path", "status", "ethnicity", *FIGURE_FIELDS)
    sql, params = _grouped(rows, ["organization_id", "organization__path", "status", "ethnicity"],
                           [*_count_columns(day), ("%s", [connection.ops.adapt_datefield_value(day)])])
    table = connection.ops.quote_name(MemberFigures._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in (
        "organization_id", "path", "status", "ethnicity", *FIGURE_COLUMNS.values(), "day"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return cursor.rowcount


def build(day: datetime.date | None = None) -> int:
    """The daily job: every organisation's figures for ``day`` (default today), written in one
    transaction (readers see the previous rows until it commits), then the day marked built and
    the days before it dropped. Idempotent. Rows written."""
    day = day or timezone.localdate()
    with transaction.atomic():
        MemberFiguresDay.objects.select_for_update().filter(day=day).first()  # one writer per day at a time
        MemberFigures.objects.filter(day=day).delete()
        written = _insert(day, None)
        MemberFiguresDay.objects.update_or_create(day=day)
        MemberFigures.objects.filter(day__lt=day).delete()
        MemberFiguresDay.objects.filter(day__lt=day).delete()
        _analyze()
    return written


def _analyze() -> None:
    """Planner statistics for the rows just written. Without them PostgreSQL, until autovacuum comes
    by, takes the freshly filled table for empty and joins it by nested loop: the home page's member
    counts of a 1,200-organisation county took 550 ms instead of 9 ms."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(MemberFigures._meta.db_table)}")


def refresh(organization_ids: Iterable[int], day: datetime.date | None = None) -> None:
    """Rewrite ``day``'s (default today) rows of these organisations from their members, when the day
    is built (otherwise the statistics scan anyway and the next job builds it)."""
    day = day or timezone.localdate()
    ids = sorted({pk for pk in organization_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        if MemberFiguresDay.objects.select_for_update().filter(day=day).first() is None:
            return
        MemberFigures.objects.filter(day=day, organization_id__in=ids).delete()
        _insert(day, ids)


def organizations_changed(organization_ids: Iterable[int]) -> None:
    """Call inside a member write's transaction: after it commits, today's figures of these
    organisations are rewritten (nothing happens if it rolls back)."""
    ids = set(organization_ids)
    transaction.on_commit(lambda: refresh(ids))


def subtree_moved(old_path: str, new_path: str) -> None:
    """Inside an organisation move's transaction: the kept rows of the moved subtree take their new
    paths (one UPDATE, as ``TreeNode.move_subtree`` does for the organisations)."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Concat, Substr

    MemberFigures.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()))


def member_rows(org, as_of: datetime.date, members, marked: dict) -> list[dict]:
    """The rows of ``statistics.members``: per (党籍状态, 民族), ``{"status", "ethnicity", <FIGURE_COLUMNS
    keys>, <marked keys>}`` (``marked``: {key: organisations (``values("pk")``)}, counting the members of
    those organisations, e.g. the 两新 ones). Summed from the kept rows for a built today (or when the
    summary is forced: built on demand for the day when missing), else counted from ``members()`` (the
    subtree's members of the counted statuses, a queryset built only when needed)."""
    source = _source.get()
    if source == SUMMARY or (source == AUTO and as_of == timezone.localdate()):
        rows = summed_rows(org, as_of, marked)
        if rows is None and source == SUMMARY:
            _ensure_built(as_of)
            rows = summed_rows(org, as_of, marked)
        if rows is not None:
            return rows
    return counted_rows(members(), as_of, marked)


def summed_rows(org, day: datetime.date, marked: dict) -> list[dict] | None:
    """The kept rows of ``day`` summed per (党籍状态, 民族) over the subtree — the same rows the member
    scan gives (``counted_rows``) — or None when the day is not built. Whether it is built is asked in
    the same statement (no rows unless built), and again only when it gives no row (issue 15: one
    statement for today's member figures)."""
    qs = MemberFigures.objects.filter(day=day)
    if org is not None:
        qs = qs.filter(subtree_q(org))
    quote = connection.ops.quote_name
    columns = [(f"SUM({quote(column)})", []) for column in FIGURE_COLUMNS.values()]
    for organizations in marked.values():
        condition, params = _within("organization_id", organizations)
        columns.append((_filtered("SUM", quote("n"), condition), params))
    rows = qs.values("status", "ethnicity", "organization_id", *FIGURE_COLUMNS.values())
    built = (f"EXISTS(SELECT 1 FROM {quote(MemberFiguresDay._meta.db_table)} WHERE {quote('day')} = %s)",
             [connection.ops.adapt_datefield_value(day)])
    sql, params = _grouped(rows, ["status", "ethnicity"], columns, where=built)
    found = _fetch(sql, params, ["status", "ethnicity", *FIGURE_COLUMNS, *marked])
    if not found and not is_built(day):
        return None
    return [{**row, **{key: row[key] or 0 for key in marked}} for row in found]


def good_standing_counts(org, day: datetime.date) -> dict[int, tuple[int, int]]:
    """{organisation id: (members in good standing, of them full members on ``day``)} for the
    organisations of ``org``'s subtree (None: all) that have any: from the kept figures for a built
    today (or when forced), else from the members (an index-only scan of (status, organization, full_on))."""
    if source_for(day) == SUMMARY:
        _ensure_built(day)
        qs = MemberFigures.objects.filter(day=day)
        return _kept_good_standing(qs if org is None else qs.filter(subtree_q(org)))
    rows = (Member.objects.in_subtree(org).filter(status=MemberStatus.NORMAL)
            .values_list("organization_id")
            .annotate(members=Count("pk"), full_members=Count("pk", filter=Q(full_on__isnull=False, full_on__lte=day)))
            .order_by())
    return {pk: (n, full) for pk, n, full in rows if n}


def kept_good_standing_counts(organizations, day: datetime.date) -> dict[int, tuple[int, int]]:
    """``good_standing_counts`` of these organisations (a queryset, e.g. a user's scope) from ``day``'s
    kept rows alone, for a reader that never builds (a page view): empty when the day is not built
    (or none of them has members), and when the scan is forced."""
    if _source.get() == SCAN:
        return {}
    return _kept_good_standing(MemberFigures.objects.filter(day=day, organization_id__in=organizations.values("pk")))


def _kept_good_standing(kept) -> dict[int, tuple[int, int]]:
    rows = (kept.filter(status=MemberStatus.NORMAL).values_list("organization_id")
            .annotate(members=Sum("n"), full_members=Sum("full")).order_by())
    return {pk: (n, full) for pk, n, full in rows if n}


def _ensure_built(day: datetime.date) -> None:
    if not is_built(day):
        build(day) if day == timezone.localdate() else _build_past(day)


def _build_past(day: datetime.date) -> None:
    """A day other than today, built on demand (the bench and tests compare the paths on any day);
    kept beside today's rows until the next job."""
    with transaction.atomic():
        MemberFigures.objects.filter(day=day).delete()
        _insert(day, None)
        _analyze()
        MemberFiguresDay.objects.update_or_create(day=day)
