"""Staff operations on workshop dates in the Wagtail admin: validation, reschedule,
cancelling a date, and the participant page with its overrides."""

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import (
    BERLIN,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    default_start,
)
from workshops.models import DatePart, Enrolment, EnrolmentLog, WorkshopDate
from workshops.services import dates as date_service
from workshops.services.enrolment import EnrolmentError

pytestmark = pytest.mark.django_db

Status = Enrolment.Status


@pytest.fixture
def staff(client):
    user = UserFactory(superuser=True, totp=True)
    client.force_login(user)
    client.user = user
    return client


def edit_url(date):
    return f"/admin/termine/edit/{date.pk}/"


def participants_url(date):
    return f"/admin/termine/{date.pk}/teilnehmende/"


def cancel_url(date):
    return f"/admin/termine/{date.pk}/absagen/"


def _value(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, BERLIN)
        return value.strftime("%Y-%m-%d %H:%M")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [getattr(item, "pk", item) for item in value]
    return getattr(value, "pk", value)


def form_data(form):
    """The POST data of an unbound admin form as the browser would send it back."""
    data = {}
    for field in form:
        data[field.html_name] = _value(field.value())
    for formset in form.formsets.values():
        for field in formset.management_form:
            data[field.html_name] = _value(field.value())
        for child in formset.forms:
            for field in child:
                data[field.html_name] = _value(field.value())
    return {key: value for key, value in data.items() if value not in ("", [])}


def edit_data(client, date, **changes):
    response = client.get(edit_url(date))
    assert response.status_code == 200
    data = form_data(response.context["form"])
    for key, value in changes.items():
        data[key] = _value(value)
    return data


def post_edit(client, date, **changes):
    return client.post(edit_url(date), edit_data(client, date, **changes))


def at(days, hour):
    start = default_start()
    return start.replace(hour=hour) + timedelta(days=days)


# --- Validation -----------------------------------------------------------------------------


def test_the_edit_form_round_trips_unchanged(staff):
    date = WorkshopDateFactory(parts=2)
    response = post_edit(staff, date)
    assert response.status_code == 302, response.context["form"].errors
    date.refresh_from_db()
    assert date.sequence == 0
    assert date.parts.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"parts-0-ends_at": at(0, 8)},
            "Das Ende muss nach dem Beginn liegen.",
        ),
        (
            {"parts-1-starts_at": at(0, 12), "parts-1-ends_at": at(0, 18)},
            "Dieser Teil überschneidet sich mit dem Teil von",
        ),
        ({"capacity": -1}, "Bitte geben Sie eine Zahl ab 0 ein."),
        (
            {"firm_limit": 13},
            "Die Plätze je Unternehmen dürfen nicht höher sein als die Zahl der Plätze (12).",
        ),
        (
            {"enrolment_deadline": at(0, 10)},
            "Der Anmeldeschluss muss vor dem Beginn des ersten Teils",
        ),
        (
            {"cancellation_deadline": at(1, 9)},
            "Die Stornofrist muss vor dem Beginn des ersten Teils",
        ),
        (
            {"status": "cancelled"},
            "Bitte sagen Sie den Termin über „Termin absagen“ ab",
        ),
        (
            {"parts-0-DELETE": "1", "parts-1-DELETE": "1"},
            "Ein Termin braucht mindestens einen Teil mit Beginn und Ende.",
        ),
    ],
    ids=[
        "end-before-start",
        "overlap",
        "negative-capacity",
        "limit-above-capacity",
        "enrolment-deadline",
        "cancellation-deadline",
        "cancel-via-form",
        "no-parts",
    ],
)
def test_bad_input_shows_a_german_message_and_saves_nothing(staff, changes, message):
    """One clear message per mistake, the typed values kept, nothing stored."""
    date = WorkshopDateFactory(parts=2, venue_city="Reutlingen")
    parts_before = list(date.parts.order_by("starts_at").values_list("starts_at", "ends_at"))
    changes = {"venue_city": "Tübingen", **changes}

    response = post_edit(staff, date, **changes)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(message) == 1
    assert "Constraint" not in html
    # What was typed stays in the form.
    assert 'value="Tübingen"' in html
    date.refresh_from_db()
    assert date.venue_city == "Reutlingen"
    assert date.capacity == 12 and date.firm_limit is None and date.sequence == 0
    assert date.status == WorkshopDate.Status.OPEN
    assert (
        list(date.parts.order_by("starts_at").values_list("starts_at", "ends_at")) == parts_before
    )


def test_capacity_below_the_seats_taken_is_refused_in_the_edit_form(staff):
    date = WorkshopDateFactory(capacity=3)
    EnrolmentFactory.create_batch(3, date=date)
    response = post_edit(staff, date, capacity=2)
    assert response.status_code == 200
    assert "Es sind 3 Plätze vergeben." in response.content.decode()
    date.refresh_from_db()
    assert date.capacity == 3
    assert Enrolment.objects.filter(date=date, status=Status.CONFIRMED).count() == 3


def test_a_new_date_with_valid_parts_is_created(staff):
    series = WorkshopSeriesPageFactory()
    response = staff.get("/admin/termine/new/")
    data = form_data(response.context["form"])
    data.update(
        {
            "series": series.pk,
            "status": "open",
            "capacity": 10,
            "offer_hours": 48,
            "enrolment_deadline": _value(at(-7, 9)),
            "cancellation_deadline": _value(at(-3, 9)),
            "parts-TOTAL_FORMS": 2,
            "parts-0-starts_at": _value(at(0, 9)),
            "parts-0-ends_at": _value(at(0, 12)),
            "parts-1-starts_at": _value(at(0, 13)),
            "parts-1-ends_at": _value(at(0, 16)),
            "parts-0-ORDER": 1,
            "parts-1-ORDER": 2,
        }
    )
    response = staff.post("/admin/termine/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    date = WorkshopDate.objects.get(series=series)
    assert date.parts.count() == 2


# --- Reschedule -----------------------------------------------------------------------------


def test_moving_a_part_raises_the_sequence_and_keeps_the_seats(staff):
    date = WorkshopDateFactory(parts=2, capacity=2)
    seats = EnrolmentFactory.create_batch(2, date=date)
    waiting = EnrolmentFactory(date=date, status=Status.WAITLISTED)

    response = post_edit(
        staff, date, **{"parts-1-starts_at": at(8, 10), "parts-1-ends_at": at(8, 15)}
    )

    assert response.status_code == 302
    date.refresh_from_db()
    assert date.sequence == 1
    assert DatePart.objects.filter(date=date, starts_at=at(8, 10)).exists()
    for enrolment in [*seats, waiting]:
        old_status = enrolment.status
        enrolment.refresh_from_db()
        assert enrolment.status == old_status
    assert not EnrolmentLog.objects.filter(enrolment__date=date).exists()


def test_a_new_venue_or_online_link_raises_the_sequence(staff):
    date = WorkshopDateFactory()
    post_edit(staff, date, venue_street="Neue Straße 1")
    date.refresh_from_db()
    assert date.sequence == 1
    post_edit(staff, date, online_url="https://meet.example.org/robotik")
    date.refresh_from_db()
    assert date.sequence == 2


def test_other_changes_leave_the_sequence_alone(staff):
    date = WorkshopDateFactory()
    post_edit(staff, date, venue_accessibility="Aufzug vorhanden", offer_hours=24)
    date.refresh_from_db()
    assert date.offer_hours == 24
    assert date.sequence == 0


def test_more_seats_in_the_edit_form_go_to_the_waiting_list(staff):
    date = WorkshopDateFactory(capacity=1)
    EnrolmentFactory(date=date)
    waiting = EnrolmentFactory(date=date, status=Status.WAITLISTED)
    assert post_edit(staff, date, capacity=2).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED


# --- Cancelling a date ----------------------------------------------------------------------


def test_cancelling_a_date_cancels_every_active_enrolment_with_a_log(staff):
    date = WorkshopDateFactory(capacity=2)
    confirmed = EnrolmentFactory(date=date)
    offered = EnrolmentFactory(
        date=date, status=Status.OFFERED, offer_expires_at=timezone.now() + timedelta(hours=5)
    )
    waiting = EnrolmentFactory(date=date, status=Status.WAITLISTED)
    declined = EnrolmentFactory(date=date, status=Status.DECLINED)

    page = staff.get(cancel_url(date))
    assert page.status_code == 200
    assert "1 bestätigte Anmeldung wird storniert" in page.content.decode()

    response = staff.post(cancel_url(date), {"reason": "Trainer erkrankt"})
    assert response.status_code == 302
    date.refresh_from_db()
    assert date.status == WorkshopDate.Status.CANCELLED
    assert date.sequence == 1
    for enrolment, before in (
        (confirmed, "confirmed"),
        (offered, "offered"),
        (waiting, "waitlisted"),
    ):
        enrolment.refresh_from_db()
        assert enrolment.status == Status.CANCELLED
        log = enrolment.log.get()
        assert (log.from_status, log.to_status, log.reason, log.by_user) == (
            before,
            "cancelled",
            "Trainer erkrankt",
            staff.user,
        )
    declined.refresh_from_db()
    assert declined.status == Status.DECLINED

    log_page = staff.get(participants_url(date)).content.decode()
    assert "Dieser Termin wurde abgesagt." in log_page
    assert log_page.count("Trainer erkrankt") == 3


def test_cancelling_a_date_needs_a_reason(staff):
    date = WorkshopDateFactory()
    enrolment = EnrolmentFactory(date=date)
    response = staff.post(cancel_url(date), {"reason": "  "})
    assert response.status_code == 200
    assert "Bitte geben Sie einen Grund für die Absage an." in response.content.decode()
    date.refresh_from_db()
    enrolment.refresh_from_db()
    assert date.status == WorkshopDate.Status.OPEN and date.sequence == 0
    assert enrolment.status == Status.CONFIRMED


def test_cancelling_twice_is_refused():
    staff_user = UserFactory(staff=True)
    date = WorkshopDateFactory()
    date_service.cancel_date(date.pk, staff_user, "Zu wenige Anmeldungen")
    with pytest.raises(EnrolmentError) as error:
        date_service.cancel_date(date.pk, staff_user, "noch einmal")
    assert error.value.message == "Dieser Termin ist bereits abgesagt."
    date.refresh_from_db()
    assert date.sequence == 1


def test_the_date_pages_link_to_participants_and_cancelling(staff):
    date = WorkshopDateFactory()
    for url in (edit_url(date), "/admin/termine/"):
        html = staff.get(url).content.decode()
        assert participants_url(date) in html, url
        assert cancel_url(date) in html, url


# --- The participant page -------------------------------------------------------------------


def test_participant_page_lists_everyone_and_the_log(staff):
    date = WorkshopDateFactory(capacity=1)
    confirmed = EnrolmentFactory(
        date=date,
        person__first_name="Aylin",
        person__last_name="Öztürk",
        person__firm__name="Kessler GmbH",
    )
    first = EnrolmentFactory(date=date, status=Status.WAITLISTED, person__last_name="Erste")
    second = EnrolmentFactory(
        date=date,
        status=Status.WAITLISTED,
        person__last_name="Zweite",
        created_at=first.created_at + timedelta(minutes=1),
    )
    EnrolmentLog.objects.create(
        enrolment=confirmed, from_status="", to_status="confirmed", reason="Anmeldung per Telefon"
    )

    response = staff.get(participants_url(date))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aylin Öztürk" in html and "Kessler GmbH" in html
    assert "Anmeldung per Telefon" in html
    waitlist = [e.pk for e in response.context["waitlisted"]]
    assert waitlist == [first.pk, second.pk]
    assert [e.waitlist_position for e in response.context["waitlisted"]] == [1, 2]
    assert html.count("<h1") == 1


def test_lowering_capacity_below_the_seats_requires_choosing(staff):
    date = WorkshopDateFactory(capacity=3)
    keep, lose, other = EnrolmentFactory.create_batch(3, date=date)

    response = staff.post(participants_url(date), {"action": "capacity", "capacity-capacity": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wählen Sie aus, wer seinen Platz verliert" in html
    assert 'value="2"' in html
    date.refresh_from_db()
    assert date.capacity == 3

    response = staff.post(
        participants_url(date),
        {
            "action": "capacity",
            "capacity-capacity": 2,
            "capacity-cancel": [lose.pk],
            "capacity-reason": "Raum kleiner",
        },
    )
    assert response.status_code == 302
    date.refresh_from_db()
    lose.refresh_from_db()
    assert date.capacity == 2
    assert lose.status == Status.CANCELLED
    assert lose.log.get().reason == "Raum kleiner"


def test_staff_add_over_capacity_is_logged(staff):
    date = WorkshopDateFactory(capacity=1)
    EnrolmentFactory(date=date)
    person = PersonFactory(firm=FirmFactory())

    missing_reason = staff.post(participants_url(date), {"action": "add", "add-person": person.pk})
    assert "Bitte geben Sie einen Grund an." in missing_reason.content.decode()
    assert not Enrolment.objects.filter(person=person).exists()

    response = staff.post(
        participants_url(date),
        {
            "action": "add",
            "add-person": person.pk,
            "add-reason": "Ersatz für Kollegin",
        },
    )
    assert response.status_code == 302
    added = Enrolment.objects.get(person=person, date=date)
    assert added.status == Status.CONFIRMED
    log = added.log.get()
    assert (log.by_user, log.reason) == (staff.user, "Ersatz für Kollegin")

    again = staff.post(
        participants_url(date),
        {
            "action": "add",
            "add-person": person.pk,
            "add-reason": "doppelt",
        },
    )
    assert "ist für diesen Termin bereits angemeldet" in again.content.decode()


def test_move_to_another_date_of_the_series_is_logged(staff):
    date = WorkshopDateFactory()
    later = WorkshopDateFactory(series=date.series, starts_at=default_start() + timedelta(days=14))
    WorkshopDateFactory()  # another series: not offered as a target
    enrolment = EnrolmentFactory(date=date)

    page = staff.get(participants_url(date))
    assert list(page.context["move_form"].fields["target"].queryset) == [later]

    response = staff.post(
        participants_url(date),
        {
            "action": "move",
            "move-enrolment": enrolment.pk,
            "move-target": later.pk,
            "move-reason": "Terminkonflikt",
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CANCELLED
    moved = Enrolment.objects.get(date=later, person=enrolment.person)
    assert moved.status == Status.CONFIRMED
    assert enrolment.log.get().reason == moved.log.get().reason == "Terminkonflikt"


def test_move_needs_a_reason_and_keeps_the_input(staff):
    date = WorkshopDateFactory()
    later = WorkshopDateFactory(series=date.series)
    enrolment = EnrolmentFactory(date=date)
    response = staff.post(
        participants_url(date),
        {
            "action": "move",
            "move-enrolment": enrolment.pk,
            "move-target": later.pk,
        },
    )
    assert response.status_code == 200
    assert "Bitte geben Sie einen Grund an." in response.content.decode()
    assert response.context["move_form"]["target"].value() == str(later.pk)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CONFIRMED


def _fill(date, count):
    series = date.series
    for index in range(count):
        enrolment = EnrolmentFactory(
            date=date, status=Status.WAITLISTED if index % 2 else Status.CONFIRMED
        )
        EnrolmentLog.objects.create(enrolment=enrolment, to_status=enrolment.status)
        WorkshopDateFactory(series=series, parts=2)


def test_participant_page_queries_stay_flat(staff, django_assert_max_num_queries):
    date = WorkshopDateFactory(capacity=50, parts=3)
    _fill(date, 2)
    with django_assert_max_num_queries(40) as small:
        staff.get(participants_url(date))
    _fill(date, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = staff.get(participants_url(date))
    assert len(response.context["confirmed"]) == 7


# --- Who may see these pages ----------------------------------------------------------------


def test_non_staff_cannot_reach_any_of_these_views(client):
    date = WorkshopDateFactory()
    enrolment = EnrolmentFactory(date=date)
    firm_admin = PersonFactory(admin=True, firm=enrolment.person.firm).user
    no_admin_access = UserFactory(staff=True, totp=True)
    admin_only = UserFactory(staff=True, totp=True)
    admin_only.user_permissions.add(Permission.objects.get(codename="access_admin"))
    urls = [participants_url(date), cancel_url(date), edit_url(date)]

    for user in (None, firm_admin, no_admin_access, admin_only):
        if user is not None:
            client.force_login(user)
        for url in urls:
            assert client.get(url).status_code in (302, 403), (user, url)
            response = client.post(
                url, {"reason": "weg damit", "action": "capacity", "capacity-capacity": 0}
            )
            assert response.status_code in (302, 403), (user, url)
        client.logout()
    date.refresh_from_db()
    enrolment.refresh_from_db()
    assert date.status == WorkshopDate.Status.OPEN and date.capacity == 12
    assert enrolment.status == Status.CONFIRMED


# --- Getting there and the page's actions -------------------------------------------------


def test_teilnehmende_is_one_click_from_the_dates_list_and_the_edit_view(staff):
    date = WorkshopDateFactory()

    listing = BeautifulSoup(staff.get("/admin/termine/").content, "html.parser")
    [link] = listing.select(f'a[href="{participants_url(date)}"]')
    # A button of its own in the row, not hidden in the "more" menu.
    assert link.find_parent(attrs={"data-controller": "w-dropdown"}) is None
    assert "Teilnehmende" in link.get_text()

    edit = BeautifulSoup(staff.get(edit_url(date)).content, "html.parser")
    [link] = edit.select(f'a[href="{participants_url(date)}"]')
    assert link.find_parent(attrs={"data-controller": "w-dropdown"}) is None
    assert "w-header-button" in link["class"]


def test_the_participant_page_actions_use_wagtails_button_markup(staff):
    date = WorkshopDateFactory()
    page = BeautifulSoup(staff.get(participants_url(date)).content, "html.parser")

    labels = {
        "Teilnehmendenliste (CSV)": f"/teilnahme/termine/{date.pk}/teilnehmende.csv",
        "Teilnehmendenliste (Excel)": f"/teilnahme/termine/{date.pk}/teilnehmende.xlsx",
        "Unterschriftenliste (PDF)": None,
        "Anwesenheit erfassen": None,
    }
    for label, url in labels.items():
        [link] = [a for a in page.select("a.button") if a.get_text(strip=True) == label]
        assert {"button", "bicolor", "button--icon"} <= set(link["class"])
        # The icon sits in Wagtail's wrapper, which gives it its size.
        wrapper = link.select_one("span.icon-wrapper > svg.icon")
        assert wrapper is not None, link
        if url:
            assert link["href"] == url
        assert staff.get(link["href"]).status_code == 200
