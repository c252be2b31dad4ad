"""Emails leave the request through the Celery queue and a real worker delivers them."""

import email
import email.policy
import json
import sqlite3
import subprocess
import sys
from email.mime.text import MIMEText
from pathlib import Path

from django.core.mail import EmailMessage, EmailMultiAlternatives

from tasks.mail import ConsoleAndFileBackend, deserialize_message, serialize_message
from tests.conftest import BASE_DIR, CeleryWorker, settings_free_env, wait_until

DELIVERY_TIMEOUT = 60  # seconds, worker start-up included
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


def assert_delivered(path: Path):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"].strip() == SUBJECT
    assert message["To"] == RECIPIENT
    assert "buero@verbund.example" in message["From"]
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == BODY
    return message


# Run in a separate process as the web application would: the message goes through
# EMAIL_BACKEND (the outbox) and is handed to the broker after the transaction commits.
SEND_SCRIPT = f"""
from django.core.mail import send_mail
from tasks.models import Notification
send_mail({SUBJECT!r}, {BODY!r}, None, [{RECIPIENT!r}])
print(Notification.objects.get().pk)
"""


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def row_state(database: Path, pk: int):
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT state, attempts FROM tasks_notification WHERE id = ?", [pk]
        ).fetchone()


def test_embedded_default_delivers_to_mail_dir(tmp_path):
    """No Redis, no SMTP: SQLite, kombu's file system broker and a real worker process
    that prints every message and writes it to MAIL_DIR (what `make run` does)."""
    database = tmp_path / "verbund.sqlite3"
    mail_dir = tmp_path / "mail"
    env = settings_free_env(tmp_path, DEBUG="1", DATABASE_URL=f"sqlite:///{database}")
    manage(env, "migrate", "--verbosity=0")
    pk = int(manage(env, "shell", "--command", SEND_SCRIPT).split()[-1])
    assert row_state(database, pk) == ("pending", 0)

    worker = CeleryWorker(env, "celery", tmp_path / "worker.log")
    try:
        [path] = wait_until(
            lambda: sorted(mail_dir.glob("*.eml")),
            timeout=DELIVERY_TIMEOUT,
            worker=worker,
            message="an .eml file in MAIL_DIR",
        )
        wait_until(
            lambda: row_state(database, pk) == ("sent", 1),
            timeout=DELIVERY_TIMEOUT,
            worker=worker,
            message="the row marked sent",
        )
    finally:
        worker.stop()
    assert assert_delivered(path)["X-Verbund-Notification"] == str(pk)
    assert f"To: {RECIPIENT}" in worker.output(), "the console copy goes to the worker's output"
    assert len(list(mail_dir.glob("*.eml"))) == 1


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
    invitation = MIMEText(
        ICS.replace("VERSION:2.0", "VERSION:2.0\r\nMETHOD:REQUEST"), "calendar", "utf-8"
    )
    invitation.set_param("method", "REQUEST")
    original.attach(invitation)

    payload = serialize_message(original)
    copy = deserialize_message(json.loads(json.dumps(payload)))

    for field in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to"):
        assert getattr(copy, field) == getattr(original, field), field
    assert copy.extra_headers == {"X-Verbund": "Anmeldung"}
    assert [tuple(alt) for alt in copy.alternatives] == [
        ("<p>Grüße aus <strong>Würzburg</strong></p>", "text/html")
    ]
    names = [(a[0], a[2]) for a in copy.attachments[:2]]
    assert names == [("termin.ics", "text/calendar"), ("plan.bin", "application/octet-stream")]
    assert copy.attachments[1][1] == bytes(range(256))

    parsed = email.message_from_bytes(copy.message().as_bytes(), policy=email.policy.default)
    assert parsed["Subject"].strip() == SUBJECT
    assert parsed["X-Verbund"] == "Anmeldung"
    assert parsed.get_body(("html",)).get_content().strip().endswith("</p>")
    calendar = next(p for p in parsed.iter_attachments() if p.get_filename() == "termin.ics")
    assert calendar.get_content_type() == "text/calendar"
    assert "SUMMARY:Schweißen für Einsteiger" in calendar.get_content()
    # A ready-made calendar part (an invitation) keeps its method and its text.
    [request] = [p for p in parsed.walk() if p.get_param("method") == "REQUEST"]
    assert request.get_content_type() == "text/calendar"
    assert "METHOD:REQUEST" in request.get_content()
    assert "SUMMARY:Schweißen für Einsteiger" in request.get_content()


def test_a_message_with_an_html_body_stays_html_through_the_outbox():
    """allauth sends an EmailMessage with an HTML body when a template exists only as .html;
    the recipient must see the page, not its markup as text."""
    original = EmailMessage(SUBJECT, "<p>Bitte bestätigen Sie Ihre Adresse.</p>", to=[RECIPIENT])
    original.content_subtype = "html"
    copy = deserialize_message(json.loads(json.dumps(serialize_message(original))))
    parsed = email.message_from_bytes(copy.message().as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "text/html"
    assert "<p>Bitte bestätigen Sie Ihre Adresse.</p>" in parsed.get_content()


def test_console_and_file_backend_writes_one_eml_per_message(settings, tmp_path, capsys):
    settings.MAIL_DIR = tmp_path / "mail"
    with ConsoleAndFileBackend() as connection:
        assert connection.send_messages([queued_message(), queued_message()]) == 2
    files = sorted(settings.MAIL_DIR.glob("*.eml"))
    assert len(files) == 2
    for path in files:
        assert_delivered(path)
    assert capsys.readouterr().out.count(f"To: {RECIPIENT}") == 2
