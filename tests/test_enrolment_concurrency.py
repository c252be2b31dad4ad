"""Parallel enrolments never overbook a date, on PostgreSQL and on the embedded SQLite.

Each thread has its own database connection, as separate web processes would.
"""

import os
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import BASE_DIR
from tests.factories import FirmFactory, PersonFactory, UserFactory, WorkshopDateFactory
from workshops.models import Enrolment
from workshops.services.enrolment import enrol

PARALLEL = 50
CAPACITY = 10
FIRM_LIMIT = 3


def run_in_parallel(calls, timeout=60):
    """Runs the calls at the same moment, one thread and connection each; returns errors."""
    start = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            start.wait(timeout=30)
            call()
        except Exception as exc:  # noqa: BLE001 - every failure is reported by the caller
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_enrolments_fill_ten_seats_exactly(require_postgres):
    assert_fifty_parallel_enrolments_fill_ten_seats()


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_enrolments_on_sqlite():
    assert_fifty_parallel_enrolments_fill_ten_seats()


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_firm_admins_enrol_at_the_same_second_on_sqlite():
    date = WorkshopDateFactory(capacity=3, firm_limit=2)
    url = reverse("enrolment:enrol", args=[date.pk])
    answers = []

    def enrol_as(admin, employees):
        def call():
            client = Client()
            client.force_login(admin.user)
            answers.append(client.post(url, {"person": [p.pk for p in employees]}).status_code)

        return call

    calls = []
    for name in ("Kessler", "Brandt"):
        firm = FirmFactory(name=f"{name} GmbH")
        admin = PersonFactory(firm=firm, admin=True)
        for _ in range(3):  # three browser tabs each, two employees per form
            calls.append(enrol_as(admin, [PersonFactory(firm=firm) for _ in range(2)]))
    assert run_in_parallel(calls) == []
    assert answers == [302] * len(calls)
    statuses = Counter(Enrolment.objects.filter(date=date).values_list("status", flat=True))
    assert statuses == {"confirmed": 3, "waitlisted": 9}


@pytest.mark.services
@pytest.mark.not_on_sqlite
def test_sqlite_rush_in_own_process():
    """CI runs the suite on PostgreSQL; the embedded default gets the same rush here."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            __file__,
            "-k",
            "on_sqlite",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout and "skipped" not in result.stdout, result.stdout


def assert_fifty_parallel_enrolments_fill_ten_seats():
    date = WorkshopDateFactory(capacity=CAPACITY, firm_limit=FIRM_LIMIT)
    firms = [FirmFactory() for _ in range(10)]
    people = [PersonFactory(firm=firms[i % len(firms)]) for i in range(PARALLEL)]
    staff = UserFactory(staff=True)

    def enrol_one(person_id):
        return lambda: enrol(date_id=date.pk, person_ids=[person_id], by_user=staff)

    assert run_in_parallel([enrol_one(p.pk) for p in people]) == []
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
