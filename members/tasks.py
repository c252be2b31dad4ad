"""The members' periodic jobs (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from members.services.saved_searches import notify_new_dates


@shared_task(ignore_result=True, time_limit=300)
def notify_saved_searches():
    """One email per saved search that has new matching dates (beat: every 15 minutes)."""
    return notify_new_dates()
