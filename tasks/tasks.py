"""Celery tasks. Each takes primary keys (or nothing); due times live in the database."""

import contextlib
import logging
import smtplib
import time

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from tasks.services import outbox
from workshops.services.enrolment import expire_offers

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


@shared_task(ignore_result=True)
def expire_waitlist_offers():
    """Pass on every seat whose waiting-list offer has run out (run every minute by beat)."""
    return expire_offers()


@shared_task(ignore_result=True, time_limit=300)
def queue_thank_you_notes():
    """Thank-you notes with certificate and feedback links for the dates that just ended
    (beat: every 15 minutes; each enrolment is thanked once)."""
    from workshops.services.feedback import queue_thank_you_notes as queue

    return queue()


@shared_task(ignore_result=True, time_limit=300)
def queue_firm_digests():
    """The weekly overview for firm admins (beat: Monday 07:00 Berlin time)."""
    from tasks.services import digests

    return digests.queue_firm_digests()


@shared_task(ignore_result=True, time_limit=300)
def queue_staff_digests():
    """The daily overview for the coordination office (beat: daily 07:00 Berlin time)."""
    from tasks.services import digests

    return digests.queue_staff_digests()


@shared_task(ignore_result=True, time_limit=300)
def notify_saved_searches():
    """One email per saved search that has new matching dates (beat: every 15 minutes)."""
    from members.services.saved_searches import notify_new_dates

    return notify_new_dates()
