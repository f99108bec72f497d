"""Tamper-evident audit trail and retention (issue 16, 等保 2.0)."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from dangjian.core import audit, audit_chain
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.core.rules import change_rule_setting


def write(n, note="x"):
    for i in range(n):
        audit.record(actor=Actor.command(), action=AuditLog.Action.CHANGED, object_type="t", object_id=i,
                     note=f"{note}{i}", changes={"d": [datetime.date(2020, 1, 1), i]})


def test_rows_written_every_way_are_chained_and_verify(db):
    write(3)
    AuditLog.objects.bulk_create([audit.audit_entry(actor=Actor.command(), action="created", object_type="b",
                                                    object_id=i, note="bulk") for i in range(3)])
    rows = list(AuditLog.objects.order_by("id"))
    assert all(r.row_hash for r in rows)
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert audit_chain.verify() == (6, [])
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "链完整：共 6 条" in out.getvalue()


def test_the_roster_imports_fast_audit_rows_are_chained(db):
    from dangjian.roster.engine import import_workbook
    from dangjian.roster.tests.helpers import new_county_sheets, xlsx

    write(1)
    result = import_workbook(xlsx(new_county_sheets()), actor=Actor.command(), filename="x.xlsx")
    assert result.ok
    checked, problems = audit_chain.verify()
    assert checked > 3 and problems == []


def test_a_changed_or_deleted_row_breaks_the_chain(db):
    write(5)
    ids = list(AuditLog.objects.order_by("id").values_list("id", flat=True))
    AuditLog.objects.filter(id=ids[2]).update(note="改过了")
    assert any("被改写" in p for p in audit_chain.verify()[1])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", stderr=err)
    assert f"第 {ids[2]} 条" in err.getvalue()


def test_a_deleted_row_in_the_middle_breaks_the_chain(db):
    write(5)
    ids = list(AuditLog.objects.order_by("id").values_list("id", flat=True))
    AuditLog.objects.filter(id=ids[2]).delete()
    assert any("不相接" in p for p in audit_chain.verify()[1])


def test_retention_is_never_less_than_six_months(db):
    with pytest.raises(ValidationError, match="不能小于 6"):
        change_rule_setting("core.audit_retention_months", 5, actor=Actor.command())


def test_purge_deletes_only_rows_older_than_the_retention_and_the_chain_still_verifies(db):
    write(4)
    old = timezone.now() - datetime.timedelta(days=400)
    first_two = list(AuditLog.objects.order_by("id").values_list("id", flat=True))[:2]
    # Backdating rewrites the rows (as a tamperer would); rebuild their hashes for this test.
    AuditLog.objects.filter(id__in=first_two).update(created_at=old)
    prev = ""
    for row in AuditLog.objects.order_by("id"):
        values = {f: getattr(row, f) for f in audit_chain.FIELDS}
        AuditLog.objects.filter(id=row.id).update(prev_hash=prev, row_hash=audit_chain.digest(prev, values))
        prev = audit_chain.digest(prev, values)
    assert audit_chain.verify()[1] == []
    call_command("purge_audit_log", stdout=io.StringIO())
    assert not AuditLog.objects.filter(id__in=first_two).exists()
    assert AuditLog.objects.filter(note__startswith="x").count() == 2
    assert audit_chain.verify()[1] == []


def _reference_digest(prev_hash, values):
    """The chain's digest as first written: one json.dumps of the plain values (the faster digest must agree)."""
    import hashlib
    import json

    content = json.dumps([audit_chain._plain(f, values.get(f)) for f in audit_chain.FIELDS], ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + content).encode()).hexdigest()


@pytest.mark.parametrize("changes", [
    {}, None, {"name": [None, "张三"], "is_floating": [None, False], "n": [1, 2.5]},
    {"d": [datetime.date(2020, 1, 1), None]},  # a date: through the JSON round trip
    {2: ["a", "b"], 10: ["c", "d"]},  # non-str keys sort differently after the round trip
    {"nested": {"b": 1, "a": [1, {"y": "引号\"与\\n"}]}}, {"t": ("元组", 1)}, ["a list"],
])
def test_the_digest_is_the_json_of_the_plain_values(changes):
    values = {"created_at": timezone.now(), "actor_id": 7, "actor_name": "县委组织部", "ip_address": "",
              "via": "web", "action": "changed", "object_type": "register.member", "object_id": 12,
              "object_repr": "王\u3000伟\t", "scope_path": "0001", "changes": changes, "note": "名册导入"}
    assert audit_chain.digest("abc", values) == _reference_digest("abc", values)
    assert audit_chain.digest("", dict(values, actor_id=None, ip_address="10.0.0.1")) == _reference_digest(
        "", dict(values, actor_id=None, ip_address="10.0.0.1"))


def test_sealed_bulk_rows_carry_the_reference_digest_and_their_changes_as_stored_json(db):
    import json

    now = timezone.now()
    base = {"created_at": now, "actor_id": None, "actor_name": "命令行", "ip_address": None, "via": "command",
            "action": "created", "object_type": "register.member", "scope_path": "0001", "note": "名册导入"}
    changes = [{"name": [None, "王伟"], "is_floating": [None, False]}, {"d": [datetime.date(2020, 1, 1), None]},
               {}, {"b": [1, 2.5], "a": ["引号\"", None]}]
    rows = [dict(base, object_id=str(i), object_repr=f"王{i}", changes=c) for i, c in enumerate(changes)]
    audit_chain.seal(rows, changes_as_text=True)
    prev = audit_chain.head()
    for row, original in zip(rows, changes):
        assert isinstance(row["changes"], str)
        assert json.loads(row["changes"]) == json.loads(json.dumps(original, cls=DjangoJSONEncoder))
        assert row["prev_hash"] == prev
        assert row["row_hash"] == _reference_digest(prev, dict(row, changes=original))
        prev = row["row_hash"]


def test_rows_sealed_as_lists_carry_the_reference_digest_whether_a_field_is_shared_or_not(db):
    import json

    audit.record(actor=Actor.command(), action="changed", object_type="t", object_id=1)
    now = timezone.now()
    columns = ["id", "created_at", "actor_id", "actor_name", "ip_address", "via", "action", "object_type",
               "object_id", "object_repr", "scope_path", "changes", "note", "prev_hash", "row_hash"]
    changes = [{"name": [None, "王%s伟"]}, {"d": [datetime.date(2020, 1, 1), None]}, {},
               {"b": [1, 2.5], "a": ["引号\"\\", None]}]
    shared_actor = "命令行%"
    rows = [[None, now, None, shared_actor, "" if i % 2 else "10.0.0.1", "command", "created", "register.member", str(i),
             f"王{i}" if i != 2 else 7, "0001" if i % 2 else "0002", audit_chain.changes_text(c), "名册导入", "", ""]
            for i, c in enumerate(changes)]
    prev = audit_chain.head()
    assert prev
    audit_chain.seal_rows(rows, columns)
    for row, original in zip(rows, changes):
        values = dict(zip(columns, row), changes=json.loads(json.dumps(original, cls=DjangoJSONEncoder)))
        assert row[13] == prev
        assert row[14] == _reference_digest(prev, values)
        prev = row[14]


@pytest.mark.parametrize("new", [
    {"name": "王伟", "full_on": None, "is_floating": False, "joined_on": datetime.date(2001, 7, 1)},
    {"name": "引号\"与\\n%s", "full_on": datetime.date(2002, 7, 1), "is_floating": True, "joined_on": datetime.date(2001, 7, 1)},
])
def test_a_filled_changes_template_is_the_changes_canonical_text(new):
    template = audit_chain.changes_template(list(new) + ["fixed"], fixed={"fixed": False})
    filled = template % tuple(audit_chain.json_text(new[k]) for k in sorted(new))
    expected = {k: [None, v] for k, v in new.items()} | {"fixed": [None, False]}
    assert filled == audit_chain.changes_text(expected)
