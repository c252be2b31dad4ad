"""The right email to the right person, and invitations every calendar program accepts.

A move is one message to whoever receives the participant's mail; a reschedule reaches
everyone with a stake and shows old and new time side by side; every message for one
attendee and one date carries a higher SEQUENCE than the last; the iTIP part sits in
multipart/alternative beside text and HTML, with the same file as invite.ics.
"""

import email
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tasks.models import Notification
from tasks.services.outbox import deliver, rows_about
from tests.factories import BERLIN, FirmFactory, PersonFactory, UserFactory
from tests.test_notifications_workshop import (  # noqa: F401  (_office, clock: autouse)
    LOCMEM,
    NOW,
    SITE,
    START,
    _office,
    a_date,
    clock,
    rows_of,
)
from tests.test_staff_operations import edit_data, edit_url
from workshops.calendar import event_uid, feed_calendar
from workshops.models import Enrolment, WorkshopDate
from workshops.services import dates as date_service
from workshops.services.enrolment import EnrolmentError, cancel, enrol, move
from workshops.services.notifications import Kind

pytestmark = pytest.mark.django_db

Status = Enrolment.Status


@pytest.fixture
def firm():
    return FirmFactory(allow_self_enrolment=True)


@pytest.fixture
def firm_admin(firm):
    return PersonFactory(firm=firm, admin=True, email="admin@firma.example").user


@pytest.fixture
def staff():
    return UserFactory(staff=True, email="sachbearbeitung@verbund.example")


def deliver_all():
    """Send every due row, in the order written; returns the messages as bytes parsed."""
    mail.outbox = []
    connection = get_connection(LOCMEM)
    for pk in (
        Notification.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True)
    ):
        deliver(pk, connection)
    return [
        (message, email.message_from_bytes(message.message().as_bytes())) for message in mail.outbox
    ]


def calendars_in(parsed):
    """(content type with parameters, filename, Calendar) of every calendar in a message."""
    found = []
    for part in parsed.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            found.append(
                (
                    part["Content-Type"],
                    part.get_filename(),
                    Calendar.from_ical(part.get_payload(decode=True)),
                )
            )
    return found


def ali(firm):
    return PersonFactory(firm=firm, email="", user=None, first_name="Ali", last_name="Demir")


# --- Moves -----------------------------------------------------------------------------------


def test_a_move_is_one_message_to_whoever_receives_the_persons_mail(firm, firm_admin, staff):
    source = a_date()
    target = a_date(series=source.series, starts_at=START + timedelta(days=14))
    [seat] = enrol(date_id=source.pk, person_ids=[ali(firm).pk], by_user=firm_admin)
    deliver_all()

    moved = move(
        enrolment_id=seat.pk, target_date_id=target.pk, by_user=staff, reason="Wunsch der Firma"
    )

    [(message, parsed)] = deliver_all()
    assert message.to == ["admin@firma.example"]
    assert message.subject == (
        "Für Ali Demir: Umgebucht von Mo., 01.02.2027 auf Mo., 15.02.2027: "
        "Einstieg in die Robotik & Automation"
    )
    assert "Sie erhalten diese Nachricht für Ali Demir" in message.body
    # The admin's way to the seat is the firm's list, not their own enrolments.
    assert f"{SITE}{reverse('enrolment:firm')}" in message.body
    assert "/anmeldung/meine/" not in message.body
    assert "umgebucht von Mo., 01.02.2027 auf Mo., 15.02.2027" in message.body
    # Old and new time side by side.
    assert "Bisher:\n- Mo., 01.02.2027, 09:00–16:00 Uhr" in message.body
    assert "Jetzt:\n- Mo., 15.02.2027, 09:00–16:00 Uhr" in message.body
    # Nobody else hears of it: no separate cancellation, nothing for the staff member.
    assert not rows_of(seat, Kind.SEAT_CANCELLED)
    assert not rows_of(moved, Kind.ENROLMENT_CONFIRMED)
    assert not Notification.objects.filter(user=staff).exists()

    calendars = calendars_in(parsed)
    assert [(content_type, filename) for content_type, filename, _c in calendars] == [
        ("text/calendar; method=REQUEST; charset=UTF-8", None),
        ('application/ics; name="invite.ics"', "invite.ics"),
        ('text/calendar; method=CANCEL; charset=UTF-8; name="cancel.ics"', "cancel.ics"),
    ]
    request, attachment, cancellation = (calendar for _t, _f, calendar in calendars)
    assert request.to_ical() == attachment.to_ical()
    [new_event] = request.walk("VEVENT")
    [old_event] = cancellation.walk("VEVENT")
    # The firm admin's copy: the colleague's name in the title, UIDs of its own, the admin
    # as attendee, so several colleagues' seats stay apart in one calendar.
    assert str(new_event["SUMMARY"]) == "Einstieg in die Robotik & Automation – Ali Demir"
    person = moved.person
    assert str(new_event["UID"]) == event_uid(target, target.parts.get()).replace(
        "@", f"-person-{person.pk}@"
    )
    assert str(old_event["UID"]) == event_uid(source, source.parts.get()).replace(
        "@", f"-person-{person.pk}@"
    )
    assert str(new_event["ATTENDEE"]) == "mailto:admin@firma.example"
    assert new_event["ATTENDEE"].params["CN"] == "Ali Demir"
    assert cancellation["METHOD"] == "CANCEL" and old_event["STATUS"] == "CANCELLED"
    # The admin was sent the first confirmation for the old date with sequence 0.
    assert old_event["SEQUENCE"] == 1


def test_a_move_of_someone_with_an_address_goes_to_them(firm, firm_admin, staff):
    source = a_date()
    target = a_date(series=source.series, starts_at=START + timedelta(days=14))
    worker = PersonFactory(firm=firm, email="zoe@firma.example", first_name="Zoë")
    [seat] = enrol(date_id=source.pk, person_ids=[worker.pk], by_user=firm_admin)
    deliver_all()

    move(enrolment_id=seat.pk, target_date_id=target.pk, by_user=staff, reason="Krankheit")

    [(message, parsed)] = deliver_all()
    assert message.to == ["zoe@firma.example"]
    assert not message.subject.startswith("Für ")
    assert "Sie erhalten diese Nachricht für" not in message.body
    [request, _attachment, cancellation] = [c for _t, _f, c in calendars_in(parsed)]
    assert str(request.walk("VEVENT")[0]["UID"]) == event_uid(target, target.parts.get())
    assert str(cancellation.walk("VEVENT")[0]["UID"]) == event_uid(source, source.parts.get())


def test_staff_who_enrol_someone_without_an_address_are_not_sent_their_mail(
    firm, firm_admin, staff
):
    from workshops.services.enrolment import staff_add

    date = a_date()
    staff_add(date_id=date.pk, person_id=ali(firm).pk, by_user=staff, reason="Telefonisch")

    [(message, _parsed)] = deliver_all()
    assert message.to == ["admin@firma.example"]
    assert message.subject.startswith("Für Ali Demir: Anmeldung bestätigt")


def test_a_move_to_a_full_date_is_refused_and_changes_nothing(firm, firm_admin, staff):
    source = a_date()
    target = a_date(series=source.series, starts_at=START + timedelta(days=14), capacity=1)
    [seat] = enrol(date_id=source.pk, person_ids=[ali(firm).pk], by_user=firm_admin)
    enrol(date_id=target.pk, person_ids=[PersonFactory(firm=firm).pk], by_user=firm_admin)
    rows_before = Notification.objects.count()

    with pytest.raises(EnrolmentError) as refused:
        move(enrolment_id=seat.pk, target_date_id=target.pk, by_user=staff, reason="Wunsch")

    assert refused.value.code == "no_seat"
    assert refused.value.message.startswith("Der Termin ist ausgebucht. Die Person bleibt")
    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED
    assert not Enrolment.objects.filter(date=target, person=seat.person).exists()
    assert Notification.objects.count() == rows_before


def test_the_move_page_shows_the_refusal(client, firm, firm_admin):
    source = a_date()
    target = a_date(series=source.series, starts_at=START + timedelta(days=14), capacity=0)
    [seat] = enrol(date_id=source.pk, person_ids=[ali(firm).pk], by_user=firm_admin)
    client.force_login(UserFactory(superuser=True, totp=True))

    response = client.post(
        f"/admin/termine/{source.pk}/teilnehmende/",
        {
            "action": "move",
            "move-enrolment": seat.pk,
            "move-target": target.pk,
            "move-reason": "Wunsch",
        },
        follow=True,
    )

    assert "Der Termin ist ausgebucht." in response.content.decode()
    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED


# --- Reschedules ---------------------------------------------------------------------------


def move_by(date, delta):
    before = date_service.snapshot(date.pk)
    for part in date.parts.all():
        part.starts_at += delta
        part.ends_at += delta
        part.save()
    return date_service.record_change(date, before)


def test_a_reschedule_reaches_everyone_with_a_stake(firm, firm_admin):
    date = a_date(capacity=2)
    people = [PersonFactory(firm=firm, email=f"p{n}@firma.example") for n in range(3)]
    seat, leaving, waiting = enrol(
        date_id=date.pk, person_ids=[p.pk for p in people], by_user=firm_admin
    )
    cancel(enrolment_id=leaving.pk, by_user=firm_admin)
    offered = Enrolment.objects.get(pk=waiting.pk)
    assert offered.status == Status.OFFERED
    later_waiting = enrol(
        date_id=date.pk,
        person_ids=[PersonFactory(firm=firm, email="p4@firma.example").pk],
        by_user=firm_admin,
    )[0]
    deliver_all()

    assert move_by(date, timedelta(days=2, hours=1))

    sent = {message.to[0]: (message, parsed) for message, parsed in deliver_all()}
    assert set(sent) == {"p0@firma.example", "p2@firma.example", "p4@firma.example"}
    for message, _parsed in sent.values():
        assert "Bisher:\n- Mo., 01.02.2027, 09:00–16:00 Uhr" in message.body
        assert "Jetzt:\n- Mi., 03.02.2027, 10:00–17:00 Uhr" in message.body
        assert "<s>Mo., 01.02.2027, 09:00–16:00 Uhr</s>" in message.alternatives[0][0]

    confirmed, parsed = sent["p0@firma.example"]
    assert "Ihr Platz bleibt reserviert" in confirmed.body
    [(_type, _name, request), _attachment] = calendars_in(parsed)
    assert request["METHOD"] == "REQUEST"

    offer, parsed = sent["p2@firma.example"]
    assert "Das Angebot gilt für die neue Zeit" in offer.body
    assert "?aktion=annehmen" in offer.body
    assert calendars_in(parsed) == []

    notice, parsed = sent["p4@firma.example"]
    assert "Ihr Platz auf der Warteliste bleibt" in notice.body
    assert calendars_in(parsed) == []
    assert len(rows_about(later_waiting).filter(kind=Kind.DATE_RESCHEDULED)) == 1


def test_rescheduling_in_the_form_keeps_the_deadlines_distance(client):
    client.force_login(UserFactory(superuser=True, totp=True))
    date = a_date()
    enrolment_gap = date.parts.get().starts_at - date.enrolment_deadline
    cancellation_gap = date.parts.get().starts_at - date.cancellation_deadline
    later = timezone.localtime(START + timedelta(days=7))

    response = client.post(
        edit_url(date),
        edit_data(
            client,
            date,
            **{
                "parts-0-starts_at": later.strftime("%Y-%m-%d %H:%M"),
                "parts-0-ends_at": (later + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M"),
            },
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    date.refresh_from_db()
    start = date.parts.get().starts_at
    assert start == later
    assert start - date.enrolment_deadline == enrolment_gap
    assert start - date.cancellation_deadline == cancellation_gap


def test_deadlines_staff_set_in_the_same_form_are_kept(client):
    client.force_login(UserFactory(superuser=True, totp=True))
    date = a_date()
    later = timezone.localtime(START + timedelta(days=7))
    deadline = timezone.localtime(START + timedelta(days=5))

    response = client.post(
        edit_url(date),
        edit_data(
            client,
            date,
            cancellation_deadline=deadline.strftime("%Y-%m-%d %H:%M"),
            **{
                "parts-0-starts_at": later.strftime("%Y-%m-%d %H:%M"),
                "parts-0-ends_at": (later + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M"),
            },
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    date.refresh_from_db()
    assert date.cancellation_deadline == deadline


def test_a_reschedule_into_the_past_is_refused_and_changes_nothing(client, firm, firm_admin):
    client.force_login(UserFactory(superuser=True, totp=True))
    date = a_date()
    [seat] = enrol(date_id=date.pk, person_ids=[PersonFactory(firm=firm).pk], by_user=firm_admin)
    deliver_all()
    past = timezone.localtime(NOW - timedelta(days=1))

    response = client.post(
        edit_url(date),
        edit_data(
            client,
            date,
            **{
                "parts-0-starts_at": past.strftime("%Y-%m-%d %H:%M"),
                "parts-0-ends_at": (past + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
            },
        ),
    )

    assert response.status_code == 200
    assert "Dieser Beginn liegt in der Vergangenheit." in response.content.decode()
    date.refresh_from_db()
    assert date.parts.get().starts_at == START
    assert date.sequence == 0
    assert not rows_of(seat, Kind.DATE_RESCHEDULED)


# --- Invitations -----------------------------------------------------------------------------


def test_enrol_cancel_enrol_again_sends_rising_sequences(firm, firm_admin, time_machine, ical_js):
    date = a_date()
    worker = PersonFactory(firm=firm, email="zoe@firma.example")
    stamps, sequences, methods = [], [], []

    [first] = enrol(date_id=date.pk, person_ids=[worker.pk], by_user=firm_admin)
    sent = deliver_all()
    time_machine.shift(timedelta(minutes=5))
    cancel(enrolment_id=first.pk, by_user=firm_admin)
    sent += deliver_all()
    time_machine.shift(timedelta(minutes=5))
    enrol(date_id=date.pk, person_ids=[worker.pk], by_user=firm_admin)
    sent += deliver_all()

    assert len(sent) == 3
    uids = set()
    for message, parsed in sent:
        assert message.to == ["zoe@firma.example"]
        [(_type, _name, itip), (_t, _n, attachment)] = calendars_in(parsed)
        checked = ical_js(itip.to_ical())
        assert checked == ical_js(attachment.to_ical())
        [event] = checked["events"]
        methods.append(checked["method"])
        sequences.append(event["sequence"])
        uids.add(event["uid"])
        stamps.append(itip.walk("VEVENT")[0].decoded("DTSTAMP"))
    assert methods == ["REQUEST", "CANCEL", "REQUEST"]
    assert sequences == [0, 1, 2]
    assert uids == {event_uid(date, date.parts.get())}
    assert stamps == sorted(set(stamps))

    # A later change of the date for everyone still rises above what she was sent.
    assert move_by(date, timedelta(hours=1))
    [(_message, parsed)] = deliver_all()
    [(_type, _name, update), _attachment] = calendars_in(parsed)
    assert update.walk("VEVENT")[0]["SEQUENCE"] == 3


def test_a_cancellation_sent_late_does_not_remove_a_seat_taken_again(firm, firm_admin):
    date = a_date()
    worker = PersonFactory(firm=firm, email="zoe@firma.example")
    [first] = enrol(date_id=date.pk, person_ids=[worker.pk], by_user=firm_admin)
    cancel(enrolment_id=first.pk, by_user=firm_admin)
    enrol(date_id=date.pk, person_ids=[worker.pk], by_user=firm_admin)

    # The first confirmation no longer fits; the cancellation goes without a CANCEL.
    messages = deliver_all()
    kinds = [calendars_in(parsed) for _message, parsed in messages]
    assert len(messages) == 2
    assert kinds[0] == []
    assert kinds[1][0][2]["METHOD"] == "REQUEST"


def test_the_mime_tree_is_what_outlook_and_apple_mail_expect(firm, firm_admin):
    date = a_date()
    enrol(
        date_id=date.pk,
        person_ids=[PersonFactory(firm=firm, email="z@firma.example").pk],
        by_user=firm_admin,
    )

    [(_message, parsed)] = deliver_all()

    def tree(part):
        if part.is_multipart():
            return (part.get_content_type(), [tree(child) for child in part.get_payload()])
        return part.get_content_type()

    assert tree(parsed) == (
        "multipart/mixed",
        [
            ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]),
            "application/ics",
        ],
    )
    itip = parsed.get_payload()[0].get_payload()[2]
    assert itip["Content-Type"] == "text/calendar; method=REQUEST; charset=UTF-8"
    assert itip.get_filename() is None
    attachment = parsed.get_payload()[1]
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == itip.get_payload(decode=True)


def test_every_message_answers_to_the_office_with_a_message_id_of_the_site(firm, firm_admin):
    from django.core.mail import send_mail

    date = a_date()
    enrol(
        date_id=date.pk,
        person_ids=[PersonFactory(firm=firm, email="z@firma.example").pk],
        by_user=firm_admin,
    )
    # An account email, queued as allauth's are.
    send_mail(
        "Konto",
        "Text",
        None,
        ["z@firma.example"],
        connection=get_connection("tasks.mail.QueuedEmailBackend"),
    )

    messages = deliver_all()

    assert len(messages) == 2
    for _message, parsed in messages:
        assert parsed["Reply-To"] == "buero@verbund.example"
        assert parsed["Message-ID"].endswith("@verbund.example>")
        assert "localhost" not in parsed["Message-ID"]


# --- Feeds ------------------------------------------------------------------------------------


def test_feeds_ask_to_be_refreshed_hourly_and_summer_time_begins_at_two(firm):
    date = a_date(starts_at=datetime(2027, 3, 29, 9, 0, tzinfo=BERLIN))
    body = feed_calendar(WorkshopDate.objects.filter(pk=date.pk), name="Termine")

    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in body
    zone = Calendar.from_ical(body).walk("VTIMEZONE")[0]
    onsets = {
        (t.name, str(t["TZOFFSETFROM"].to_ical()), t["DTSTART"].dt.strftime("%Y%m%dT%H%M%S"))
        for t in zone.subcomponents
    }
    assert ("DAYLIGHT", "+0100", "20270328T020000") in onsets
    assert ("STANDARD", "+0200", "20271031T030000") in onsets


def test_a_reschedule_looks_up_each_firms_admin_once(
    firm, firm_admin, staff, django_assert_max_num_queries
):
    from workshops.services.enrolment import staff_add

    small, large = a_date(capacity=20), a_date(capacity=20)
    for date, count in ((small, 2), (large, 8)):
        for _number in range(count):
            staff_add(date_id=date.pk, person_id=ali(firm).pk, by_user=staff, reason="Telefon")

    with django_assert_max_num_queries(60) as few:
        move_by(small, timedelta(hours=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        move_by(large, timedelta(hours=1))
    assert Notification.objects.filter(kind=Kind.DATE_RESCHEDULED, user=firm_admin).count() == 10
