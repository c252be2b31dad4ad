"""The outbox's Celery tasks: delivering one row, sweeping for due rows.

The apps' own periodic jobs live in their `tasks.py` (workshops.tasks, members.tasks),
found by Celery's autodiscovery; each takes primary keys (or nothing), due times live in
the database."""

import contextlib
import logging
import smtplib
import time

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from tasks.services import outbox

logger = logging.getLogger(__name__)


class ReusedConnection:
    """One open connection to the delivery backend per worker process, reused by tasks.

    A connection that sat idle for a while is replaced before use (servers drop idle
    clients); one the server closed anyway is reopened once. After any other error the
    next message starts on a fresh connection.
    """

    max_idle_seconds = 30

    def __init__(self):
        self.backend = None
        self.last_used = 0.0

    def _open(self):
        if self.backend is not None and time.monotonic() - self.last_used > self.max_idle_seconds:
            self.drop()
        if self.backend is None:
            self.backend = get_connection(settings.VERBUND_DELIVERY_EMAIL_BACKEND)
            self.backend.open()
        return self.backend

    def drop(self):
        if self.backend is not None:
            with contextlib.suppress(Exception):  # the server may be gone already
                self.backend.close()
        self.backend = None

    def send_messages(self, messages):
        try:
            try:
                sent = self._open().send_messages(messages)
            except smtplib.SMTPServerDisconnected:
                self.drop()
                sent = self._open().send_messages(messages)
        except BaseException:  # a time limit included: the session may be mid-message
            self.drop()
            raise
        self.last_used = time.monotonic()
        return sent


connection = ReusedConnection()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def deliver_notification(pk):
    """Send one outbox row. Failures are retried by the outbox with exponential backoff
    (the row's due time moves), never by a long countdown in the broker."""
    return outbox.deliver(pk, connection)


@shared_task(ignore_result=True, time_limit=120)
def sweep_outbox():
    """Enqueue every due pending notification that is not on its way (beat: every minute)."""
    return outbox.sweep()
