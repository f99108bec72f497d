"""Fast inserts for the roster import: 100,000 members and their audit rows in seconds.

``bulk_create`` spends most of its time preparing each value of each field in Python. For the
two big tables of an import (members and audit rows) ``fast_insert`` reserves the primary keys
first (so the caller knows every new row's id, e.g. for its audit row) and sends plain
``executemany`` INSERTs on SQLite, or a ``COPY … FROM STDIN`` on PostgreSQL. It must run inside the
import's transaction. Other backends fall back to ``bulk_create``. A county's first roster writes
with the tables' secondary indexes built once at the end (``deferred_indexes``).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Collection, Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

BATCH = 5000
# SQLite's page cache while an import writes (KiB): the members' and audit rows' indexes (digests,
# names: random order) stay in memory instead of being re-read page by page. The default is 2 MiB.
SQLITE_IMPORT_CACHE_KIB = 128 * 1024


@contextmanager
def bulk_write_settings():
    """Connection settings for the length of a bulk write (inside its transaction): a large page
    cache on SQLite, restored afterwards. Nothing changes on other backends."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


# A bulk write of at least this many rows into a table holding no more rows than it adds (a county's
# first roster, typically) builds the table's secondary indexes once at the end instead of row by row.
DEFERRED_INDEX_MIN_ROWS = 10_000


def secondary_indexes(model: type[models.Model]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that back no constraint: not the primary
    key, not a unique index (those keep checking every row as it is written)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL ORDER BY name", [table])
            return [(name, sql) for name, sql in cursor.fetchall()
                    if not sql.lstrip().upper().startswith("CREATE UNIQUE")]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1",
                [connection.ops.quote_name(table)])
            return list(cursor.fetchall())
    return []


def _fewer_rows_than(model: type[models.Model], n: int) -> bool:
    """The table holds at most ``n`` rows (counted no further than n + 1)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {q(model._meta.db_table)} LIMIT %s) AS head", [n + 1])
        return cursor.fetchone()[0] <= n


@contextmanager
def deferred_indexes(model: type[models.Model], adding: int):
    """Write ``adding`` rows into ``model``'s table with its secondary indexes built once afterwards.

    Inserting 100,000 rows into a table with a dozen indexes updates every index row by row, in
    random order for names and digests; building an index from the finished table is several times
    cheaper (SQLite and PostgreSQL both sort first). Only for a large write into a table no larger
    than the write itself, and only inside a transaction: the indexes are dropped and recreated with
    their own statements in that transaction, so an error rolls both back and no reader ever sees the
    table without them. On PostgreSQL the dropped index holds the table's exclusive lock until the
    commit, so other sessions wait for the import instead of reading a half-written register.
    Unique indexes and the primary key stay, so duplicates are still refused row by row.
    """
    if (adding < DEFERRED_INDEX_MIN_ROWS or not connection.in_atomic_block
            or connection.vendor not in ("sqlite", "postgresql") or not _fewer_rows_than(model, adding)):
        yield
        return
    indexes = secondary_indexes(model)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {q(name)}")
    try:
        yield
    except BaseException:
        # Whoever catches this inside the transaction cannot commit a table without its indexes.
        transaction.set_rollback(True)
        raise
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL builds no index on a table with foreign-key checks still queued for the commit
            # (Django's constraints are DEFERRABLE INITIALLY DEFERRED): run them now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _name, sql in indexes:
            cursor.execute(sql)


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` fresh primary keys for ``model`` (inside a transaction that already holds the write lock
    on SQLite; from the identity sequence on PostgreSQL)."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name once: pg_get_serial_sequence in each of 100,000 rows took 0.4 s of 0.5.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n])
            return [row[0] for row in cursor.fetchall()]
        q = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({q(pk)}) FROM {q(table)}")
        top = cursor.fetchone()[0] or 0
        try:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
        except Exception:  # no AUTOINCREMENT table
            pass
        return list(range(top + 1, top + 1 + n))


def _converter(f: models.Field):
    ops = connection.ops
    if isinstance(f, models.DateTimeField):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            from django.utils import timezone

            stamp = ops.adapt_datetimefield_value(timezone.now())
            return _last_value_cached(lambda v: stamp if v is None else ops.adapt_datetimefield_value(v))
        # A bulk write stamps its rows with one "now": adapted once, not once per row.
        return _last_value_cached(ops.adapt_datetimefield_value)
    if isinstance(f, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(f, models.JSONField):
        # JSON text: SQLite stores it as is, PostgreSQL's COPY parses it into jsonb.
        return lambda v: json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(f, models.GenericIPAddressField):
        return lambda v: v or None
    return None


def _last_value_cached(convert):
    last = [object(), None]

    def cached(v):
        if v is not last[0]:
            last[0], last[1] = v, convert(v)
        return last[1]
    return cached


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence],
                prepared: Collection[str] = ()) -> None:
    """Insert plain rows (tuples or lists of values in ``attnames`` order, primary key included) into
    ``model``'s table.

    ``prepared``: attnames whose values are already in database form (e.g. JSON text)."""
    fields = [model._meta.pk if a in ("pk", model._meta.pk.attname) else next(
        f for f in model._meta.concrete_fields if f.attname == a) for a in attnames]
    converters = [None if a in prepared else _converter(f) for a, f in zip(attnames, fields)]
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in fields)
    conversions = [(i, c) for i, c in enumerate(converters) if c is not None]
    if not conversions:
        converted: Iterable[Sequence] = rows
    else:
        def convert(row: Sequence) -> list:
            row = list(row)
            for i, c in conversions:
                row[i] = c(row[i])
            return row
        converted = map(convert, rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is the fast path into PostgreSQL (psycopg 3).
            with cursor.cursor.copy(f"COPY {q(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in converted:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch = []
        for row in converted:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def fast_insert(objs: Sequence[models.Model]) -> None:
    """Insert unsaved model instances (all of one model) with their pk already set."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor not in ("sqlite", "postgresql"):
        model.objects.bulk_create(objs, batch_size=500)
        return
    attnames = [f.attname for f in model._meta.concrete_fields]
    insert_rows(model, attnames, (tuple(o.__dict__[a] for a in attnames) for o in objs))


def save_audit_entries(entries: Sequence[models.Model]) -> None:
    """Insert unsaved AuditLog rows (from ``audit.audit_entry``) in bulk."""
    if not entries:
        return
    from dangjian.core import audit_chain

    model = type(entries[0])
    audit_chain.seal(entries)  # takes the chain lock first, so the ids below follow the chain
    for entry, pk in zip(entries, reserve_ids(model, len(entries))):
        entry.pk = pk
    fast_insert(entries)


class AuditWriter:
    """One audit row per object for a bulk writer, without building a model instance per row.

    The actor's fields come from ``audit.audit_entry`` once; each row is a list of values in the
    table's column order, its ``changes`` kept as their canonical JSON text (``audit_chain``), which
    is both what the row's digest covers and what is stored. Rows are written every ``BATCH``.
    """

    def __init__(self, actor) -> None:
        from dangjian.core import audit
        from dangjian.core.models import AuditLog

        self.model = AuditLog
        template = audit.audit_entry(actor=actor, action="", object_type="")
        self.attnames = [f.attname for f in AuditLog._meta.concrete_fields]
        self.base = [template.__dict__[a] for a in self.attnames]
        at = {a: i for i, a in enumerate(self.attnames)}
        self._at = at
        self._slots = tuple(at[a] for a in ("action", "object_type", "object_id", "object_repr", "scope_path",
                                            "changes", "note"))
        self.rows: list[list] = []
        self.written = 0

    def add(self, *, action: str, object_type: str, object_id, object_repr: str = "", scope_path: str = "",
            changes: dict | None = None, note: str = "") -> None:
        from dangjian.core import audit_chain

        self.add_text(action=action, object_type=object_type, object_id=object_id, object_repr=object_repr,
                      scope_path=scope_path, changes_json=audit_chain.changes_text(changes or {}, plain=True),
                      note=note)

    def add_text(self, *, action: str, object_type: str, object_id, object_repr: str, scope_path: str,
                 changes_json: str, note: str) -> None:
        """``add`` with the changes already as their canonical JSON text (``audit_chain.changes_text``,
        or a ``changes_template`` filled by ``json_text``)."""
        row = self.base.copy()
        i_action, i_type, i_id, i_repr, i_scope, i_changes, i_note = self._slots
        row[i_action], row[i_type], row[i_id], row[i_repr] = action, object_type, str(object_id), object_repr[:255]
        row[i_scope], row[i_changes], row[i_note] = scope_path, changes_json, note
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        import json

        from django.utils import timezone

        from dangjian.core import audit_chain

        at = self._at
        if connection.vendor not in ("sqlite", "postgresql"):
            objs = []
            for row in self.rows:
                values = dict(zip(self.attnames, row))
                values["changes"] = json.loads(values["changes"])
                objs.append(self.model(**values))
            self.model.objects.bulk_create(objs, batch_size=500)
        else:
            now = timezone.now()  # one time for the batch (the rows of one import)
            i_created, i_pk = at["created_at"], at[self.model._meta.pk.attname]
            for row in self.rows:
                row[i_created] = now
            # Takes the chain lock first, so the ids below follow the chain.
            audit_chain.seal_rows(self.rows, self.attnames)
            for row, new_id in zip(self.rows, reserve_ids(self.model, len(self.rows))):
                row[i_pk] = new_id
            insert_rows(self.model, self.attnames, self.rows, prepared=("changes",))
        self.written += len(self.rows)
        self.rows = []
