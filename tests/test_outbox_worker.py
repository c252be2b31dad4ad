"""The outbox against the real thing: a Celery worker process, Redis and an SMTP server.

The worker runs in its own process on the test's PostgreSQL database; mail goes to an
SMTP server on loopback in this process. A message counts as delivered once that server
has answered 250.
"""

import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from members.models import Person
from tasks.models import MessageKind, Notification
from tasks.services import outbox
from tests.conftest import (
    CeleryWorker,
    SmtpSink,
    database_url,
    free_port,
    settings_free_env,
    use_broker,
    wait_until,
)
from tests.factories import FirmFactory, PersonFactory, WorkshopDateFactory
from verbund.celery import app as celery_app
from workshops.models import Enrolment
from workshops.services.enrolment import enrol
from workshops.services.notifications import Kind

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

State = Notification.State
REDIS_DB = 7
TIMEOUT = 120  # seconds, worker start-up included


@pytest.fixture
def broker_url(redis_url):
    """Redis database 7, emptied before and after the test."""
    import redis

    parts = urlsplit(redis_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture
def queue_name():
    return f"outbox-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def on_broker(broker_url, queue_name):
    """This process publishes to the test's queue on Redis."""
    with use_broker(celery_app, broker_url, {"visibility_timeout": 3600}, default_queue=queue_name):
        yield


@pytest.fixture
def start_worker(tmp_path, require_postgres, broker_url, queue_name):
    workers = []

    def start(sink, **options):
        env = settings_free_env(
            tmp_path,
            DEBUG="1",
            DATABASE_URL=database_url(connection.settings_dict),
            REDIS_URL=broker_url,
            EMAIL_URL=sink.url,
            CONN_MAX_AGE="0",
        )
        worker = CeleryWorker(env, queue_name, tmp_path / f"worker{len(workers)}.log", **options)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def firm_with_admin():
    firm = FirmFactory()
    return firm, PersonFactory(firm=firm, admin=True).user


def calendar_part(message):
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "one calendar part"
    return parts[0].get_content()


def test_worker_delivers_each_email_once_with_its_calendar_part(
    settings, smtp_sink, on_broker, start_worker
):
    settings.EMAIL_BACKEND = "tasks.mail.QueuedEmailBackend"  # as in production
    firm, admin = firm_with_admin()
    person = PersonFactory(
        firm=firm, first_name="Jana", last_name="Müller", email="j.mueller@firma.example"
    )
    date = WorkshopDateFactory(series__title="Schweißen für Einsteiger")
    [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=admin)
    assert enrolment.status == Enrolment.Status.CONFIRMED
    send_mail(
        "Ihr Zugang zum Verbund",
        "Guten Tag,\n\nIhr Zugang ist bereit.\n",
        None,
        ["k.berger@firma.example"],
    )

    worker = start_worker(smtp_sink)
    wait_until(
        lambda: len(smtp_sink.received()) >= 2, timeout=TIMEOUT, worker=worker, message="two emails"
    )
    wait_until(
        lambda: (
            not Notification.objects.filter(
                state=State.PENDING, due_at__lte=timezone.now()
            ).exists()
        ),
        timeout=TIMEOUT,
        worker=worker,
        message="rows marked sent",
    )

    confirmation = Notification.objects.get(kind=Kind.ENROLMENT_CONFIRMED)
    account = Notification.objects.get(kind=MessageKind.MESSAGE)
    assert confirmation.state == State.SENT and account.state == State.SENT
    assert smtp_sink.by_notification() == {str(confirmation.pk): 1, str(account.pk): 1}

    by_row = {m["X-Verbund-Notification"]: m for m in smtp_sink.received()}
    mail = by_row[str(confirmation.pk)]
    assert mail["To"] == "j.mueller@firma.example"
    assert "Schweißen für Einsteiger" in mail["Subject"]
    assert "Jana Müller" in mail.get_body(("plain",)).get_content()
    assert mail.get_body(("html",)) is not None
    invite = calendar_part(mail)
    assert "METHOD:REQUEST" in invite
    assert "Schweißen für Einsteiger" in invite.replace("\r\n ", "")
    account_mail = by_row[str(account.pk)]
    assert account_mail["Subject"] == "Ihr Zugang zum Verbund"
    assert "Ihr Zugang ist bereit." in account_mail.get_content()


def test_a_killed_worker_loses_no_reminder_and_sends_none_twice(
    tmp_path, settings, on_broker, start_worker
):
    """200 due reminders; the worker is killed while the SMTP server holds the 61st
    message unanswered. A new worker and the sweeper deliver every reminder exactly once."""
    settings.VERBUND_OUTBOX = {**settings.VERBUND_OUTBOX, "REENQUEUE_AFTER_SECONDS": 0}
    firm, _admin = firm_with_admin()
    date = WorkshopDateFactory(capacity=200)
    people = Person.objects.bulk_create(
        Person(
            firm=firm, first_name="Person", last_name=str(n), email=f"teilnehmer{n}@firma.example"
        )
        for n in range(200)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(date=date, person=person, status=Enrolment.Status.CONFIRMED) for person in people
    )
    with transaction.atomic():
        rows = [
            outbox.notify(
                Kind.REMINDER,
                person=enrolment.person,
                about=enrolment,
                version=f"1d-s{date.sequence}",
            )
            for enrolment in enrolments
        ]
    assert Notification.objects.filter(kind=Kind.REMINDER, state=State.PENDING).count() == 200

    first_worker = None
    arrivals = []

    def kill_on_61st(message):
        arrivals.append(message["X-Verbund-Notification"])
        if len(arrivals) == 61:
            first_worker.kill()  # before the 250: this message was not delivered
            return False
        return True

    sink = SmtpSink(before_accept=kill_on_61st).start()
    try:
        first_worker = start_worker(sink)
        first_worker.process.wait(timeout=TIMEOUT)
        assert len(sink.received()) == 60
        assert Notification.objects.filter(state=State.SENT).count() == 60

        second_worker = start_worker(sink)
        # The dead worker's unacknowledged task would come back only after Redis's
        # visibility timeout (an hour); the sweeper hands the row over again now.
        outbox.sweep()
        wait_until(
            lambda: len(sink.received()) >= 200,
            timeout=TIMEOUT,
            worker=second_worker,
            message="200 reminders",
        )
        wait_until(
            lambda: Notification.objects.filter(state=State.SENT).count() == 200,
            timeout=TIMEOUT,
            worker=second_worker,
            message="200 rows sent",
        )
        outbox.sweep()  # nothing is left to send: no duplicate either
        second_worker.stop()
    finally:
        sink.stop()

    counts = sink.by_notification()
    assert counts == {str(row.pk): 1 for row in rows}
    assert {m["To"] for m in sink.received()} == {p.email for p in people}
    killed = arrivals[60]
    assert arrivals.count(killed) == 2, "the interrupted reminder was sent again, once"


def test_enrolment_succeeds_while_the_broker_is_down_and_mails_after(
    smtp_sink, broker_url, queue_name, start_worker
):
    firm, admin = firm_with_admin()
    person = PersonFactory(firm=firm, email="a.schulz@firma.example")
    date = WorkshopDateFactory(series__title="Robotik kompakt")
    dead_broker = f"redis://127.0.0.1:{free_port()}/{REDIS_DB}"
    with use_broker(
        celery_app, dead_broker, {"visibility_timeout": 3600}, default_queue=queue_name
    ):
        [enrolment] = enrol(date_id=date.pk, person_ids=[person.pk], by_user=admin)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED
    row = Notification.objects.get(kind=Kind.ENROLMENT_CONFIRMED)
    assert row.state == State.PENDING and row.enqueued_at is None

    worker = start_worker(smtp_sink)
    with use_broker(celery_app, broker_url, {"visibility_timeout": 3600}, default_queue=queue_name):
        assert outbox.sweep() == 1  # what the beat schedule does every minute
    wait_until(
        lambda: Notification.objects.filter(pk=row.pk, state=State.SENT).exists(),
        timeout=TIMEOUT,
        worker=worker,
        message="the confirmation",
    )
    [mail] = smtp_sink.received()
    assert mail["To"] == "a.schulz@firma.example"
    assert mail["X-Verbund-Notification"] == str(row.pk)
    assert "Robotik kompakt" in mail["Subject"]
    assert "METHOD:REQUEST" in calendar_part(mail)
