"""Celery tasks. Each takes primary keys (or nothing); due times live in the database."""

import contextlib
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from tasks.services import outbox
from workshops.services.enrolment import expire_offers

logger = logging.getLogger(__name__)

class ReusedConnection:
    """One open connection to the delivery backend per worker process, reused by tasks.

    A connection the server closed while idle is reopened once; after any other error
    the next message starts on a fresh connection.
    """

    def __init__(self):
        self.backend = None

    def _open(self):
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
                return self._open().send_messages(messages)
            except smtplib.SMTPServerDisconnected:
                self.drop()
                return self._open().send_messages(messages)
        except Exception:
            self.drop()
            raise


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


@shared_task(ignore_result=True)
def expire_waitlist_offers():
    """Pass on every seat whose waiting-list offer has run out (run every minute by beat)."""
    return expire_offers()
