"""A county's first roster builds the register's secondary indexes once at the end (roster.bulk.deferred_indexes):
the same indexes afterwards, none dropped for an ordinary import, none lost when the write fails."""
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.register.models import Member
from dangjian.roster import bulk
from dangjian.roster.engine import import_workbook

from .helpers import member, new_county_sheets, xlsx


def run(sheets):
    return import_workbook(xlsx(sheets), actor=Actor.command())


def drops(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("DROP INDEX")]


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(bulk, "DEFERRED_INDEX_MIN_ROWS", 3)


def test_a_first_roster_rebuilds_exactly_the_indexes_it_dropped(db, small_threshold):
    members_before, audit_before = bulk.secondary_indexes(Member), bulk.secondary_indexes(AuditLog)
    assert len(members_before) >= 5 and len(audit_before) >= 5
    # Ten members: more than the audit rows the tree sheets write before them (3 divisions, 4 organisations).
    people = [member(serial=300 + i, name=f"党员{i}") for i in range(10)]
    with CaptureQueriesContext(connection) as queries:
        result = run(new_county_sheets(people))
    assert result.ok, result.faults
    dropped = drops(queries.captured_queries)
    assert len(dropped) == len(members_before) + len(audit_before)
    assert bulk.secondary_indexes(Member) == members_before
    assert bulk.secondary_indexes(AuditLog) == audit_before
    # The rows arrived, and the index on names answers for them.
    assert Member.objects.filter(name="党员3").count() == 1
    assert AuditLog.objects.filter(action="created", object_type="register.member").count() == 10


def test_an_import_below_the_threshold_drops_no_index(db):
    with CaptureQueriesContext(connection) as queries:
        result = run(new_county_sheets([member(serial=300 + i, name=f"党员{i}") for i in range(4)]))
    assert result.ok, result.faults
    assert drops(queries.captured_queries) == []


def test_a_register_larger_than_the_import_keeps_its_indexes(db, small_threshold):
    assert run(new_county_sheets([member(serial=300 + i, name=f"党员{i}") for i in range(4)])).ok
    assert Member.objects.count() == 4
    # Three more members into a register of four: no larger than what it holds, indexes kept.
    more = [member(serial=300 + i, name=f"党员{i}") for i in range(7)]
    with CaptureQueriesContext(connection) as queries:
        result = run(new_county_sheets(more))
    assert result.ok, result.faults
    assert Member.objects.count() == 7
    assert drops(queries.captured_queries) == []


def test_a_failed_write_rolls_back_with_its_indexes_even_when_the_error_is_caught(db, small_threshold):
    before = bulk.secondary_indexes(Member)
    with transaction.atomic():
        try:
            with bulk.deferred_indexes(Member, 10):
                assert bulk.secondary_indexes(Member) == []
                raise ValueError("写入中途出错")
        except ValueError:
            pass
    assert bulk.secondary_indexes(Member) == before


def test_outside_a_transaction_nothing_is_dropped(transactional_db, small_threshold):
    before = bulk.secondary_indexes(Member)
    with CaptureQueriesContext(connection) as queries:
        with bulk.deferred_indexes(Member, 10):
            assert bulk.secondary_indexes(Member) == before
    assert drops(queries.captured_queries) == []
