"""Fast inserts for the roster import: 100,000 members and their audit rows in seconds.

``bulk_create`` spends most of its time preparing each value of each field in Python. For the
two big tables of an import (members and audit rows) ``fast_insert`` reserves the primary keys
first (so the caller knows every new row's id, e.g. for its audit row) and sends plain
``executemany`` INSERTs on SQLite, or a ``COPY … FROM STDIN`` on PostgreSQL. It must run inside the
import's transaction. Other backends fall back to ``bulk_create``.
"""
from __future__ import annotations

import json
from typing import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

BATCH = 5000


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` fresh primary keys for ``model`` (inside a transaction that already holds the write lock
    on SQLite; from the identity sequence on PostgreSQL)."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk, n])
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


def fast_insert(objs: Sequence[models.Model]) -> None:
    """Insert unsaved model instances (all of one model) with their pk already set."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor not in ("sqlite", "postgresql"):
        model.objects.bulk_create(objs, batch_size=500)
        return
    fields = [f for f in model._meta.concrete_fields]
    now = None
    ops = connection.ops
    converters = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                from django.utils import timezone

                now = now or timezone.now()
                stamp = ops.adapt_datetimefield_value(now)
                converters.append(lambda v, stamp=stamp: stamp if v is None else ops.adapt_datetimefield_value(v))
            else:
                converters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            converters.append(ops.adapt_datefield_value)
        elif isinstance(f, models.JSONField):
            # JSON text: SQLite stores it as is, PostgreSQL's COPY parses it into jsonb.
            converters.append(lambda v: json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False))
        elif isinstance(f, models.GenericIPAddressField):
            converters.append(lambda v: v or None)
        else:
            converters.append(None)
    attnames = [f.attname for f in fields]
    q = ops.quote_name
    columns = ", ".join(q(f.column) for f in fields)
    plain = [(a, c) for a, c in zip(attnames, converters)]

    def values():
        for obj in objs:
            d = obj.__dict__
            yield tuple(d[a] if c is None else c(d[a]) for a, c in plain)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is the fast path into PostgreSQL (psycopg 3).
            with cursor.cursor.copy(f"COPY {q(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in values():
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        rows = []
        for row in values():
            rows.append(row)
            if len(rows) >= BATCH:
                cursor.executemany(sql, rows)
                rows = []
        if rows:
            cursor.executemany(sql, rows)


def save_audit_entries(entries: Sequence[models.Model]) -> None:
    """Insert unsaved AuditLog rows (from ``audit.audit_entry``) in bulk."""
    if not entries:
        return
    model = type(entries[0])
    for entry, pk in zip(entries, reserve_ids(model, len(entries))):
        entry.pk = pk
    fast_insert(entries)
