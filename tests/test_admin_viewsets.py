"""The staff back office for firms, people, districts, workshop dates and enrolments."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import WorkshopSeriesPage
from members.models import District, Firm, Person, User
from workshops.models import Enrolment, WorkshopDate

STAFF = ["buero@verbund.example", "j.albers@verbund.example"]  # superuser, group member

LISTINGS = {
    "unternehmen": (Firm, "Kessler Feinmechanik GmbH"),
    "personen": (Person, "Denise Arnold"),
    "kreise": (District, "Rems-Murr-Kreis"),
    "termine": (WorkshopDate, "Einstieg in die Robotik: Cobots in der Fertigung"),
    "anmeldungen": (Enrolment, "Warteliste"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo network, seeded once for this module and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


def staff_client(client, email):
    client.force_login(User.objects.get(email=email))
    return client


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


@pytest.mark.parametrize("email", STAFF)
@pytest.mark.parametrize("name", LISTINGS)
@pytest.mark.django_db
def test_staff_open_every_listing_and_edit_view(demo, client, email, name):
    model, expected_text = LISTINGS[name]
    client = staff_client(client, email)

    listing = client.get(f"/admin/{name}/")
    assert listing.status_code == 200
    assert expected_text in listing.content.decode()

    obj = model.objects.order_by("pk").first()
    if model is Enrolment:
        # Enrolments change only through the rules; the admin shows them read-only.
        assert client.get(f"/admin/{name}/inspect/{obj.pk}/").status_code == 200
        return
    assert client.get(f"/admin/{name}/edit/{obj.pk}/").status_code == 200
    assert client.get(f"/admin/{name}/new/").status_code == 200


@pytest.mark.django_db
def test_enrolments_cannot_be_created_or_edited_around_the_rules(demo, client):
    client = staff_client(client, STAFF[0])
    enrolment = Enrolment.objects.filter(status="confirmed").first()

    assert client.get("/admin/anmeldungen/new/").status_code in (302, 403)
    response = client.post(f"/admin/anmeldungen/edit/{enrolment.pk}/", {"status": "cancelled"})

    assert response.status_code in (302, 403)
    enrolment.refresh_from_db()
    assert enrolment.status == "confirmed"
    listing = client.get("/admin/anmeldungen/").content.decode()
    assert "/admin/anmeldungen/inspect/" in listing
    assert "/admin/anmeldungen/edit/" not in listing


@pytest.mark.django_db
def test_menu_groups_the_views_in_german(demo, client):
    html = staff_client(client, STAFF[1]).get("/admin/").content.decode()
    for label in (
        "Mitglieder",
        "Unternehmen",
        "Personen",
        "Kreise",
        "Workshops",
        "Termine",
        "Anmeldungen",
    ):
        assert label in html, label


@pytest.mark.django_db
def test_firm_admins_and_employees_stay_out_of_the_back_office(demo, client):
    for email in ("personal@kessler-feinmechanik.example", "m.weber@kessler-feinmechanik.example"):
        client.force_login(User.objects.get(email=email))
        response = client.get("/admin/unternehmen/")
        assert response.status_code in (302, 403), email
        assert "Kessler Feinmechanik GmbH" not in response.content.decode()
        client.logout()


@pytest.mark.django_db
def test_firm_listing_filters_and_searches(demo, client):
    client = staff_client(client, STAFF[0])
    applied = client.get("/admin/unternehmen/?status=applied").content.decode()
    assert "Gruber Lasertechnik" in applied
    assert "Kessler Feinmechanik" not in applied
    found = client.get("/admin/unternehmen/?q=Lindner").content.decode()
    assert "Lindner Kunststofftechnik" in found
    assert "Brändle Antriebstechnik" not in found


@pytest.mark.django_db
def test_date_listing_counts_each_seat_once_for_multi_part_dates(demo, client):
    multi_part = next(d for d in WorkshopDate.objects.all() if d.parts.count() == 3)
    confirmed = multi_part.enrolments.filter(status=Enrolment.Status.CONFIRMED).count()
    assert confirmed >= 2
    client = staff_client(client, STAFF[0])
    response = client.get(f"/admin/termine/?series={multi_part.series_id}")
    rows = [row for row in response.context["object_list"] if row.pk == multi_part.pk]
    assert len(rows) == 1
    assert rows[0].seats_taken == confirmed


@pytest.mark.parametrize(
    "name, few, many",
    [
        ("unternehmen", "?status=applied", ""),
        ("personen", "?role=contact", ""),
        ("termine", "?status=full", ""),
        ("anmeldungen", "?status=waitlisted", ""),
    ],
)
@pytest.mark.django_db
def test_listing_queries_do_not_grow_with_the_rows(demo, client, name, few, many):
    client = staff_client(client, STAFF[1])
    short = client.get(f"/admin/{name}/{few}").context["object_list"]
    long = client.get(f"/admin/{name}/{many}").context["object_list"]
    assert len(long) > len(short) >= 1
    queries_for(client, f"/admin/{name}/{few}")  # warm caches (site, permissions)
    assert queries_for(client, f"/admin/{name}/{many}") == queries_for(
        client, f"/admin/{name}/{few}"
    )


@pytest.mark.django_db
def test_staff_create_a_date_with_its_parts(demo, client):
    client = staff_client(client, STAFF[1])
    series = WorkshopSeriesPage.objects.get(slug="3d-druck-in-der-produktion")
    day = timezone.localdate() + timedelta(days=40)
    response = client.post(
        "/admin/termine/new/",
        {
            "series": series.pk,
            "status": WorkshopDate.Status.OPEN,
            "capacity": 10,
            "firm_limit": 2,
            "enrolment_deadline": f"{day - timedelta(days=7):%Y-%m-%d} 23:59",
            "cancellation_deadline": f"{day - timedelta(days=3):%Y-%m-%d} 09:00",
            "offer_hours": 48,
            "venue_name": "Schulungszentrum im Gewerbepark Hulb",
            "district": District.objects.get(slug="boeblingen").pk,
            "parts-TOTAL_FORMS": 2,
            "parts-INITIAL_FORMS": 0,
            "parts-MIN_NUM_FORMS": 1,
            "parts-MAX_NUM_FORMS": 1000,
            "parts-0-title": "Teil 1",
            "parts-0-starts_at": f"{day:%Y-%m-%d} 09:00",
            "parts-0-ends_at": f"{day:%Y-%m-%d} 12:30",
            "parts-1-title": "Teil 2",
            "parts-1-starts_at": f"{day + timedelta(days=7):%Y-%m-%d} 09:00",
            "parts-1-ends_at": f"{day + timedelta(days=7):%Y-%m-%d} 12:30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = WorkshopDate.objects.get(series=series, venue_name__contains="Hulb")
    parts = list(created.parts.order_by("starts_at"))
    assert [part.title for part in parts] == ["Teil 1", "Teil 2"]
    assert timezone.localtime(parts[0].starts_at).strftime("%Y-%m-%d %H:%M") == (
        f"{day:%Y-%m-%d} 09:00"
    )


@pytest.mark.django_db
def test_a_date_needs_at_least_one_part(demo, client):
    client = staff_client(client, STAFF[1])
    series = WorkshopSeriesPage.objects.get(slug="3d-druck-in-der-produktion")
    before = WorkshopDate.objects.count()
    response = client.post(
        "/admin/termine/new/",
        {
            "series": series.pk,
            "status": WorkshopDate.Status.PLANNED,
            "capacity": 10,
            "enrolment_deadline": "2027-03-01 23:59",
            "cancellation_deadline": "2027-03-05 09:00",
            "offer_hours": 48,
            "parts-TOTAL_FORMS": 0,
            "parts-INITIAL_FORMS": 0,
            "parts-MIN_NUM_FORMS": 1,
            "parts-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200
    assert WorkshopDate.objects.count() == before
