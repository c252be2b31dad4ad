"""The firm dashboard at /firma/."""

import secrets
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation, Person
from members.services.dashboard import build_dashboard
from tests.factories import (
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
)
from workshops.models import Enrolment, WorkshopDate

pytestmark = pytest.mark.django_db

URL = "/firma/"


@pytest.fixture
def firm():
    return FirmFactory(name="Kessler Feinmechanik GmbH")


@pytest.fixture
def admin(firm):
    return PersonFactory(firm=firm, admin=True, first_name="Petra", last_name="Kessler")


def invite(firm, email, **fields):
    fields.setdefault("expires_at", timezone.now() + timedelta(days=7))
    return Invitation.objects.create(
        firm=firm,
        email=email,
        role=Person.Role.EMPLOYEE,
        token_hash=secrets.token_hex(32),
        **fields,
    )


def future_date(title, days=28, **kwargs):
    series = WorkshopSeriesPageFactory(title=title)
    start = berlin(timezone.localdate() + timedelta(days=days))
    return WorkshopDateFactory(series=series, starts_at=start, **kwargs)


def test_url_name():
    assert reverse("members:dashboard") == URL


def test_dashboard_shows_enrolments_waitlist_and_invitations(client, firm, admin):
    jana = PersonFactory(firm=firm, first_name="Jana", last_name="Aigner")
    robotik = future_date("Robotik Grundlagen", days=28)
    EnrolmentFactory(person=jana, date=robotik)
    full = future_date("Lean Production", days=35)
    EnrolmentFactory.create_batch(2, date=full, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(person=jana, date=full, status=Enrolment.Status.WAITLISTED)
    cancelled = future_date("Abgesagter Kurs", days=40, status=WorkshopDate.Status.CANCELLED)
    EnrolmentFactory(person=jana, date=cancelled)
    storniert = future_date("Stornierter Kurs", days=42)
    EnrolmentFactory(person=jana, date=storniert, status=Enrolment.Status.CANCELLED)
    past = WorkshopDateFactory(
        series=WorkshopSeriesPageFactory(title="Schweißen kompakt"),
        starts_at=timezone.now() - timedelta(days=400),
    )
    EnrolmentFactory(person=jana, date=past)
    gone = PersonFactory(firm=firm, first_name="Ausgeschieden", left_on=date(2025, 1, 31))
    EnrolmentFactory(person=gone, date=robotik)
    stranger = PersonFactory(first_name="Fremdfirma")
    EnrolmentFactory(person=stranger, date=robotik)
    invite(firm, "neu@kessler.example", invited_by=admin.user)
    invite(firm, "abgelaufen@kessler.example", expires_at=timezone.now() - timedelta(days=1))
    invite(firm, "angenommen@kessler.example", accepted_at=timezone.now())
    invite(stranger.firm, "fremd@andere.example")

    client.force_login(admin.user)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kessler Feinmechanik GmbH" in page
    # What follows the first section ("Beschäftigte anmelden", which offers every open
    # date): the firm's own people and their enrolments.
    people = page.split('id="summary-title"', 1)[1]
    assert "Jana Aigner" in page
    assert "Robotik Grundlagen" in page
    assert (
        robotik.parts.first()
        .starts_at.astimezone(timezone.get_current_timezone())
        .strftime("%d.%m.%Y")
        in page
    )
    assert "Lean Production" in page
    assert "Platz 3" in page
    assert "Schweißen kompakt" in page
    assert "Abgesagter Kurs" not in people
    assert "Stornierter Kurs" not in people
    assert "Ausgeschieden" not in page
    assert "Fremdfirma" not in page
    assert "neu@kessler.example" in page
    assert "abgelaufen@kessler.example" not in page
    assert "angenommen@kessler.example" not in page
    assert "fremd@andere.example" not in page
    assert page.count("<h1") == 1


def test_rows_split_upcoming_waitlist_past_and_count_hours_this_year(firm, admin):
    now = berlin(date(2026, 6, 15), 12)
    jana = PersonFactory(firm=firm, first_name="Jana")
    this_year = WorkshopDateFactory(
        starts_at=berlin(date(2026, 3, 2)), parts=2, part_length=timedelta(hours=3, minutes=30)
    )
    EnrolmentFactory(person=jana, date=this_year)
    one_day = WorkshopDateFactory(starts_at=berlin(date(2026, 5, 4)))
    EnrolmentFactory(person=jana, date=one_day)
    last_year = WorkshopDateFactory(starts_at=berlin(date(2025, 11, 3)))
    EnrolmentFactory(person=jana, date=last_year)
    missed_offer = WorkshopDateFactory(starts_at=berlin(date(2026, 4, 6)))
    EnrolmentFactory(person=jana, date=missed_offer, status=Enrolment.Status.OFFERED)
    upcoming = WorkshopDateFactory(starts_at=berlin(date(2026, 7, 6)))
    offered = WorkshopDateFactory(starts_at=berlin(date(2026, 7, 13)))
    EnrolmentFactory(person=jana, date=upcoming)
    EnrolmentFactory(person=jana, date=offered, status=Enrolment.Status.OFFERED)
    # Still running: started before `now`, last part a week later.
    running = WorkshopDateFactory(starts_at=berlin(date(2026, 6, 10)), parts=2)
    EnrolmentFactory(person=jana, date=running)
    waiting = WorkshopDateFactory(starts_at=berlin(date(2026, 9, 7)))
    EnrolmentFactory(date=waiting, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(person=jana, date=waiting, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(date=waiting, status=Enrolment.Status.WAITLISTED)

    dashboard = build_dashboard(admin.user, firm, now=now)
    row = next(row for row in dashboard.people if row.person == jana)
    assert [e.date for e in row.upcoming] == [running, upcoming, offered]
    assert [(e.date, e.position) for e in row.waitlist] == [(waiting, 2)]
    assert [e.date for e in row.past] == [one_day, this_year, last_year]
    assert row.hours_this_year == 14
    assert dashboard.year == 2026
    assert dashboard.hours_this_year == 14
    admin_row = next(row for row in dashboard.people if row.person == admin)
    assert (admin_row.upcoming, admin_row.waitlist, admin_row.past) == ([], [], [])


def add_people(firm, count):
    for index in range(count):
        person = PersonFactory(firm=firm)
        EnrolmentFactory(person=person)
        EnrolmentFactory(person=person, status=Enrolment.Status.WAITLISTED)
        EnrolmentFactory(
            person=person, date=WorkshopDateFactory(starts_at=timezone.now() - timedelta(days=30))
        )
        invite(firm, f"einladung{index}-{firm.pk}@kessler.example")


def test_query_count_does_not_grow_with_the_data(
    client, firm, admin, django_assert_max_num_queries
):
    client.force_login(admin.user)
    add_people(firm, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    add_people(firm, 12)
    assert len(small.captured_queries) < 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("einladung") == 14


def test_contact_sees_the_dashboard_of_the_own_firm(client, firm):
    contact = PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True)
    client.force_login(contact.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Kessler Feinmechanik GmbH" in response.content.decode()


def test_employee_gets_403(client, firm):
    employee = PersonFactory(firm=firm, with_account=True)
    client.force_login(employee.user)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("members:dashboard_firm", args=[firm.pk])).status_code == 403


def test_other_firms_dashboard_is_not_found(client, admin):
    other = FirmFactory(name="Andere Metallbau GmbH")
    PersonFactory(firm=other, first_name="Geheim")
    client.force_login(admin.user)
    response = client.get(reverse("members:dashboard_firm", args=[other.pk]))
    assert response.status_code == 404
    contact = PersonFactory(firm=admin.firm, role=Person.Role.CONTACT, with_account=True)
    client.force_login(contact.user)
    assert client.get(reverse("members:dashboard_firm", args=[other.pk])).status_code == 404
    own = client.get(URL).content.decode()
    assert "Andere Metallbau GmbH" not in own
    assert "Geheim" not in own


def test_staff_sees_any_firm_by_id(client, firm, admin):
    client.force_login(UserFactory(staff=True))
    response = client.get(reverse("members:dashboard_firm", args=[firm.pk]))
    assert response.status_code == 200
    assert "Petra Kessler" in response.content.decode()
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
