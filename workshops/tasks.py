"""The workshops' periodic jobs (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from workshops.services import digests, feedback
from workshops.services.enrolment import expire_offers


@shared_task(ignore_result=True)
def expire_waitlist_offers():
    """Pass on every seat whose waiting-list offer has run out (run every minute by beat)."""
    return expire_offers()


@shared_task(ignore_result=True, time_limit=300)
def queue_thank_you_notes():
    """Thank-you notes with certificate and feedback links for the dates that just ended
    (beat: every 15 minutes; each enrolment is thanked once)."""
    return feedback.queue_thank_you_notes()


@shared_task(ignore_result=True, time_limit=300)
def queue_firm_digests():
    """The weekly overview for firm admins (beat: Monday 07:00 Berlin time)."""
    return digests.queue_firm_digests()


@shared_task(ignore_result=True, time_limit=300)
def queue_staff_digests():
    """The daily overview for the coordination office (beat: daily 07:00 Berlin time)."""
    return digests.queue_staff_digests()
