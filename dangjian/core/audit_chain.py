"""The audit trail made tamper-evident (等保 2.0 安全审计): every row carries ``prev_hash`` (the hash of
the row before it) and ``row_hash`` = SHA-256 of ``prev_hash`` and the row's content. Changing,
inserting or deleting a row in the middle breaks the chain; ``python manage.py verify_audit_chain``
walks it. Rows are chained in id order under one lock (PostgreSQL: a transaction-level advisory lock;
SQLite: the IMMEDIATE write transaction), so concurrent writers never fork the chain.

Every way a row is written chains it: ``AuditLog.save`` and ``AuditLog.objects.bulk_create`` (model
level), and the roster import's fast inserts (``roster.bulk``), which call ``seal`` themselves.
Retention (``core.audit_retention_months``, at least 6 months) deletes the oldest rows only; the
chain is then verified from the oldest row kept.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import operator
from typing import Any, Iterable, Mapping

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

LOCK_KEY = 0x64_6A_61_75  # "djau"
FIELDS = ("created_at", "actor_id", "actor_name", "ip_address", "via", "action", "object_type", "object_id",
          "object_repr", "scope_path", "changes", "note")


def lock() -> None:
    """Serialise chain writers until the end of the current transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def head() -> str:
    from .models import AuditLog

    return AuditLog.objects.order_by("-id").values_list("row_hash", flat=True).first() or ""


def _plain(name: str, value: Any) -> Any:
    if name == "created_at" and isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")
    if name in ("actor_id",) and value is not None:
        return int(value)
    if name == "object_id":
        return "" if value is None else str(value)
    if name == "ip_address":
        return value or None
    if name == "changes":
        # The stored JSON's own form (dates and decimals as DjangoJSONEncoder writes them).
        return json.loads(json.dumps(value or {}, cls=DjangoJSONEncoder))
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_encode_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) does with a str
json_str = _encode_str  # the JSON text of a str (json_text of a value known to be one)
_SCALARS = (str, int, float, bool, type(None))


def _not_plain(value: Any) -> Any:
    raise TypeError


def changes_text(value: Any, *, plain: bool = False) -> str:
    """The canonical JSON text of a row's ``changes`` in its digest: ``_dumps(_plain("changes", value))``.

    The usual ``{field: [old, new]}`` of plain values (str keys; str, numbers, booleans, None) is its
    own stored form, so it is dumped once instead of through a JSON round trip (the roster import
    seals 100,000 of them); the bulk writers store this text as is. ``plain``: the caller promises
    that nested dicts have str keys (a bulk writer's own changes), so only the top level is looked at."""
    if value.__class__ is dict:
        if plain:
            if all(k.__class__ is str for k in value):
                try:
                    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                                      default=_not_plain)
                except TypeError:  # a date or a decimal: through the round trip below
                    pass
        elif all(k.__class__ is str and (
                v.__class__ in _SCALARS or (v.__class__ in (list, tuple) and all(x.__class__ in _SCALARS for x in v)))
                for k, v in value.items()):
            return _dumps(value)
    return _dumps(_plain("changes", value))


def _field_text(name: str, value: Any) -> str:
    value = _plain(name, value)
    if value.__class__ is str:
        return _encode_str(value)
    if value is None:
        return "null"
    return _dumps(value)


def digest(prev_hash: str, values: Mapping[str, Any], changes_json: str | None = None) -> str:
    """SHA-256 of the previous hash and ``json.dumps([the FIELDS' plain values], ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))``, that JSON text assembled field by field.
    ``changes_json``: ``changes_text(values["changes"])`` when the caller has it already."""
    if changes_json is None:
        changes_json = changes_text(values.get("changes"))
    content = "[" + ",".join([changes_json if f == "changes" else _field_text(f, values.get(f)) for f in FIELDS]) + "]"
    return hashlib.sha256((prev_hash + "\n" + content).encode()).hexdigest()


def _seal_dicts(items: list, prev: str, changes_as_text: bool) -> None:
    """``seal`` for attname dicts (a bulk writer's rows, which share their actor and time): the JSON
    text of a field value is reused while the next row holds the very same value."""
    from django.utils import timezone

    last: dict[str, tuple[Any, str]] = {}
    sha256 = hashlib.sha256
    for item in items:
        if item.get("created_at") is None:
            item["created_at"] = timezone.now()
        parts = []
        for f in FIELDS:
            value = item.get(f)
            if f == "changes":
                text = changes_text(value, plain=changes_as_text)
                parts.append(text)
                continue
            seen = last.get(f)
            if seen is not None and seen[0] is value:
                parts.append(seen[1])
            else:
                field_text = _field_text(f, value)
                last[f] = (value, field_text)
                parts.append(field_text)
        item["prev_hash"] = prev
        item["row_hash"] = prev = sha256((prev + "\n[" + ",".join(parts) + "]").encode()).hexdigest()
        if changes_as_text:
            item["changes"] = text


def json_text(value: Any) -> str:
    """The JSON text ``_dumps`` gives a plain value (str, None, bool, int), or a date's ISO text as a
    JSON string (as DjangoJSONEncoder stores it): for bulk writers that assemble a row's ``changes``
    text themselves (``changes_template``)."""
    if value.__class__ is str:
        return _encode_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime.date):
        return _encode_str(value.isoformat())
    return _dumps(value)


def changes_template(keys: Iterable[str], fixed: Mapping[str, Any] | None = None) -> str:
    """A %-template of the canonical JSON text (``changes_text``) of ``{key: [None, new]}`` over
    ``keys``: fill it with ``json_text`` of each new value in sorted-key order; the keys of ``fixed``
    carry their given new value instead of a slot. A new object's changes (100,000 of them in a roster
    import) are then one string format, not a dict and a dump."""
    fixed = fixed or {}
    return "{" + ",".join(_encode_str(k).replace("%", "%%") + ":[null," + (
        json_text(fixed[k]).replace("%", "%%") if k in fixed else "%s") + "]" for k in sorted(keys)) + "}"


def seal_rows(rows: list, columns: list[str]) -> None:
    """``seal`` for a bulk writer's rows as lists of values in ``columns`` order (which name every
    field of FIELDS, ``prev_hash`` and ``row_hash``), whose ``changes`` value is already its canonical
    JSON text (``changes_text``, and the stored form). A field whose value is the very same object in
    every row (the actor, the time, the action of one import) is turned into text once."""
    lock()
    prev = head()
    if not rows:
        return
    positions = [columns.index(f) for f in FIELDS]
    at_prev, at_row, at_changes = columns.index("prev_hash"), columns.index("row_hash"), columns.index("changes")
    first = rows[0]
    constant: dict[int, str] = {}
    for f, i in zip(FIELDS, positions):
        if i != at_changes and all(row[i] is first[i] for row in rows):
            constant[i] = _field_text(f, first[i])
    varying = [(f, i) for f, i in zip(FIELDS, positions) if i not in constant and i != at_changes]
    # The row's content as one %-template: constant texts in place, the varying fields and the changes
    # filled per row.
    slots = []
    for f, i in zip(FIELDS, positions):
        slots.append(constant[i].replace("%", "%%") if i in constant else "%s")
    template = "\n[" + ",".join(slots) + "]"
    order = [i for i in positions if i not in constant]  # the %s slots, in FIELDS order
    names = dict((i, f) for f, i in varying)

    def text_of(i: int):
        if i == at_changes:
            return None
        # _plain leaves a str as it is, but for ip_address ("" is stored as NULL).
        if names[i] != "ip_address" and all(row[i].__class__ is str for row in rows):
            return _encode_str
        return lambda value: _field_text(names[i], value)

    convert = [text_of(i) for i in order]
    values_of = operator.itemgetter(*order) if len(order) > 1 else (lambda row: (row[order[0]],))
    sha256 = hashlib.sha256
    for row in rows:
        filled = tuple([v if c is None else c(v) for v, c in zip(values_of(row), convert)])
        row[at_prev] = prev
        row[at_row] = prev = sha256((prev + template % filled).encode()).hexdigest()


def _values(item) -> dict:
    if isinstance(item, dict):
        return item
    return {f: getattr(item, f) for f in FIELDS}


def seal(items: Iterable, *, changes_as_text: bool = False) -> None:
    """Chain ``items`` (unsaved AuditLog instances or attname dicts), in the order they will be
    inserted, after the current head. Call inside the transaction that inserts them, right before.
    ``changes_as_text`` (attname dicts only): replace each ``changes`` by its JSON text, which is both
    what the digest covers and what a bulk insert stores."""
    from django.utils import timezone

    lock()
    prev = head()
    items = list(items)
    if items and all(isinstance(item, dict) for item in items):
        _seal_dicts(items, prev, changes_as_text)
        return
    for item in items:
        if isinstance(item, dict):
            if item.get("created_at") is None:
                item["created_at"] = timezone.now()
            item["prev_hash"] = prev
            item["row_hash"] = prev = digest(prev, item)
        else:
            if item.created_at is None:
                item.created_at = timezone.now()
            item.prev_hash = prev
            item.row_hash = prev = digest(prev, _values(item))


def verify(chunk: int = 5000) -> tuple[int, list[str]]:
    """Walk the whole chain in id order: (rows checked, problems). Rows written before the chain existed
    (no hash) are accepted only before the first chained row."""
    from .models import AuditLog

    problems: list[str] = []
    prev = None
    checked = 0
    started = False
    qs = AuditLog.objects.order_by("id").values_list("id", "prev_hash", "row_hash", *FIELDS)
    for row in qs.iterator(chunk_size=chunk):
        pk, prev_hash, row_hash = row[0], row[1], row[2]
        values = dict(zip(FIELDS, row[3:]))
        checked += 1
        if not row_hash:
            if started:
                problems.append(f"第 {pk} 条日志没有校验值（链中途的日志被改写）")
            continue
        if started and prev_hash != prev:
            problems.append(f"第 {pk} 条日志与前一条不相接（前面的日志被删除、插入或改写）")
        if digest(prev_hash, values) != row_hash:
            problems.append(f"第 {pk} 条日志的内容与其校验值不符（被改写）")
        started = True
        prev = row_hash
        if len(problems) >= 50:
            break
    return checked, problems
