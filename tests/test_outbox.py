"""The notification outbox: one row per event, written with the change, sent once.

Delivery goes to a real SMTP server on loopback; enqueued tasks land in a real (file
system) broker queue of their own, which the tests read back.
"""

import base64
import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from members.services.personal_data import erase_person
from tasks import registry
from tasks.mail import QueuedEmailBackend, serialize_message
from tasks.models import MessageKind, Notification
from tasks.services import outbox
from tests.conftest import SmtpSink, filesystem_transport_options, free_port, use_broker
from tests.factories import PersonFactory, UserFactory
from verbund.celery import app as celery_app
from workshops.services.notifications import Kind

State = Notification.State


class Queue:
    """A file system broker queue of this test; `pks()` lists the rows handed to it."""

    def __init__(self, folder):
        self.folder = folder

    def pks(self):
        found = []
        for path in sorted(self.folder.glob("*.msg")):
            payload = json.loads(path.read_text())
            args, _kwargs, _embed = json.loads(base64.b64decode(payload["body"]))
            assert payload["headers"]["task"] == "tasks.tasks.deliver_notification"
            found.append(args[0])
        return sorted(found)

    def clear(self):
        for path in self.folder.glob("*.msg"):
            path.unlink()


@pytest.fixture
def queue(tmp_path):
    options = filesystem_transport_options(tmp_path / "broker")
    with use_broker(celery_app, "filesystem://", options, default_queue="outbox-test"):
        yield Queue(tmp_path / "broker" / "queue")


def message_row(address="k.berger@firma.example", subject="Ihr Zugang", **kwargs):
    message = EmailMessage(
        subject=subject, body="Guten Tag,\n\nIhr Zugang ist bereit.\n", to=[address]
    )
    return outbox.notify(
        MessageKind.MESSAGE,
        email=address,
        key=f"message|{uuid.uuid4().hex}",
        context={"message": serialize_message(message)},
        **kwargs,
    )


@pytest.mark.django_db
def test_second_notify_for_the_same_event_adds_nothing(queue, django_capture_on_commit_callbacks):
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.notify(Kind.REMINDER, person=person, about=person.firm, version="7d-s0")
        again = outbox.notify(Kind.REMINDER, person=person, about=person.firm, version="7d-s0")
        other = outbox.notify(Kind.REMINDER, person=person, about=person.firm, version="1d-s0")
    assert first is not None and other is not None
    assert again is None
    assert Notification.objects.count() == 2
    assert queue.pks() == sorted([first.pk, other.pk])


@pytest.mark.django_db
def test_rows_vanish_with_a_rolled_back_change(queue, django_capture_on_commit_callbacks):
    person = PersonFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.notify(Kind.REMINDER, person=person, about=person.firm, version="x")
        raise RuntimeError("the change fails")
    assert not Notification.objects.exists()
    assert queue.pks() == []


@pytest.mark.django_db
def test_a_row_due_later_waits_for_the_sweeper(queue, django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        row = message_row(due_at=later)
    assert queue.pks() == []
    assert outbox.sweep() == 0
    with time_machine.travel(later + timedelta(seconds=1)):
        assert outbox.sweep() == 1
    assert queue.pks() == [row.pk]


@pytest.mark.django_db
def test_sweep_enqueues_due_rows_not_recently_enqueued(queue, settings):
    settings.VERBUND_OUTBOX = {**settings.VERBUND_OUTBOX, "REENQUEUE_AFTER_SECONDS": 300}
    never = message_row(subject="nie eingereiht")
    recent = message_row(subject="gerade eingereiht")
    stale = message_row(subject="lange her eingereiht")
    sent = message_row(subject="schon gesendet")
    future = message_row(subject="später", due_at=timezone.now() + timedelta(hours=1))
    now = timezone.now()
    Notification.objects.filter(pk=recent.pk).update(enqueued_at=now - timedelta(seconds=30))
    Notification.objects.filter(pk=stale.pk).update(enqueued_at=now - timedelta(minutes=10))
    Notification.objects.filter(pk=sent.pk).update(state=State.SENT)
    queue.clear()

    assert outbox.sweep() == 2
    assert queue.pks() == sorted([never.pk, stale.pk])
    assert future.pk not in queue.pks()
    # Once handed over, they are not handed over again on the next minute's sweep.
    assert outbox.sweep() == 0


@pytest.mark.django_db
def test_mail_held_by_a_dead_worker_is_handed_over_again_within_a_minute(queue, settings):
    """With the default settings: a row whose worker died is enqueued again by the first
    sweep 45 s after the hand-over, and beat sweeps every 15 s; a row a live worker may still
    be sending (an SMTP server gets EMAIL_TIMEOUT) is left alone."""
    sweep_every = settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]["schedule"]
    handed_over = settings.VERBUND_OUTBOX["REENQUEUE_AFTER_SECONDS"]
    assert handed_over + sweep_every <= 60
    assert handed_over > settings.EMAIL_TIMEOUT
    row = message_row()
    outbox.enqueue([row.pk])
    queue.clear()  # the worker took the task and died
    start = timezone.now()

    with time_machine.travel(start + timedelta(seconds=settings.EMAIL_TIMEOUT)):
        assert outbox.sweep() == 0
    with time_machine.travel(start + timedelta(seconds=handed_over + sweep_every)):
        assert outbox.sweep() == 1
    assert queue.pks() == [row.pk]


@pytest.mark.django_db
def test_deliver_sends_once_and_marks_sent(queue, smtp_sink):
    row = message_row()
    connection = smtp_sink.connection()
    assert outbox.deliver(row.pk, connection) == State.SENT
    assert outbox.deliver(row.pk, connection) is None  # the task arrived twice
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 1 and row.sent_at is not None
    [message] = smtp_sink.received()
    assert message["Subject"] == "Ihr Zugang"
    assert message["To"] == "k.berger@firma.example"
    assert message["X-Verbund-Notification"] == str(row.pk)
    assert "Ihr Zugang ist bereit." in message.get_content()


@pytest.mark.django_db
def test_queued_email_backend_writes_one_row_per_message(queue, django_capture_on_commit_callbacks):
    messages = [
        EmailMessage("Willkommen", "Hallo", to=["a@firma.example"]),
        EmailMessage("Ohne Empfänger", "niemand"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert QueuedEmailBackend().send_messages(messages) == 1
    row = Notification.objects.get()
    assert row.kind == MessageKind.MESSAGE and row.to_email == "a@firma.example"
    assert queue.pks() == [row.pk]


@pytest.mark.django_db
def test_smtp_down_for_ten_minutes_delays_the_mail_and_sends_it_once(queue, settings):
    """Attempts back off 1, 2, 4, 8 minutes; the first attempt after the server is back
    sends the message, exactly once."""
    settings.VERBUND_OUTBOX = {
        **settings.VERBUND_OUTBOX,
        "RETRY_FIRST_SECONDS": 60,
        "MAX_ATTEMPTS": 8,
    }
    down_sink = SmtpSink(port=free_port())  # not started: the port refuses connections
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        row = message_row()
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        while timezone.now() - start < timedelta(minutes=10):
            assert outbox.deliver(row.pk, down_sink.connection()) == State.PENDING
            row.refresh_from_db()
            waits.append(round((row.due_at - timezone.now()).total_seconds()))
            assert outbox.deliver(row.pk, down_sink.connection()) is None  # not due yet
            assert outbox.sweep() == 0
            clock.move_to(row.due_at)
            assert outbox.sweep() == 1
    assert waits == [60, 120, 240, 480]
    assert row.attempts == 4 and "Connection refused" in row.last_error

    down_sink.start()
    try:
        with time_machine.travel(row.due_at, tick=False):
            assert outbox.deliver(row.pk, down_sink.connection()) == State.SENT
            assert outbox.deliver(row.pk, down_sink.connection()) is None
    finally:
        down_sink.stop()
    assert len(down_sink.received()) == 1
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 5 and row.last_error == ""


@pytest.mark.django_db
def test_undeliverable_address_fails_after_the_last_attempt(queue, settings):
    settings.VERBUND_OUTBOX = {**settings.VERBUND_OUTBOX, "MAX_ATTEMPTS": 8}
    sink = SmtpSink(refuse=["gibt.es.nicht@firma.example"]).start()
    try:
        bad = message_row("gibt.es.nicht@firma.example")
        good = message_row("k.berger@firma.example")
        attempts = 0
        with time_machine.travel(timezone.now(), tick=False) as clock:
            while Notification.objects.get(pk=bad.pk).state == State.PENDING:
                assert attempts < 8, "retries must end"
                assert outbox.deliver(bad.pk, sink.connection()) in (State.PENDING, State.FAILED)
                attempts += 1
                clock.move_to(Notification.objects.get(pk=bad.pk).due_at)
            clock.shift(timedelta(days=2))
            assert outbox.sweep() == 1  # only the good row
            assert outbox.deliver(bad.pk, sink.connection()) is None
            assert outbox.deliver(good.pk, sink.connection()) == State.SENT
    finally:
        sink.stop()
    bad.refresh_from_db()
    assert bad.state == State.FAILED and bad.attempts == 8
    assert "550" in bad.last_error
    assert [m["To"] for m in sink.received()] == ["k.berger@firma.example"]


@pytest.mark.django_db
def test_an_address_the_mail_library_refuses_fails_the_row_at_once(queue, smtp_sink):
    """No retry can help such a row: it fails with the reason for staff to see, instead of
    staying pending and being handed to the worker again every few minutes."""
    broken = message_row("k.berger@@firma.example")
    fine = message_row()
    connection = smtp_sink.connection()
    assert outbox.deliver(broken.pk, connection) == State.FAILED
    assert outbox.deliver(fine.pk, connection) == State.SENT
    broken.refresh_from_db()
    assert broken.attempts == 1 and "Invalid address" in broken.last_error
    assert [m["To"] for m in smtp_sink.received()] == ["k.berger@firma.example"]
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert outbox.sweep() == 0


@pytest.mark.django_db
def test_send_again_leaves_pending_rows_as_they_are(queue, smtp_sink):
    waiting = message_row()
    later = timezone.now() + timedelta(minutes=4)
    Notification.objects.filter(pk=waiting.pk).update(attempts=3, due_at=later)
    assert outbox.send_again([waiting.pk]) == 0
    waiting.refresh_from_db()
    assert waiting.state == State.PENDING and waiting.attempts == 3 and waiting.due_at == later


@pytest.mark.django_db
def test_a_template_error_fails_that_row_only(queue, smtp_sink, monkeypatch):
    monkeypatch.setitem(
        registry.KINDS,
        "broken_kind",
        registry.KindSpec(
            name="broken_kind",
            label="broken",
            build_context=lambda row: {"x": 1},
            template="tasks/email/broken_kind",
        ),
    )
    person = PersonFactory(email="m.weber@firma.example")
    broken = outbox.notify("broken_kind", person=person, about=person.firm)
    fine = message_row()
    connection = smtp_sink.connection()
    assert outbox.deliver(broken.pk, connection) == State.FAILED
    assert outbox.deliver(fine.pk, connection) == State.SENT
    broken.refresh_from_db()
    assert broken.attempts == 0
    assert "TemplateDoesNotExist" in broken.last_error
    assert "broken_kind" in broken.last_error
    assert [m["To"] for m in smtp_sink.received()] == ["k.berger@firma.example"]
    assert outbox.sweep() == 0  # a failed row stays failed until staff send it again


@pytest.mark.django_db
def test_an_erased_person_gets_nothing(queue, smtp_sink):
    staff = UserFactory(is_staff=True)
    person = PersonFactory(email="m.weber@firma.example", user=UserFactory())
    row = outbox.notify(
        MessageKind.MESSAGE,
        person=person,
        context={
            "message": serialize_message(
                EmailMessage("Erinnerung", "Bis morgen", to=[person.email])
            )
        },
    )
    erase_person(person, staff)
    # The erasure cancelled the pending row; delivering it finds nothing to do.
    assert outbox.deliver(row.pk, smtp_sink.connection()) is None
    row.refresh_from_db()
    assert row.state == State.CANCELLED and "erased" in row.last_error
    assert smtp_sink.received() == []


@pytest.mark.django_db
def test_send_again_puts_failed_rows_back(queue, smtp_sink, django_capture_on_commit_callbacks):
    failed = message_row()
    sent = message_row(subject="schon da")
    Notification.objects.filter(pk=failed.pk).update(
        state=State.FAILED, attempts=8, last_error="550", due_at=timezone.now() - timedelta(days=1)
    )
    Notification.objects.filter(pk=sent.pk).update(state=State.SENT)
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.send_again([failed.pk, sent.pk]) == 1
    assert queue.pks() == [failed.pk]
    assert outbox.deliver(failed.pk, smtp_sink.connection()) == State.SENT
    failed.refresh_from_db()
    assert failed.attempts == 1
    assert outbox.deliver(sent.pk, smtp_sink.connection()) is None
    assert len(smtp_sink.received()) == 1
