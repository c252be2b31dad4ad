"""When reminders before a workshop date are due.

A confirmed seat gets one reminder per entry of `settings.VERBUND_REMINDER_DAYS` (days
before the first part), due at the same wall-clock time in Europe/Berlin as the start, so a
09:00 workshop is announced at 09:00 even across a change to or from summer time. A reminder
whose time has passed when the seat is confirmed is not written at all: nobody gets a
"in 7 days" email two days before. When a date moves, the pending reminders are dropped and
written again under a version that names the date's new sequence (see
`workshops.services.notifications`, which writes and drops the rows).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

BERLIN = ZoneInfo("Europe/Berlin")


def reminder_days():
    """The configured offsets in days, largest first, without duplicates."""
    return sorted(
        {int(days) for days in settings.VERBUND_REMINDER_DAYS if int(days) > 0}, reverse=True
    )


def due_at(first_start, days):
    """`days` calendar days before `first_start`, at the same local time in Berlin."""
    local = first_start.astimezone(BERLIN)
    wall_clock = datetime.combine(local.date() - timedelta(days=days), local.time())
    # A wall-clock time skipped in spring (02:30) comes out an hour later (03:30); a time
    # that occurs twice in autumn means its first occurrence.
    return wall_clock.replace(tzinfo=BERLIN, fold=0)


def version(days, sequence):
    return f"{days}d-s{sequence}"


def upcoming(first_start, sequence, now):
    """[(version, due time)] of the reminders still ahead of `now` for a date."""
    if first_start is None:
        return []
    reminders = []
    for days in reminder_days():
        due = due_at(first_start, days)
        if now < due < first_start:
            reminders.append((version(days, sequence), due))
    return reminders
