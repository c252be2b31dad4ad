"""Enrolment pages: series page buttons, firm enrolment, self-enrolment, own and firm lists."""

import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Person
from tests.factories import (
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
)
from workshops.models import Enrolment, WorkshopDate

pytestmark = pytest.mark.django_db

Status = Enrolment.Status
ONLINE = "https://meet.example.org/geheimer-raum"


@pytest.fixture
def firm():
    return FirmFactory(name="Kessler Feinmechanik GmbH")


@pytest.fixture
def admin(firm):
    return PersonFactory(firm=firm, admin=True, first_name="Petra", last_name="Kessler")


@pytest.fixture
def series():
    return WorkshopSeriesPageFactory(title="Einstieg in die Robotik")


@pytest.fixture
def workshop_date(series):
    return WorkshopDateFactory(series=series, capacity=2, online_url=ONLINE)


def employees(firm, *names):
    return [PersonFactory(firm=firm, first_name=name, last_name="Aigner") for name in names]


def enrol_url(workshop_date):
    return reverse("enrolment:enrol", args=[workshop_date.pk])


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- Series page -------------------------------------------------------------------------------


def test_anonymous_visitor_sees_a_login_link_back_to_the_date(client, series, workshop_date):
    EnrolmentFactory.create_batch(2, date=workshop_date)
    EnrolmentFactory(date=workshop_date, status=Status.WAITLISTED)
    response = client.get(series.url)
    html = text(response)
    assert response.status_code == 200
    assert f'id="termin-{workshop_date.pk}"' in html
    assert (
        f'href="/konto/login/?next={series.url.replace("/", "%2F")}%23termin-{workshop_date.pk}"'
        in html
    )
    assert "Ausgebucht – Warteliste möglich" in html
    assert "1 Person auf der Warteliste" in html
    assert "Mitgliedsunternehmen des Verbunds" in html
    assert ONLINE not in html
    assert reverse("enrolment:enrol", args=[workshop_date.pk]) not in html


def test_login_link_leads_back_to_the_series_page(client, series, workshop_date, admin):
    response = client.post(
        "/konto/login/",
        {
            "login": admin.user.email,
            "password": "Verbund-Test-2026",
            "next": f"{series.url}#termin-{workshop_date.pk}",
        },
    )
    assert response.status_code == 302
    assert response.url == f"{series.url}#termin-{workshop_date.pk}"


def test_firm_admin_gets_a_link_to_the_firm_enrol_page(client, series, workshop_date, admin):
    client.force_login(admin.user)
    html = text(client.get(series.url))
    assert f'href="{enrol_url(workshop_date)}"' in html
    assert "2 freie Plätze" in html
    assert "Mich anmelden" not in html
    assert ONLINE not in html


def test_employee_of_a_self_enrolling_firm_gets_a_form(client, series, workshop_date, firm):
    firm.allow_self_enrolment = True
    firm.save()
    employee = PersonFactory(firm=firm, with_account=True)
    client.force_login(employee.user)
    html = text(client.get(series.url))
    assert f'action="{reverse("enrolment:self", args=[workshop_date.pk])}"' in html
    assert "Mich anmelden" in html
    assert f'href="{enrol_url(workshop_date)}"' not in html


def test_employee_without_self_enrolment_gets_a_hint(client, series, workshop_date, firm):
    employee = PersonFactory(firm=firm, with_account=True)
    client.force_login(employee.user)
    html = text(client.get(series.url))
    assert "Mich anmelden" not in html
    assert "Die Anmeldung übernimmt die Firmenadministration" in html


def test_date_after_the_deadline_offers_no_button(client, series, admin):
    late = WorkshopDateFactory(
        series=series, enrolment_deadline=timezone.now() - timedelta(hours=1)
    )
    client.force_login(admin.user)
    html = text(client.get(series.url))
    assert f'id="termin-{late.pk}"' in html
    assert "Der Anmeldeschluss ist vorbei." in html
    assert enrol_url(late) not in html


def add_dates(series, firm, count):
    for _ in range(count):
        workshop_date = WorkshopDateFactory(series=series, parts=2, capacity=1)
        EnrolmentFactory(date=workshop_date, person__firm=firm)
        EnrolmentFactory(date=workshop_date, status=Status.WAITLISTED)


@pytest.mark.parametrize("who", ["anonymous", "admin", "employee"])
def test_series_page_queries_do_not_grow(
    client, series, firm, admin, who, django_assert_max_num_queries
):
    if who == "admin":
        client.force_login(admin.user)
    elif who == "employee":
        firm.allow_self_enrolment = True
        firm.save()
        client.force_login(PersonFactory(firm=firm, with_account=True).user)
    add_dates(series, firm, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(series.url).status_code == 200
    add_dates(series, firm, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(series.url)
    assert text(response).count('id="termin-') == 10


# --- Firm enrol page ----------------------------------------------------------------------------


def test_admin_enrols_three_employees_at_once(client, workshop_date, firm, admin):
    anna, bernd, clara = employees(firm, "Anna", "Bernd", "Clara")
    client.force_login(admin.user)
    page = text(client.get(enrol_url(workshop_date)))
    for person in (anna, bernd, clara, admin):
        assert f'<label for="person-{person.pk}">' in page
    assert "<legend>" in page

    response = client.post(enrol_url(workshop_date), {"person": [anna.pk, bernd.pk, clara.pk]})
    assert response.status_code == 302
    assert response.url.startswith(reverse("enrolment:result", args=[workshop_date.pk]))
    result = client.get(response.url)
    html = text(result)
    assert "<h1>Anmeldung teilweise bestätigt</h1>" in html
    assert "2 Personen haben einen bestätigten Platz. 1 Person steht auf der Warteliste." in html
    assert result_lists(result) == (
        ["Anna Aigner · In Kalender eintragen", "Bernd Aigner · In Kalender eintragen"],
        ["Clara Aigner: Warteliste, Platz 1"],
    )
    statuses = dict(Enrolment.objects.values_list("person__first_name", "status"))
    assert statuses == {
        "Anna": Status.CONFIRMED,
        "Bernd": Status.CONFIRMED,
        "Clara": Status.WAITLISTED,
    }

    again = text(client.get(enrol_url(workshop_date)))
    assert f'id="person-{clara.pk}"' not in again
    assert "Clara Aigner: Warteliste, Platz 1" in again


def result_lists(response):
    """The result page's two lists: who has a seat, who waits (visible text of each)."""
    page = BeautifulSoup(response.content, "html.parser")
    for hidden in page.select(".visually-hidden"):
        hidden.decompose()

    def entries(heading_id):
        heading = page.find(id=heading_id)
        if heading is None:
            return []
        return [
            " ".join(li.get_text(" ", strip=True).split())
            for li in heading.find_parent("section").select("li")
        ]

    return entries("seated-title"), entries("waiting-title")


def test_the_form_says_how_many_seats_the_firm_still_has(client, series, firm, admin):
    date = WorkshopDateFactory(series=series, capacity=10, firm_limit=3)
    EnrolmentFactory(date=date, person=employees(firm, "Anna")[0], status=Status.CONFIRMED)
    EnrolmentFactory(date=date, status=Status.CONFIRMED)  # another firm's seat
    client.force_login(admin.user)

    page = text(client.get(enrol_url(date)))
    assert (
        "Für Kessler Feinmechanik GmbH sind noch 2 Plätze frei. (Höchstens 3 je "
        "Unternehmen; 1 davon belegt.)"
    ) in page

    EnrolmentFactory(date=date, person=employees(firm, "Bernd")[0], status=Status.OFFERED)
    page = text(client.get(enrol_url(date)))
    assert "Für Kessler Feinmechanik GmbH ist noch 1 Platz frei." in page

    EnrolmentFactory(date=date, person=employees(firm, "Clara")[0], status=Status.CONFIRMED)
    page = text(client.get(enrol_url(date)))
    assert (
        "Für Kessler Feinmechanik GmbH ist zurzeit kein Platz frei. Wen Sie jetzt "
        "anmelden, kommt auf die Warteliste."
    ) in page


def test_when_nobody_gets_a_seat_the_result_does_not_say_done(client, series, firm, admin):
    date = WorkshopDateFactory(series=series, capacity=1)
    EnrolmentFactory(date=date, status=Status.CONFIRMED)
    anna, bernd = employees(firm, "Anna", "Bernd")
    client.force_login(admin.user)

    response = client.post(enrol_url(date), {"person": [anna.pk, bernd.pk]}, follow=True)

    html = text(response)
    assert "<h1>Kein Platz frei: auf der Warteliste</h1>" in html
    assert "abgeschlossen" not in html
    assert "In Kalender eintragen" not in html
    assert result_lists(response) == (
        [],
        ["Anna Aigner: Warteliste, Platz 1", "Bernd Aigner: Warteliste, Platz 2"],
    )


def test_when_everyone_gets_a_seat_the_result_says_so(client, workshop_date, firm, admin):
    [anna] = employees(firm, "Anna")
    client.force_login(admin.user)

    response = client.post(enrol_url(workshop_date), {"person": [anna.pk]}, follow=True)

    assert "<h1>Anmeldung abgeschlossen: alle haben einen Platz</h1>" in text(response)
    [enrolment] = Enrolment.objects.all()
    page = BeautifulSoup(response.content, "html.parser")
    [link] = page.select("a[download]")
    assert link["href"] == reverse("calendar:enrolment", args=[enrolment.pk])


def test_calendar_links_only_for_confirmed_seats(client, workshop_date, firm, admin):
    seat, waiting = employees(firm, "Anna", "Bernd")
    confirmed = EnrolmentFactory(date=workshop_date, person=seat, status=Status.CONFIRMED)
    waits = EnrolmentFactory(date=workshop_date, person=waiting, status=Status.WAITLISTED)
    client.force_login(admin.user)

    html = client.get(reverse("enrolment:firm")).content.decode()
    assert reverse("calendar:enrolment", args=[confirmed.pk]) in html
    assert reverse("calendar:enrolment", args=[waits.pk]) not in html

    waiting.user = UserFactory(email="bernd.aigner@firma.example")
    waiting.save()
    client.force_login(waiting.user)
    mine = client.get(reverse("enrolment:mine")).content.decode()
    assert "Einstieg in die Robotik" in mine
    assert "In Kalender eintragen" not in mine


def test_another_firms_person_is_not_found_and_nothing_is_saved(client, workshop_date, firm, admin):
    (own,) = employees(firm, "Anna")
    stranger = PersonFactory(first_name="Fremd")
    client.force_login(admin.user)
    response = client.post(enrol_url(workshop_date), {"person": [own.pk, stranger.pk]})
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_person_who_left_is_not_offered_and_refused(client, workshop_date, firm, admin):
    gone = PersonFactory(
        firm=firm, first_name="Gerd", last_name="Gegangen", left_on=date(2025, 1, 31)
    )
    (anna,) = employees(firm, "Anna")
    client.force_login(admin.user)
    assert f'id="person-{gone.pk}"' not in text(client.get(enrol_url(workshop_date)))

    response = client.post(enrol_url(workshop_date), {"person": [anna.pk, gone.pk]})
    html = text(response)
    assert response.status_code == 400
    assert "Gerd Gegangen ist nicht mehr im Unternehmen" in html
    assert 'role="alert"' in html
    assert not Enrolment.objects.exists()


def test_deadline_passed_keeps_the_ticked_boxes(client, series, firm, admin):
    late = WorkshopDateFactory(
        series=series, enrolment_deadline=timezone.now() - timedelta(hours=1)
    )
    anna, bernd = employees(firm, "Anna", "Bernd")
    client.force_login(admin.user)
    response = client.post(enrol_url(late), {"person": [anna.pk]})
    html = text(response)
    assert response.status_code == 400
    assert "Der Anmeldeschluss für diesen Termin ist vorbei." in html
    assert f'id="person-{anna.pk}" checked' in html
    assert f'id="person-{bernd.pk}">' in html
    assert not Enrolment.objects.exists()


def test_empty_selection_asks_for_a_person(client, workshop_date, firm, admin):
    employees(firm, "Anna")
    client.force_login(admin.user)
    response = client.post(enrol_url(workshop_date), {})
    assert response.status_code == 400
    assert "Bitte wählen Sie mindestens eine Person aus." in text(response)


def test_double_submit_enrols_once(client, workshop_date, firm, admin):
    (anna,) = employees(firm, "Anna")
    client.force_login(admin.user)
    assert client.post(enrol_url(workshop_date), {"person": [anna.pk]}).status_code == 302
    response = client.post(enrol_url(workshop_date), {"person": [anna.pk]})
    assert response.status_code == 400
    assert "Anna Aigner ist für diesen Termin bereits angemeldet." in text(response)
    assert Enrolment.objects.count() == 1


def test_enrol_page_access(client, series, workshop_date, firm):
    assert client.get(enrol_url(workshop_date)).status_code == 302
    employee = PersonFactory(firm=firm, with_account=True)
    client.force_login(employee.user)
    assert client.get(enrol_url(workshop_date)).status_code == 403
    contact = PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True)
    client.force_login(contact.user)
    assert client.get(enrol_url(workshop_date)).status_code == 200
    cancelled = WorkshopDateFactory(series=series, status=WorkshopDate.Status.CANCELLED)
    assert client.get(enrol_url(cancelled)).status_code == 404
    assert client.get(reverse("enrolment:enrol", args=[999999])).status_code == 404


# --- Self-enrolment ---------------------------------------------------------------------------


def test_employee_enrols_themself_when_the_firm_allows_it(client, workshop_date, firm):
    firm.allow_self_enrolment = True
    firm.save()
    employee = PersonFactory(firm=firm, with_account=True, first_name="Selma")
    client.force_login(employee.user)
    response = client.post(reverse("enrolment:self", args=[workshop_date.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("enrolment:mine")
    html = text(response)
    assert "Sie sind für den Termin angemeldet." in html
    assert "Einstieg in die Robotik" in html
    assert Enrolment.objects.get().person == employee


def test_self_enrolment_is_refused_when_the_firm_does_not_allow_it(client, workshop_date, firm):
    employee = PersonFactory(firm=firm, with_account=True)
    client.force_login(employee.user)
    response = client.post(reverse("enrolment:self", args=[workshop_date.pk]))
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


# --- Own and firm lists, cancel, accept, decline -------------------------------------------------


def test_online_link_only_for_confirmed_participants(client, workshop_date, firm):
    confirmed = PersonFactory(firm=firm, with_account=True)
    waiting = PersonFactory(firm=firm, with_account=True)
    EnrolmentFactory(date=workshop_date, person=confirmed)
    EnrolmentFactory(date=workshop_date, person=waiting, status=Status.WAITLISTED)
    client.force_login(confirmed.user)
    assert ONLINE in text(client.get(reverse("enrolment:mine")))
    client.force_login(waiting.user)
    html = text(client.get(reverse("enrolment:mine")))
    assert "Warteliste, Platz 1" in html
    assert ONLINE not in html


def test_participant_cancels_and_the_seat_is_offered_on(client, workshop_date, firm):
    anna = PersonFactory(firm=firm, with_account=True)
    enrolment = EnrolmentFactory(date=workshop_date, person=anna)
    EnrolmentFactory(date=workshop_date)
    waiting = EnrolmentFactory(date=workshop_date, status=Status.WAITLISTED)
    client.force_login(anna.user)
    url = reverse("enrolment:cancel", args=[enrolment.pk])
    assert f'href="{url}?next=' in text(client.get(reverse("enrolment:mine")))
    confirm = text(client.get(url))
    assert "wirklich stornieren" in confirm
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CONFIRMED

    response = client.post(url, {"next": reverse("enrolment:mine")}, follow=True)
    assert "ist storniert" in text(response)
    enrolment.refresh_from_db()
    waiting.refresh_from_db()
    assert enrolment.status == Status.CANCELLED
    assert waiting.status == Status.OFFERED


def test_admin_accepts_and_declines_offers_from_the_firm_list(client, workshop_date, firm, admin):
    anna, bernd = employees(firm, "Anna", "Bernd")
    expires = timezone.now() + timedelta(hours=48)
    first = EnrolmentFactory(
        date=workshop_date, person=anna, status=Status.OFFERED, offer_expires_at=expires
    )
    second = EnrolmentFactory(
        date=workshop_date, person=bernd, status=Status.OFFERED, offer_expires_at=expires
    )
    client.force_login(admin.user)
    html = text(client.get(reverse("enrolment:firm")))
    assert "Nachrückplatz angeboten" in html
    assert reverse("enrolment:accept", args=[first.pk]) in html

    response = client.post(
        reverse("enrolment:accept", args=[first.pk]), {"next": reverse("enrolment:firm")}
    )
    assert response.url == reverse("enrolment:firm")
    response = client.post(reverse("enrolment:decline", args=[second.pk]), follow=True)
    assert "ist abgelehnt" in text(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.CONFIRMED
    assert second.status == Status.DECLINED


def test_expired_offer_cannot_be_accepted(client, workshop_date, firm):
    anna = PersonFactory(firm=firm, with_account=True)
    offer = EnrolmentFactory(
        date=workshop_date,
        person=anna,
        status=Status.OFFERED,
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(anna.user)
    response = client.post(reverse("enrolment:accept", args=[offer.pk]), follow=True)
    assert "Das Platzangebot ist leider abgelaufen" in text(response)
    offer.refresh_from_db()
    assert offer.status == Status.EXPIRED


def test_another_firms_enrolment_is_not_found(client, workshop_date, admin):
    foreign = EnrolmentFactory(
        date=workshop_date,
        status=Status.OFFERED,
        offer_expires_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(admin.user)
    for name in ("cancel", "accept", "decline"):
        assert client.post(reverse(f"enrolment:{name}", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("enrolment:cancel", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.OFFERED


def test_firm_list_shows_only_the_own_firm(client, workshop_date, firm, admin):
    anna, bernd = employees(firm, "Anna", "Bernd")
    EnrolmentFactory(date=workshop_date, person=anna)
    EnrolmentFactory(date=workshop_date, person__first_name="Fremdling")
    EnrolmentFactory(date=workshop_date, person=bernd, status=Status.WAITLISTED)
    client.force_login(admin.user)
    html = text(client.get(reverse("enrolment:firm")))
    assert "Anna Aigner" in html
    assert "Warteliste, Platz 1" in html
    assert "Fremdling" not in html


def test_firm_list_is_for_admins_and_contacts(client, firm):
    employee = PersonFactory(firm=firm, with_account=True)
    client.force_login(employee.user)
    assert client.get(reverse("enrolment:firm")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("enrolment:mine")).status_code == 200


def add_firm_enrolments(firm, series, count):
    for _ in range(count):
        workshop_date = WorkshopDateFactory(series=series, parts=2, capacity=1)
        EnrolmentFactory(date=workshop_date, person__firm=firm)
        EnrolmentFactory(date=workshop_date, person__firm=firm, status=Status.WAITLISTED)


def test_firm_list_queries_do_not_grow(client, series, firm, admin, django_assert_max_num_queries):
    client.force_login(admin.user)
    add_firm_enrolments(firm, series, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("enrolment:firm")).status_code == 200
    add_firm_enrolments(firm, series, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("enrolment:firm"))
    assert text(response).count("Warteliste, Platz 1") == 10


def test_links_from_the_dashboard_and_the_account_pages(client, admin):
    client.force_login(admin.user)
    assert f'href="{reverse("enrolment:firm")}"' in text(client.get(reverse("members:dashboard")))
    assert f'href="{reverse("enrolment:mine")}"' in text(client.get(reverse("account_email")))
