from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from workshops.services.enrolment import expire_offers

from .mail import deserialize_message


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
    acks_late=True,
    reject_on_worker_lost=True,
)
def deliver_email(payload):
    """Send one queued account email (verification, password reset, invitation)."""
    message = deserialize_message(payload)
    with get_connection(settings.VERBUND_DELIVERY_EMAIL_BACKEND) as connection:
        connection.send_messages([message])


@shared_task(ignore_result=True)
def expire_waitlist_offers():
    """Pass on every seat whose waiting-list offer has run out (run every minute by beat)."""
    return expire_offers()
