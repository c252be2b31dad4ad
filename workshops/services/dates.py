"""Staff operations on a whole date: noting a reschedule and cancelling it.

A date that moves keeps its enrolment and cancellation deadlines at the same distance from
its first start (`keep_distance`; the edit form applies it unless staff set them too).

Participants keep their seats when a date moves; the date's `sequence` rises so that
calendar entries sent earlier are replaced. Cancelling a date cancels every active
enrolment in the same transaction, each with a log entry.
"""

import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.models import ACTIVE, DatePart, Enrolment, EnrolmentLog, WorkshopDate
from workshops.services import catalogue, notifications
from workshops.services.enrolment import EnrolmentError, NotFound, lock_dates, offer_free_seats

# Changes participants must learn about: when and where the date takes place.
PLACE_FIELDS = (
    "venue_name",
    "venue_street",
    "venue_postal_code",
    "venue_city",
    "online_url",
)


DEADLINES = ("enrolment_deadline", "cancellation_deadline")


class Schedule(NamedTuple):
    enrolment_deadline: datetime.datetime
    cancellation_deadline: datetime.datetime
    first_start: datetime.datetime | None


def stored_schedule(date_id):
    """The date's deadlines and first start as stored (before an edit is saved)."""
    row = (
        WorkshopDate.objects.filter(pk=date_id)
        .annotate(first_start=Min("parts__starts_at"))
        .values_list(*DEADLINES, "first_start")
        .first()
    )
    return None if row is None else Schedule(*row)


def keep_distance(deadline, old_start, new_start):
    """A deadline at the same distance from the new start as it was from the old one."""
    return deadline + (new_start - old_start)


def snapshot(date_id):
    """What participants see of a date's time and place, as stored in the database."""
    place = WorkshopDate.objects.filter(pk=date_id).values_list(*PLACE_FIELDS).first()
    parts = tuple(
        DatePart.objects.filter(date_id=date_id)
        .order_by("starts_at", "ends_at")
        .values_list("starts_at", "ends_at")
    )
    return {"place": place, "parts": parts}


def before_edit(date_id):
    """What `after_edit` compares with: time and place, and the seats (`snapshot()` plus
    capacity and firm limit), read before the edit form saves."""
    seats = WorkshopDate.objects.filter(pk=date_id).values_list("capacity", "firm_limit").get()
    return {"schedule": snapshot(date_id), "seats": seats}


def after_edit(date, before, by_user=None):
    """Staff saved a date in its edit form: participants hear of a new time or place (the
    sequence rises), and seats that became free go to the waiting list."""
    record_change(date, before["schedule"])
    if (date.capacity, date.firm_limit) != before["seats"]:
        offer_free_seats(date.pk, by_user)


def record_change(date, before):
    """Raise the date's sequence when its parts or its place changed since `before`
    (a `snapshot()` taken before saving); returns True if it did. Seats stay as they are."""
    if snapshot(date.pk) == before:
        return False
    WorkshopDate.objects.filter(pk=date.pk).update(sequence=F("sequence") + 1)
    date.refresh_from_db(fields=["sequence"])
    notifications.date_rescheduled(date, before)
    return True


@transaction.atomic
def cancel_date(date_id, by_user, reason):
    """Cancel a date and every confirmed, offered and waiting enrolment on it.

    Returns the number of enrolments cancelled.
    """
    if not (by_user and by_user.is_staff):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise EnrolmentError(
            _("Bitte geben Sie einen Grund an."), code="reason_missing", status=400
        )
    date = lock_dates(date_id)[date_id]
    if date.status == WorkshopDate.Status.CANCELLED:
        raise EnrolmentError(_("Dieser Termin ist bereits abgesagt."), code="already_cancelled")
    now = timezone.now()
    active = list(
        Enrolment.objects.filter(date=date, status__in=ACTIVE).values_list("pk", "status")
    )
    Enrolment.objects.filter(pk__in=[pk for pk, _status in active]).update(
        status=Enrolment.Status.CANCELLED, offer_expires_at=None, updated_at=now
    )
    EnrolmentLog.objects.bulk_create(
        EnrolmentLog(
            enrolment_id=pk,
            from_status=status,
            to_status=Enrolment.Status.CANCELLED,
            by_user=by_user,
            reason=reason,
            created_at=now,
        )
        for pk, status in active
    )
    WorkshopDate.objects.filter(pk=date.pk).update(
        status=WorkshopDate.Status.CANCELLED,
        sequence=F("sequence") + 1,
        updated_at=now,
        cancelled_at=now,
    )
    # Written with update(), which no signal sees: the catalogue drops the date here.
    catalogue.refresh_dates([date.pk])
    notifications.date_cancelled(date, active, sequence=date.sequence + 1)
    return len(active)
