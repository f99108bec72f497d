"""Two people accepting one letter at the same moment: exactly one succeeds (PostgreSQL row locks)."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from dangjian.core.actor import Actor
from dangjian.register.models import Member
from dangjian.transfers import services
from dangjian.transfers.models import Status, Transfer

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_acceptances_succeed(users, county, firm_secretary):
    organiser = users["organiser"]
    t = services.start_transfer(actor=Actor(organiser), member=users["member_record"], to_org=county["firm_branch"])
    t = services.approve_transfer(t, actor=Actor(organiser))
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(user):
        try:
            barrier.wait()
            services.accept_transfer(Transfer(pk=t.pk), actor=Actor(user), reported_on=timezone.localdate())
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (firm_secretary, organiser)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok"
    assert outcomes.count("ok") == 1
    assert "不能接收" in [o for o in outcomes if o != "ok"][0]
    t.refresh_from_db()
    assert t.status == Status.ACCEPTED
    assert Member.objects.get(pk=users["member_record"].pk).organization == county["firm_branch"]
