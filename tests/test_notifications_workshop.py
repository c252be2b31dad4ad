"""Enrolment and date emails: written with the change, sent with the right content.

Each change writes its outbox row in its own transaction; delivering the row through a
locmem mail connection shows the email a participant would receive, with the calendar
invitation their mail program acts on.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from tasks.models import Notification
from tasks.services.outbox import deliver, rows_about
from tests.conftest import set_office
from tests.factories import (
    BERLIN,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
)
from tests.test_staff_operations import post_edit
from workshops.calendar import event_uid
from workshops.models import DatePart, Enrolment, EnrolmentLog
from workshops.services import dates as date_service
from workshops.services.enrolment import (
    EnrolmentError,
    accept_offer,
    cancel,
    enrol,
    expire_offers,
)
from workshops.services.notifications import Kind

pytestmark = pytest.mark.django_db

State = Notification.State
Status = Enrolment.Status

SITE = "https://verbund.example"
NOW = datetime(2027, 1, 4, 10, 0, tzinfo=BERLIN)  # a Monday
START = datetime(2027, 2, 1, 9, 0, tzinfo=BERLIN)  # Monday, four weeks later
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _office(settings):
    settings.SITE_URL = SITE
    set_office()


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def firm():
    return FirmFactory(allow_self_enrolment=True)


@pytest.fixture
def contact(firm):
    return PersonFactory(firm=firm, admin=True).user


@pytest.fixture
def staff():
    return UserFactory(staff=True)


def a_date(**kwargs):
    kwargs.setdefault("starts_at", START)
    if "series" not in kwargs:
        kwargs["series"] = WorkshopSeriesPageFactory(
            title="Einstieg in die Robotik & Automation",
            slug=f"einstieg-robotik-{WorkshopSeriesPageFactory._meta.next_sequence()}",
        )
    return WorkshopDateFactory(**kwargs)


def rows_of(enrolment, kind):
    return list(rows_about(enrolment).filter(kind=kind).order_by("pk"))


def the_row(enrolment, kind):
    rows = rows_of(enrolment, kind)
    assert len(rows) == 1, rows
    return rows[0]


def send(row):
    """Deliver one row through a locmem connection; returns (state, message or None)."""
    mail.outbox = []
    state = deliver(row.pk, get_connection(LOCMEM))
    return state, (mail.outbox[0] if mail.outbox else None)


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def calendar_parts(message):
    return [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]


def the_invitation(message, method):
    [part] = calendar_parts(message)
    assert part["Content-Type"] == f"text/calendar; method={method}; charset=UTF-8"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["METHOD"] == method
    return calendar


def events(calendar):
    return list(calendar.walk("VEVENT"))


# --- Written with the change -------------------------------------------------------------------


def test_enrolling_writes_one_confirmation_in_the_same_transaction(
    firm, contact, django_capture_on_commit_callbacks
):
    date = a_date()
    person = PersonFactory(firm=firm)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=contact)

    row = the_row(enrolment, Kind.ENROLMENT_CONFIRMED)
    log = EnrolmentLog.objects.get(enrolment=enrolment)
    assert row.person == person
    assert row.version == str(log.pk)
    assert row.state == State.PENDING
    assert row.due_at == timezone.now()
    # Handed to the worker only once the enrolment is committed.
    assert callbacks
    assert Notification.objects.get(pk=row.pk).enqueued_at is not None


def test_an_enrolment_that_rolls_back_leaves_no_email(firm, contact):
    date = a_date(capacity=1)
    first, second = PersonFactory(firm=firm), PersonFactory(firm=firm)

    with pytest.raises(EnrolmentError):
        # The second person finds no seat, so neither is enrolled.
        enrol(date_id=date.pk, person_ids=[first.pk, second.pk], by_user=contact, waitlist=False)

    assert not Enrolment.objects.exists()
    assert not Notification.objects.exists()

    with pytest.raises(RuntimeError), transaction.atomic():
        enrol(date_id=date.pk, person_ids=[first.pk], by_user=contact)
        raise RuntimeError("something later in the same request failed")

    assert not Notification.objects.exists()


# --- Confirmation ------------------------------------------------------------------------------


def test_confirmation_email_has_the_essentials_and_the_invitation(firm, contact):
    date = a_date(parts=2, online_url="https://meet.example.org/robotik")
    person = PersonFactory(
        firm=firm, first_name="Jana", last_name="Schäfer", email="jana@firma.example"
    )
    [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=contact)
    row = the_row(enrolment, Kind.ENROLMENT_CONFIRMED)

    state, message = send(row)

    assert state == State.SENT
    assert message.to == ["jana@firma.example"]
    assert message.from_email == (
        "Koordinierungsstelle Weiterbildungsverbund <buero@verbund.example>"
    )
    assert message.subject == (
        "Anmeldung bestätigt: Einstieg in die Robotik & Automation, Mo., 01.02.2027"
    )
    assert "List-Unsubscribe" not in message.extra_headers  # essential, no opt-out
    text = message.body
    assert "Guten Tag Jana Schäfer," in text
    assert "Einstieg in die Robotik & Automation" in text
    assert "Mo., 01.02.2027, 09:00–16:00 Uhr" in text
    assert "Mo., 08.02.2027, 09:00–16:00 Uhr" in text
    assert "Technologiezentrum, Gutenbergstraße 5, 72764 Reutlingen" in text
    assert "https://meet.example.org/robotik" in text
    assert f"{SITE}{date.series.url}" in text
    assert "Sie können kostenfrei stornieren bis Fr., 29.01.2027, 09:00 Uhr." in text
    assert f"{SITE}/anmeldung/{enrolment.pk}/stornieren/" in text
    assert "Marktplatz 1" in text and "07121 123456" in text
    html = html_of(message)
    assert '<html lang="de">' in html
    assert "Einstieg in die Robotik &amp; Automation" in html
    assert "Mo., 08.02.2027, 09:00–16:00 Uhr" in html
    assert f'href="{SITE}/anmeldung/{enrolment.pk}/stornieren/"' in html
    assert "mailto:buero@verbund.example" in html
    assert "<img" not in html and "<link" not in html and "<script" not in html

    calendar = the_invitation(message, "REQUEST")
    parts = list(date.parts.order_by("starts_at"))
    assert [str(event["UID"]) for event in events(calendar)] == [
        event_uid(date, part) for part in parts
    ]
    assert {event["SEQUENCE"] for event in events(calendar)} == {0}
    assert "jana@firma.example" in str(events(calendar)[0]["ATTENDEE"])


def test_confirmation_for_a_cancelled_seat_is_not_sent_with_an_invitation(firm, contact):
    date = a_date()
    person = PersonFactory(firm=firm)
    [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=contact)
    cancel(enrolment_id=enrolment.pk, by_user=contact)

    state, message = send(the_row(enrolment, Kind.ENROLMENT_CONFIRMED))

    assert (state, message) == (State.CANCELLED, None)
    state, message = send(the_row(enrolment, Kind.SEAT_CANCELLED))
    assert state == State.SENT
    the_invitation(message, "CANCEL")


def test_english_for_an_account_in_english(firm, contact):
    date = a_date()
    person = PersonFactory(firm=firm, with_account=True, first_name="Aylin", last_name="Öztürk")
    person.user.language = "en"
    person.user.save()
    [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=contact)
    row = the_row(enrolment, Kind.ENROLMENT_CONFIRMED)
    assert row.language == "en"

    _state, message = send(row)

    assert "Dear Aylin Öztürk," in message.body
    assert "Kind regards" in message.body
    assert "Mon, 01.02.2027, 09:00–16:00" in message.body
    assert '<html lang="en">' in html_of(message)


def test_an_erased_person_gets_nothing(firm, contact):
    date = a_date()
    person = PersonFactory(firm=firm)
    [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=contact)
    person.erased_at = timezone.now()
    person.save()

    state, message = send(the_row(enrolment, Kind.ENROLMENT_CONFIRMED))

    assert (state, message) == (State.CANCELLED, None)
    assert the_row(enrolment, Kind.ENROLMENT_CONFIRMED).state == State.CANCELLED


# --- Waiting list --------------------------------------------------------------------------


def test_waitlisted_person_learns_the_position_and_gets_no_invitation(firm, contact):
    date = a_date(capacity=1)
    people = [PersonFactory(firm=firm) for _ in range(3)]
    enrolments = enrol(date_id=date.pk, person_ids=[p.pk for p in people], by_user=contact)
    assert [e.status for e in enrolments] == [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert not rows_of(enrolments[2], Kind.ENROLMENT_CONFIRMED)

    state, message = send(the_row(enrolments[2], Kind.WAITLISTED))

    assert state == State.SENT
    assert message.subject.startswith("Warteliste: Einstieg in die Robotik")
    assert "Sie stehen auf der Warteliste, Platz 2." in message.body
    assert "innerhalb von 48 Stunden annehmen oder ablehnen" in message.body
    assert "Platz 2." in html_of(message)
    assert calendar_parts(message) == []
    assert not rows_of(enrolments[2], Kind.REMINDER)


def test_offer_email_names_the_deadline_and_where_to_answer(firm, contact):
    date = a_date(capacity=1, offer_hours=48)
    first, second = PersonFactory(firm=firm), PersonFactory(firm=firm)
    seat, waiting = enrol(date_id=date.pk, person_ids=[first.pk, second.pk], by_user=contact)

    cancel(enrolment_id=seat.pk, by_user=contact)

    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    state, message = send(the_row(waiting, Kind.WAITLIST_OFFER))
    assert state == State.SENT
    assert message.subject == ("Ein Platz ist frei geworden: Einstieg in die Robotik & Automation")
    # NOW + 48 hours: Wednesday 06.01.2027, 10:00 in Berlin.
    assert "bis Mi., 06.01.2027, 10:00 Uhr an oder lehnen Sie ihn ab" in message.body
    accept_link = re.search(r"Platz annehmen: (\S+)", message.body).group(1)
    decline_link = re.search(r"Platz ablehnen: (\S+)", message.body).group(1)
    assert accept_link.startswith(f"{SITE}/anmeldung/angebot/")
    assert accept_link.endswith("?aktion=annehmen")
    assert decline_link == accept_link.replace("annehmen", "ablehnen")
    assert f'href="{accept_link}"' in html_of(message)
    assert f'href="{decline_link}"' in html_of(message)
    assert calendar_parts(message) == []


def test_accepting_an_offer_sends_the_confirmation_with_the_invitation(firm, contact):
    date = a_date(capacity=1)
    first, second = PersonFactory(firm=firm), PersonFactory(firm=firm)
    seat, waiting = enrol(date_id=date.pk, person_ids=[first.pk, second.pk], by_user=contact)
    cancel(enrolment_id=seat.pk, by_user=contact)

    accept_offer(enrolment_id=waiting.pk, by_user=contact)

    state, message = send(the_row(waiting, Kind.ENROLMENT_CONFIRMED))
    assert state == State.SENT
    the_invitation(message, "REQUEST")
    # The offer was answered before it went out: it is not sent any more.
    assert send(the_row(waiting, Kind.WAITLIST_OFFER)) == (State.CANCELLED, None)


def test_an_offer_that_runs_out_is_announced(firm, contact, clock):
    date = a_date(capacity=1, offer_hours=24)
    first, second = PersonFactory(firm=firm), PersonFactory(firm=firm)
    seat, waiting = enrol(date_id=date.pk, person_ids=[first.pk, second.pk], by_user=contact)
    cancel(enrolment_id=seat.pk, by_user=contact)
    clock.move_to(NOW + timedelta(hours=25), tick=False)

    assert expire_offers() == 1

    state, message = send(the_row(waiting, Kind.OFFER_EXPIRED))
    assert state == State.SENT
    assert message.subject == "Nachrückplatz verfallen: Einstieg in die Robotik & Automation"
    assert "Das Angebot ist verfallen" in message.body
    assert calendar_parts(message) == []
    # An offer email still waiting would now be wrong: it is dropped at send time.
    assert send(the_row(waiting, Kind.WAITLIST_OFFER)) == (State.CANCELLED, None)


# --- Cancelling a seat ---------------------------------------------------------------------------


def test_cancelling_a_seat_sends_a_calendar_cancellation_once(firm, contact):
    date = a_date()
    person = PersonFactory(firm=firm)
    [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=contact)

    cancel(enrolment_id=enrolment.pk, by_user=contact)
    with pytest.raises(EnrolmentError):
        cancel(enrolment_id=enrolment.pk, by_user=contact)

    row = the_row(enrolment, Kind.SEAT_CANCELLED)
    state, message = send(row)
    assert state == State.SENT
    assert message.subject == (
        "Anmeldung storniert: Einstieg in die Robotik & Automation, Mo., 01.02.2027"
    )
    assert "Ihre Anmeldung für den folgenden Termin ist storniert." in message.body
    calendar = the_invitation(message, "CANCEL")
    [event] = events(calendar)
    assert str(event["UID"]) == event_uid(date, date.parts.get())
    assert event["STATUS"] == "CANCELLED"


def test_leaving_the_waiting_list_sends_no_calendar_cancellation(firm, contact):
    date = a_date(capacity=0)
    person = PersonFactory(firm=firm)
    [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=contact)

    cancel(enrolment_id=enrolment.pk, by_user=contact)

    state, message = send(the_row(enrolment, Kind.SEAT_CANCELLED))
    assert state == State.SENT
    assert calendar_parts(message) == []


def test_staff_cancelling_says_the_office_did_it(firm, staff):
    date = a_date()
    enrolment = enrol(date_id=date.pk, person_ids=[PersonFactory(firm=firm).pk], by_user=staff)[0]

    cancel(enrolment_id=enrolment.pk, by_user=staff, reason="Krank gemeldet")

    _state, message = send(the_row(enrolment, Kind.SEAT_CANCELLED))
    assert "Die Koordinierungsstelle hat Ihre Anmeldung" in message.body


# --- Changes to the whole date -----------------------------------------------------------------


def move_first_part(date, hours):
    before = date_service.snapshot(date.pk)
    part = date.parts.order_by("starts_at").first()
    DatePart.objects.filter(pk=part.pk).update(
        starts_at=part.starts_at + timedelta(hours=hours),
        ends_at=part.ends_at + timedelta(hours=hours),
    )
    return date_service.record_change(date, before)


def test_a_rescheduled_date_sends_an_update_with_a_higher_sequence(firm, contact):
    date = a_date(capacity=1)
    first, second = PersonFactory(firm=firm), PersonFactory(firm=firm)
    seat, waiting = enrol(date_id=date.pk, person_ids=[first.pk, second.pk], by_user=contact)

    assert move_first_part(date, 1)

    # The person waiting hears of it too (tests/test_emails_and_invites.py).
    assert the_row(waiting, Kind.DATE_RESCHEDULED).context["audience"] == Status.WAITLISTED
    row = the_row(seat, Kind.DATE_RESCHEDULED)
    assert row.version == "s1"
    state, message = send(row)
    assert state == State.SENT
    assert message.subject == (
        "Termin geändert: Einstieg in die Robotik & Automation, Mo., 01.02.2027"
    )
    assert "Mo., 01.02.2027, 10:00–17:00 Uhr" in message.body
    assert "Mo., 01.02.2027, 10:00–17:00 Uhr" in html_of(message)
    calendar = the_invitation(message, "REQUEST")
    [event] = events(calendar)
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == event_uid(date, date.parts.get())
    assert event.decoded("DTSTART") == datetime(2027, 2, 1, 10, 0, tzinfo=BERLIN)

    # Saving again without a change writes nothing more.
    assert not date_service.record_change(date, date_service.snapshot(date.pk))
    assert len(rows_of(seat, Kind.DATE_RESCHEDULED)) == 1


def test_a_reschedule_in_the_admin_writes_the_update(client, firm, contact):
    admin = UserFactory(superuser=True, totp=True)
    client.force_login(admin)
    date = a_date()
    [seat] = enrol(date_id=date.pk, person_ids=[PersonFactory(firm=firm).pk], by_user=contact)

    response = post_edit(client, date, venue_street="Neue Straße 1")

    assert response.status_code == 302
    _state, message = send(the_row(seat, Kind.DATE_RESCHEDULED))
    assert "Technologiezentrum, Neue Straße 1, 72764 Reutlingen" in message.body


def test_a_cancelled_date_tells_everyone_active_and_cancels_calendar_entries(firm, contact, staff):
    date = a_date(capacity=1)
    first, second = PersonFactory(firm=firm), PersonFactory(firm=firm)
    seat, waiting = enrol(date_id=date.pk, person_ids=[first.pk, second.pk], by_user=contact)
    earlier = EnrolmentFactory(date=date, status=Status.CANCELLED)

    date_service.cancel_date(date.pk, staff, "Trainer erkrankt")

    assert not rows_about(earlier).exists()
    seat_row = the_row(seat, Kind.DATE_CANCELLED)
    assert seat_row.version == "s1"
    state, message = send(seat_row)
    assert state == State.SENT
    assert message.subject == (
        "Termin abgesagt: Einstieg in die Robotik & Automation, Mo., 01.02.2027"
    )
    assert "Leider müssen wir den folgenden Termin absagen." in message.body
    [event] = events(the_invitation(message, "CANCEL"))
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CANCELLED"

    state, message = send(the_row(waiting, Kind.DATE_CANCELLED))
    assert state == State.SENT
    assert calendar_parts(message) == []
    # The earlier confirmation of the seat, had it not gone out yet, no longer fits.
    assert send(the_row(seat, Kind.ENROLMENT_CONFIRMED)) == (State.CANCELLED, None)


def test_date_changes_write_rows_in_a_fixed_number_of_queries(
    firm, staff, django_assert_max_num_queries
):
    small, large = a_date(capacity=50), a_date(capacity=50)
    EnrolmentFactory.create_batch(2, date=small, person__firm=firm)
    EnrolmentFactory.create_batch(12, date=large, person__firm=firm)

    with django_assert_max_num_queries(40) as few:
        move_first_part(small, 2)
        date_service.cancel_date(small.pk, staff, "Raum nicht verfügbar")
    with django_assert_max_num_queries(len(few.captured_queries)):
        move_first_part(large, 2)
        date_service.cancel_date(large.pk, staff, "Raum nicht verfügbar")

    assert Notification.objects.filter(kind=Kind.DATE_RESCHEDULED).count() == 14
    assert Notification.objects.filter(kind=Kind.DATE_CANCELLED).count() == 14


def test_a_renamed_series_sends_an_update_with_the_new_title(firm, contact):
    date = a_date()
    [seat] = enrol(date_id=date.pk, person_ids=[PersonFactory(firm=firm).pk], by_user=contact)
    series = date.series
    series.save_revision().publish()  # records the title participants know
    date.refresh_from_db()
    assert date.sequence == 0

    series.title = "Robotik in der Praxis"
    series.save_revision().publish()

    row = the_row(seat, Kind.DATE_RESCHEDULED)
    assert row.version == "s1"
    _state, message = send(row)
    assert message.subject == "Neuer Titel: Robotik in der Praxis, Mo., 01.02.2027"
    assert "hat einen neuen Titel" in message.body
    [event] = events(the_invitation(message, "REQUEST"))
    assert event["SUMMARY"] == "Robotik in der Praxis"
    assert event["SEQUENCE"] == 1


def test_without_an_address_the_enrolling_admin_gets_the_news_to_pass_on(firm, contact):
    date = a_date()
    worker = PersonFactory(firm=firm, email="", user=None, first_name="Ali", last_name="Demir")

    [enrolment] = enrol(date_id=date.pk, person_ids=[worker.pk], by_user=contact)

    row = the_row(enrolment, Kind.ENROLMENT_CONFIRMED)
    assert row.person is None and row.user == contact
    state, message = send(row)
    assert state == State.SENT
    assert message.to == [contact.email]
    assert message.subject.startswith("Für Ali Demir: Anmeldung bestätigt:")
    assert "Sie erhalten diese Nachricht für Ali Demir" in message.body
    assert "Ali Demir" in html_of(message)
    # The admin's own copy of the calendar entry: the colleague's name in the title and
    # UIDs of its own, so that several colleagues' seats stay apart in one calendar.
    [event] = events(the_invitation(message, "REQUEST"))
    assert str(event["SUMMARY"]) == "Einstieg in die Robotik & Automation – Ali Demir"
    assert str(event["UID"]).endswith(f"-person-{worker.pk}@verbund.example")
    assert str(event["ATTENDEE"]) == f"mailto:{contact.email}"
    # Reminders are not passed on: nobody gets a stream of other people's reminders.
    assert rows_of(enrolment, Kind.REMINDER) == []

    cancel(enrolment_id=enrolment.pk, by_user=contact)
    state, message = send(the_row(enrolment, Kind.SEAT_CANCELLED))
    assert state == State.SENT and message.to == [contact.email]
    [cancelled] = events(the_invitation(message, "CANCEL"))
    assert cancelled["UID"] == event["UID"] and cancelled["SEQUENCE"] == 1
