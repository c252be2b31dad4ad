"""Reminders before a workshop date: when they are due, and when they are not sent.

Reminders keep the start's wall-clock time in Berlin across a change to or from summer
time, are never written once their time has passed, follow a date that moves and go away
with the seat.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection

from tasks.models import Notification, Unsubscription
from tasks.services.outbox import deliver, rows_about
from tests.conftest import set_office
from tests.factories import (
    BERLIN,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
)
from workshops.models import DatePart, Enrolment
from workshops.services import dates as date_service
from workshops.services import reminders
from workshops.services.enrolment import cancel, enrol, staff_add
from workshops.services.notifications import Category, Kind

pytestmark = pytest.mark.django_db

State = Notification.State
Status = Enrolment.Status
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=BERLIN)
# Summer time begins on Sunday 28 March 2027 and ends on Sunday 31 October 2027.
AFTER_SPRING_CHANGE = datetime(2027, 4, 1, 9, 0, tzinfo=BERLIN)  # Thursday, CEST
AFTER_AUTUMN_CHANGE = datetime(2027, 11, 1, 9, 0, tzinfo=BERLIN)  # Monday, CET


@pytest.fixture(autouse=True)
def _office(settings):
    settings.SITE_URL = "https://verbund.example"
    settings.VERBUND_REMINDER_DAYS = [7, 1]
    set_office()


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def firm():
    return FirmFactory()


@pytest.fixture
def contact(firm):
    return PersonFactory(firm=firm, admin=True).user


def reminders_of(enrolment, state=State.PENDING):
    return list(rows_about(enrolment).filter(kind=Kind.REMINDER, state=state).order_by("due_at"))


def local(moment):
    return moment.astimezone(BERLIN)


def send(row):
    mail.outbox = []
    state = deliver(row.pk, get_connection(LOCMEM))
    return state, (mail.outbox[0] if mail.outbox else None)


def enrol_one(date, firm, contact):
    [enrolment] = enrol(date_id=date.pk, person_ids=[PersonFactory(firm=firm).pk], by_user=contact)
    return enrolment


# --- The timing rule ------------------------------------------------------------------------


def test_a_reminder_keeps_the_local_time_across_the_change_to_summer_time():
    due = reminders.due_at(AFTER_SPRING_CHANGE, 7)

    assert local(due) == datetime(2027, 3, 25, 9, 0, tzinfo=BERLIN)
    assert local(due).strftime("%H:%M %Z") == "09:00 CET"
    # Seven times 24 hours would have been 08:00 on the clock.
    assert AFTER_SPRING_CHANGE.astimezone(UTC) - due.astimezone(UTC) == timedelta(days=7, hours=-1)


def test_a_reminder_keeps_the_local_time_across_the_end_of_summer_time():
    due = reminders.due_at(AFTER_AUTUMN_CHANGE, 1)

    assert local(due).strftime("%d.%m.%Y %H:%M %Z") == "31.10.2027 09:00 CET"
    due = reminders.due_at(AFTER_AUTUMN_CHANGE, 7)
    assert local(due).strftime("%d.%m.%Y %H:%M %Z") == "25.10.2027 09:00 CEST"
    assert AFTER_AUTUMN_CHANGE.astimezone(UTC) - due.astimezone(UTC) == timedelta(days=7, hours=1)


def test_confirming_a_seat_writes_one_reminder_per_configured_day(firm, contact):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)

    enrolment = enrol_one(date, firm, contact)

    rows = reminders_of(enrolment)
    assert [row.version for row in rows] == ["7d-s0", "1d-s0"]
    assert [local(row.due_at) for row in rows] == [
        datetime(2027, 3, 25, 9, 0, tzinfo=BERLIN),
        datetime(2027, 3, 31, 9, 0, tzinfo=BERLIN),
    ]
    assert {row.person_id for row in rows} == {enrolment.person_id}


def test_the_configured_days_are_used(settings, firm, contact):
    settings.VERBUND_REMINDER_DAYS = [3]
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)

    enrolment = enrol_one(date, firm, contact)

    assert [row.version for row in reminders_of(enrolment)] == ["3d-s0"]


def test_no_late_reminders_for_a_late_enrolment(firm, contact, clock):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)
    clock.move_to(datetime(2027, 3, 27, 8, 0, tzinfo=BERLIN), tick=False)
    staff = UserFactory(staff=True)  # past the enrolment deadline only staff may add

    late = staff_add(
        date_id=date.pk, person_id=PersonFactory(firm=firm).pk, by_user=staff, reason="Nachmeldung"
    )

    assert [row.version for row in reminders_of(late)] == ["1d-s0"]

    clock.move_to(datetime(2027, 3, 31, 9, 30, tzinfo=BERLIN), tick=False)
    very_late = staff_add(
        date_id=date.pk, person_id=PersonFactory(firm=firm).pk, by_user=staff, reason="Nachmeldung"
    )
    assert reminders_of(very_late) == []
    assert not rows_about(very_late).filter(kind=Kind.REMINDER).exists()


def test_waiting_people_get_reminders_only_once_confirmed(firm, contact):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE, capacity=0)

    waiting = enrol_one(date, firm, contact)

    assert reminders_of(waiting) == []


# --- Following the seat and the date ----------------------------------------------------------


def test_reminders_follow_a_date_that_moves(firm, contact, clock):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)
    enrolment = enrol_one(date, firm, contact)
    old = reminders_of(enrolment)

    # Four days later the date moves one week earlier, to 25 March at 13:00.
    clock.move_to(datetime(2027, 3, 5, 12, 0, tzinfo=BERLIN), tick=False)
    before = date_service.snapshot(date.pk)
    DatePart.objects.filter(date=date).update(
        starts_at=datetime(2027, 3, 25, 13, 0, tzinfo=BERLIN),
        ends_at=datetime(2027, 3, 25, 17, 0, tzinfo=BERLIN),
    )
    assert date_service.record_change(date, before)

    assert {row.pk for row in reminders_of(enrolment, State.CANCELLED)} == {row.pk for row in old}
    assert [(row.version, local(row.due_at)) for row in reminders_of(enrolment)] == [
        ("7d-s1", datetime(2027, 3, 18, 13, 0, tzinfo=BERLIN)),
        ("1d-s1", datetime(2027, 3, 24, 13, 0, tzinfo=BERLIN)),
    ]

    # Moved again at short notice: the 7-day reminder's time has passed, so only one.
    clock.move_to(datetime(2027, 3, 20, 12, 0, tzinfo=BERLIN), tick=False)
    before = date_service.snapshot(date.pk)
    DatePart.objects.filter(date=date).update(
        starts_at=datetime(2027, 3, 23, 9, 0, tzinfo=BERLIN),
        ends_at=datetime(2027, 3, 23, 12, 0, tzinfo=BERLIN),
    )
    assert date_service.record_change(date, before)
    assert [row.version for row in reminders_of(enrolment)] == ["1d-s2"]


def test_cancelling_the_seat_cancels_its_reminders(firm, contact):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)
    enrolment = enrol_one(date, firm, contact)
    kept = enrol_one(date, firm, contact)

    cancel(enrolment_id=enrolment.pk, by_user=contact)

    assert reminders_of(enrolment) == []
    assert len(reminders_of(enrolment, State.CANCELLED)) == 2
    assert len(reminders_of(kept)) == 2


def test_cancelling_the_date_cancels_every_reminder(firm, contact):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)
    enrolments = [enrol_one(date, firm, contact) for _ in range(3)]

    date_service.cancel_date(date.pk, UserFactory(staff=True), "Trainer erkrankt")

    for enrolment in enrolments:
        assert reminders_of(enrolment) == []
        assert len(reminders_of(enrolment, State.CANCELLED)) == 2


# --- At send time ---------------------------------------------------------------------------


def test_a_reminder_goes_out_when_due_with_an_unsubscribe_link(firm, contact, clock):
    date = WorkshopDateFactory(
        starts_at=AFTER_SPRING_CHANGE, series__title="Einstieg in die Robotik"
    )
    enrolment = enrol_one(date, firm, contact)
    week_before, _day_before = reminders_of(enrolment)

    assert send(week_before) == (None, None)  # not due yet

    clock.move_to(week_before.due_at, tick=False)
    state, message = send(week_before)

    assert state == State.SENT
    assert message.to == [enrolment.person.email]
    assert message.subject == "Erinnerung: Einstieg in die Robotik am Do., 01.04.2027"
    assert "Ihr Workshop beginnt am Do., 01.04.2027 um 09:00 Uhr." in message.body
    assert "Do., 01.04.2027, 09:00–16:00 Uhr" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://verbund.example/benachrichtigungen/abmelden/")
    assert f"Diese E-Mails abbestellen: {unsubscribe}" in message.body
    assert unsubscribe in message.alternatives[0][0]


def test_a_reminder_for_a_seat_no_longer_confirmed_is_skipped(firm, contact, clock):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)
    enrolment = enrol_one(date, firm, contact)
    week_before, _day_before = reminders_of(enrolment)
    # The seat changes without the enrolment rules (an import or a manual correction),
    # so nothing cancelled the reminder beforehand.
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.CANCELLED)

    clock.move_to(week_before.due_at, tick=False)

    assert send(week_before) == (State.CANCELLED, None)
    week_before.refresh_from_db()
    assert "cancelled" in week_before.last_error


def test_an_unsubscribed_person_gets_no_reminder_but_still_the_confirmation(firm, contact, clock):
    date = WorkshopDateFactory(starts_at=AFTER_SPRING_CHANGE)
    enrolment = enrol_one(date, firm, contact)
    Unsubscription.objects.create(person=enrolment.person, category=Category.REMINDERS)
    week_before, _day_before = reminders_of(enrolment)
    confirmation = rows_about(enrolment).get(kind=Kind.ENROLMENT_CONFIRMED)

    assert send(confirmation)[0] == State.SENT
    clock.move_to(week_before.due_at, tick=False)
    assert send(week_before) == (State.CANCELLED, None)
