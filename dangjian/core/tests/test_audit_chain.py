"""Tamper-evident audit trail and retention (issue 16, 等保 2.0)."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
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
