"""Emails leave the request through the Celery queue and a real worker delivers them."""

import email
import email.policy
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives

from tasks.mail import (
    ConsoleAndFileBackend,
    QueuedEmailBackend,
    deserialize_message,
    serialize_message,
)
from tests.conftest import (
    BASE_DIR,
    filesystem_transport_options,
    settings_free_env,
    use_broker,
)
from verbund.celery import app as celery_app

DELIVERY_TIMEOUT = 30  # seconds, worker start-up included
SUBJECT = "Anmeldebestätigung: Schweißen für Einsteiger"
BODY = "Guten Tag Frau Müller,\n\nwir freuen uns auf Sie. Grüße aus Würzburg – äöüß ÄÖÜ\n"
RECIPIENT = "j.mueller@firma.example"

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Verbund//DE\r\nBEGIN:VEVENT\r\n"
    "UID:1@verbund.example\r\nDTSTAMP:20260101T090000Z\r\nDTSTART:20260301T080000Z\r\n"
    "SUMMARY:Schweißen für Einsteiger\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def queued_message():
    return EmailMessage(subject=SUBJECT, body=BODY, to=[RECIPIENT])


class Worker:
    """A Celery worker in its own process, consuming one queue."""

    def __init__(self, env, queue, log_path: Path):
        self.log_path = log_path
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "verbund",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-Q",
                queue,
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def wait_for_mail(mail_dir: Path, worker: Worker) -> Path:
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.eml")) if mail_dir.is_dir() else []
        if files:
            return files[0]
        if worker.process.poll() is not None:
            pytest.fail(f"The worker stopped early:\n{worker.output()}")
        time.sleep(0.2)
    pytest.fail(f"No email within {DELIVERY_TIMEOUT} s. Worker output:\n{worker.output()}")


def assert_delivered(path: Path):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"].strip() == SUBJECT
    assert message["To"] == RECIPIENT
    assert "buero@verbund.example" in message["From"]
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == BODY


def send_through_queue(django_capture_on_commit_callbacks):
    """Send as the application does: QueuedEmailBackend, after the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = QueuedEmailBackend().send_messages([queued_message()])
    assert sent == 1
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_embedded_worker_delivers_to_mail_dir(tmp_path, django_capture_on_commit_callbacks):
    """No REDIS_URL: kombu's filesystem transport carries the task to a real worker."""
    queue_dir, mail_dir = tmp_path / "celery", tmp_path / "mail"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = settings_free_env(tmp_path, DEBUG="1")
    worker = Worker(env, queue, tmp_path / "worker.log")
    try:
        options = filesystem_transport_options(queue_dir)
        with use_broker(celery_app, "filesystem://", options, default_queue=queue):
            send_through_queue(django_capture_on_commit_callbacks)
        assert_delivered(wait_for_mail(mail_dir, worker))
    finally:
        worker.stop()
    assert f"To: {RECIPIENT}" in worker.output(), "the console copy goes to the worker's output"


@pytest.mark.services
@pytest.mark.django_db
def test_redis_worker_delivers_to_mail_dir(tmp_path, redis_url, django_capture_on_commit_callbacks):
    mail_dir = tmp_path / "mail"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = settings_free_env(tmp_path, DEBUG="1", REDIS_URL=redis_url)
    worker = Worker(env, queue, tmp_path / "worker.log")
    try:
        options = {"visibility_timeout": 3600}
        with use_broker(celery_app, redis_url, options, default_queue=queue):
            send_through_queue(django_capture_on_commit_callbacks)
        assert_delivered(wait_for_mail(mail_dir, worker))
    finally:
        worker.stop()


def test_serialize_round_trip_keeps_alternatives_and_attachments():
    original = EmailMultiAlternatives(
        subject=SUBJECT,
        body=BODY,
        from_email="Verbund <buero@verbund.example>",
        to=[RECIPIENT],
        cc=["kopie@firma.example"],
        bcc=["archiv@verbund.example"],
        reply_to=["antwort@verbund.example"],
        headers={"X-Verbund": "Anmeldung"},
    )
    original.attach_alternative("<p>Grüße aus <strong>Würzburg</strong></p>", "text/html")
    original.attach("termin.ics", ICS, "text/calendar")
    original.attach("plan.bin", bytes(range(256)), "application/octet-stream")

    payload = serialize_message(original)
    copy = deserialize_message(json.loads(json.dumps(payload)))

    for field in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to"):
        assert getattr(copy, field) == getattr(original, field), field
    assert copy.extra_headers == {"X-Verbund": "Anmeldung"}
    assert [tuple(alt) for alt in copy.alternatives] == [
        ("<p>Grüße aus <strong>Würzburg</strong></p>", "text/html")
    ]
    names = [(a[0], a[2]) for a in copy.attachments]
    assert names == [("termin.ics", "text/calendar"), ("plan.bin", "application/octet-stream")]
    assert copy.attachments[1][1] == bytes(range(256))

    parsed = email.message_from_bytes(copy.message().as_bytes(), policy=email.policy.default)
    assert parsed["Subject"].strip() == SUBJECT
    assert parsed["X-Verbund"] == "Anmeldung"
    assert parsed.get_body(("html",)).get_content().strip().endswith("</p>")
    calendar = next(p for p in parsed.iter_attachments() if p.get_filename() == "termin.ics")
    assert calendar.get_content_type() == "text/calendar"
    assert "SUMMARY:Schweißen für Einsteiger" in calendar.get_content()


def test_console_and_file_backend_writes_one_eml_per_message(settings, tmp_path, capsys):
    settings.MAIL_DIR = tmp_path / "mail"
    with ConsoleAndFileBackend() as connection:
        assert connection.send_messages([queued_message(), queued_message()]) == 2
    files = sorted(settings.MAIL_DIR.glob("*.eml"))
    assert len(files) == 2
    for path in files:
        assert_delivered(path)
    assert capsys.readouterr().out.count(f"To: {RECIPIENT}") == 2
