"""Parallel enrolments never overbook a date (real PostgreSQL, one connection per thread)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from tests.factories import FirmFactory, PersonFactory, UserFactory, WorkshopDateFactory
from workshops.models import Enrolment
from workshops.services.enrolment import enrol

PARALLEL = 50
CAPACITY = 10
FIRM_LIMIT = 3


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_enrolments_fill_ten_seats_exactly(require_postgres):
    date = WorkshopDateFactory(capacity=CAPACITY, firm_limit=FIRM_LIMIT)
    firms = [FirmFactory() for _ in range(10)]
    people = [PersonFactory(firm=firms[i % len(firms)]) for i in range(PARALLEL)]
    staff = UserFactory(staff=True)
    start = threading.Barrier(PARALLEL)
    errors = []

    def enrol_one(person_id):
        try:
            start.wait(timeout=30)
            enrol(date_id=date.pk, person_ids=[person_id], by_user=staff)
        except Exception as exc:  # noqa: BLE001 - every failure is reported by the assert
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol_one, args=(p.pk,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    enrolments = list(
        Enrolment.objects.filter(date=date).select_related("person").order_by("created_at", "pk")
    )
    statuses = Counter(e.status for e in enrolments)
    assert len(enrolments) == PARALLEL
    assert statuses == {"confirmed": CAPACITY, "waitlisted": PARALLEL - CAPACITY}
    confirmed_per_firm = Counter(e.person.firm_id for e in enrolments if e.status == "confirmed")
    assert max(confirmed_per_firm.values()) <= FIRM_LIMIT

    # Replaying the rules one by one in arrival order gives exactly the stored outcome.
    taken, per_firm, expected = 0, Counter(), []
    for enrolment in enrolments:
        firm = enrolment.person.firm_id
        if taken < CAPACITY and per_firm[firm] < FIRM_LIMIT:
            taken += 1
            per_firm[firm] += 1
            expected.append("confirmed")
        else:
            expected.append("waitlisted")
    assert [e.status for e in enrolments] == expected
    date.refresh_from_db()
    assert date.status == "full"
