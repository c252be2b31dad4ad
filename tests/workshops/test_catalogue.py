"""The catalogue the finder searches: it follows every change at once, and neither the
finder nor the API counts enrolments or parts of all dates on a request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    TopicFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
)
from workshops.models import CatalogueEntry, DatePart, Enrolment
from workshops.services import catalogue, dates, enrolment

pytestmark = pytest.mark.django_db

API = "/api/v1/offers"


def offer(client, date_id):
    items = client.get(API, {"page_size": 100}).json()["items"]
    return next((item for item in items if item["id"] == date_id), None)


def test_seats_and_waiting_list_follow_enrolments_and_cancellations(client):
    date = WorkshopDateFactory(capacity=2)
    first = EnrolmentFactory(date=date)
    EnrolmentFactory(date=date)
    EnrolmentFactory(date=date, status=Enrolment.Status.WAITLISTED)
    shown = offer(client, date.pk)
    assert (shown["free_seats"], shown["waitlist_length"]) == (0, 1)
    assert client.get(API, {"free_only": "true"}).json()["count"] == 0

    staff = UserFactory(is_staff=True)
    enrolment.cancel(enrolment_id=first.pk, by_user=staff)
    shown = offer(client, date.pk)
    # The freed seat is offered to the waiting person: still held, the list one shorter.
    assert (shown["free_seats"], shown["waitlist_length"]) == (0, 0)


def test_a_cancelled_date_and_an_unpublished_series_leave_the_catalogue(client):
    cancelled = WorkshopDateFactory()
    hidden = WorkshopDateFactory()
    kept = WorkshopDateFactory()
    dates.cancel_date(cancelled.pk, UserFactory(is_staff=True), "Trainer erkrankt")
    hidden.series.unpublish()
    ids = [item["id"] for item in client.get(API).json()["items"]]
    assert ids == [kept.pk]


def test_a_moved_part_moves_the_date_in_the_list(client):
    soon = WorkshopDateFactory()
    later = WorkshopDateFactory(starts_at=timezone.now() + timedelta(days=60))
    assert [item["id"] for item in client.get(API).json()["items"]] == [soon.pk, later.pk]
    part = soon.parts.get()
    part.starts_at += timedelta(days=90)
    part.ends_at += timedelta(days=90)
    part.save()
    assert [item["id"] for item in client.get(API).json()["items"]] == [later.pk, soon.pk]
    DatePart.objects.filter(pk=part.pk).delete()
    # Without any part the date has no start, and nothing without a start is upcoming.
    assert [item["id"] for item in client.get(API).json()["items"]] == [later.pk]


def test_a_renamed_topic_is_found_by_its_new_name(client):
    topic = TopicFactory(name="Robotik", slug="robotik")
    date = WorkshopDateFactory(series=WorkshopSeriesPageFactory(topic=topic, title="Kompakt"))
    assert client.get(API, {"q": "Cobotik"}).json()["count"] == 0
    topic.name = "Cobotik"
    topic.save()
    assert [item["id"] for item in client.get(API, {"q": "Cobotik"}).json()["items"]] == [date.pk]


def test_rebuild_and_fill_missing_write_the_same_rows():
    date = WorkshopDateFactory()
    EnrolmentFactory(date=date, person=PersonFactory())
    stored = CatalogueEntry.objects.values().get(date=date)
    CatalogueEntry.objects.all().delete()
    assert catalogue.fill_missing() == 1
    again = CatalogueEntry.objects.values().get(date=date)
    assert catalogue.rebuild() == 1
    for row in (again, CatalogueEntry.objects.values().get(date=date)):
        for name in ("first_start", "seats_taken", "visible", "topic_id", "search_text"):
            assert row[name] == stored[name]


def _finder_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/angebote/", params).status_code == 200
        assert client.get(API, params).status_code == 200
        assert client.get(API, {**params, "page": 2, "page_size": 1}).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize(
    "params", [{}, {"q": "Roboter"}, {"free_only": "true", "topic": "robotik"}]
)
def test_no_finder_query_counts_enrolments_or_parts(client, params):
    TopicFactory(name="Robotik", slug="robotik")
    for _ in range(3):
        EnrolmentFactory(date=WorkshopDateFactory(parts=2))
    for sql in _finder_queries(client, params):
        assert "workshops_enrolment" not in sql
        # Parts are loaded for the shown dates only, never joined into a count or sort.
        if "workshops_datepart" in sql:
            assert sql.lstrip().startswith('SELECT "workshops_datepart"')
            assert "COUNT(" not in sql.upper()


@pytest.mark.services
def test_postgresql_plans_have_no_per_row_subquery(client, require_postgres):
    TopicFactory(name="Robotik", slug="robotik")
    for _ in range(3):
        EnrolmentFactory(date=WorkshopDateFactory())
    params = {"q": "Roboter", "free_only": "true", "topic": "robotik"}
    selects = [sql for sql in _finder_queries(client, params) if sql.startswith("SELECT")]
    assert selects
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "SubPlan" not in plan, plan
