"""Which emails a change to an enrolment or a date sends.

The enrolment rules call `status_changed` once per status change (from `_log`); the date
operations call `date_rescheduled`, `date_cancelled` and `series_renamed`. Every function
only writes outbox rows in the caller's transaction: a change that rolls back leaves no
email behind. What the email says is decided when it is sent (workshops/notifications.py),
so it always shows the date as it is then.

Each row is about one enrolment; its `version` tells events apart: the EnrolmentLog id for
a status change, `s<sequence>` for a change of the whole date, `<days>d-s<sequence>` for a
reminder.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Person
from tasks.models import Notification
from tasks.services import outbox
from workshops.models import DatePart, Enrolment, WorkshopDate
from workshops.services import reminders


class Kind(models.TextChoices):
    """The emails about workshop dates; their texts are in workshops/notifications.py."""

    ENROLMENT_CONFIRMED = "enrolment_confirmed", _("Anmeldung bestätigt")
    WAITLISTED = "waitlisted", _("Auf der Warteliste")
    WAITLIST_OFFER = "waitlist_offer", _("Nachrückplatz angeboten")
    OFFER_EXPIRED = "offer_expired", _("Nachrückplatz verfallen")
    SEAT_CANCELLED = "seat_cancelled", _("Anmeldung storniert")
    ENROLMENT_MOVED = "enrolment_moved", _("Umgebucht auf einen anderen Termin")
    DATE_RESCHEDULED = "date_rescheduled", _("Termin verschoben")
    DATE_CANCELLED = "date_cancelled", _("Termin abgesagt")
    REMINDER = "reminder", _("Erinnerung")
    THANK_YOU = "thank_you", _("Dank und Bescheinigung")
    FIRM_DIGEST = "firm_digest", _("Wochenübersicht für Unternehmen")
    STAFF_DIGEST = "staff_digest", _("Tagesübersicht für die Koordinierungsstelle")


class Category(models.TextChoices):
    """Which of them recipients can turn off (the others are essential)."""

    REMINDERS = "reminders", _("Erinnerungen vor Terminen")
    FOLLOW_UP = "follow_up", _("Dank und Feedback nach Terminen")
    FIRM_DIGEST = "firm_digest", _("Wochenübersicht für Unternehmen")
    STAFF_DIGEST = "staff_digest", _("Tagesübersicht für die Koordinierungsstelle")


Status = Enrolment.Status

# The email each new enrolment status sends. A declined offer sends none: the person has
# just declined it on the page and sees the result there.
STATUS_KINDS = {
    Status.CONFIRMED: Kind.ENROLMENT_CONFIRMED,
    Status.WAITLISTED: Kind.WAITLISTED,
    Status.OFFERED: Kind.WAITLIST_OFFER,
    Status.EXPIRED: Kind.OFFER_EXPIRED,
    Status.CANCELLED: Kind.SEAT_CANCELLED,
}

FINISHED_DATE = (WorkshopDate.Status.CANCELLED, WorkshopDate.Status.DONE)


def pending_reminders(enrolment_ids):
    """The reminders of these enrolments that have not gone out yet."""
    return Notification.objects.filter(
        kind=Kind.REMINDER,
        state=Notification.State.PENDING,
        content_type=ContentType.objects.get_for_model(Enrolment),
        object_id__in=list(enrolment_ids),
    )


def cancel_reminders(enrolment_ids, reason):
    """Drop the pending reminders of these enrolments; returns how many."""
    return outbox.cancel_pending(pending_reminders(enrolment_ids), reason)


def status_changed(enrolment, log):
    """Write the email for one enrolment status change (and keep its reminders in step)."""
    kind = STATUS_KINDS.get(log.to_status)
    if log.from_status == Status.CONFIRMED and log.to_status != Status.CONFIRMED:
        cancel_reminders([enrolment.pk], f"seat {log.to_status}")
    if kind is None:
        return
    context = {}
    if kind == Kind.SEAT_CANCELLED:
        # Only a seat that was in the calendar needs a calendar cancellation.
        context["calendar_cancel"] = log.from_status == Status.CONFIRMED
        context["by_office"] = bool(log.by_user_id) and log.by_user.is_staff
    outbox.notify(
        kind, **addressee(enrolment), about=enrolment, version=str(log.pk), context=context
    )
    if kind == Kind.ENROLMENT_CONFIRMED:
        schedule_reminders(enrolment.date, [enrolment])


def enrolment_moved(old, new, log, *, was_confirmed):
    """Staff moved a participant from `old` to `new` (a seat there): one message to
    whoever receives their mail, with the new invitation and, for a seat that was in the
    calendar, the old date's cancellation."""
    if was_confirmed:
        cancel_reminders([old.pk], "moved to another date")
    outbox.notify(
        Kind.ENROLMENT_MOVED,
        **addressee(new),
        about=new,
        version=str(log.pk),
        context={"from_enrolment": old.pk, "calendar_cancel": was_confirmed},
    )
    schedule_reminders(new.date, [new])


def addressee(enrolment, firm_admins=None):
    """Who hears about an enrolment: the participant, or, when we have no address for
    them, whoever at their firm enrolled them (a firm admin or contact), so the news can be
    passed on; when staff enrolled them, the firm's admin. Never the office itself.
    Returned as keyword arguments for `outbox.notify`; `firm_admins` is a {firm id: account}
    dict to look each firm's admin up once when writing many rows."""
    person = enrolment.person
    if person.email and person.erased_at is None:
        return {"person": person}
    enroller = enrolment.enrolled_by
    if (
        enroller is not None
        and enroller.is_active
        and not enroller.is_staff
        and enroller.pk != person.user_id
    ):
        return {"user": enroller}
    firm_admins = {} if firm_admins is None else firm_admins
    if person.firm_id not in firm_admins:
        firm_admins[person.firm_id] = firm_admin_account(person.firm_id)
    firm_admin = firm_admins[person.firm_id]
    if firm_admin is not None:
        return {"user": firm_admin}
    return {"person": person}


def firm_admin_account(firm_id):
    """The account of the firm's first active admin, or None."""
    admin = (
        Person.objects.filter(
            firm_id=firm_id,
            role=Person.Role.ADMIN,
            user__is_active=True,
            left_on__isnull=True,
            erased_at__isnull=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return admin.user if admin is not None else None


def schedule_reminders(date, enrolments, *, now=None):
    """Write the reminders still ahead for these confirmed enrolments of `date`.

    Reminders are for participants we can reach themselves; they are not passed on.
    """
    enrolments = [enrolment for enrolment in enrolments if enrolment.person.email]
    if not enrolments:
        return 0
    first_start = DatePart.objects.filter(date_id=date.pk).aggregate(first=Min("starts_at"))[
        "first"
    ]
    due = reminders.upcoming(first_start, date.sequence, now or timezone.now())
    return notify_many(
        Kind.REMINDER,
        [(enrolment, version, due_at, {}) for enrolment in enrolments for version, due_at in due],
    )


def date_rescheduled(date, before=None):
    """The date moved in time or place (its sequence has risen). Everyone with a stake
    hears of it, with the old time beside the new one (`before` is the `dates.snapshot()`
    taken before the change): confirmed participants get an updated calendar entry and
    their reminders timed anew, the holder of a waiting-list offer the offer at the new
    time, people on the waiting list a short notice."""
    if not _still_ahead(date):
        return 0
    stake = list(
        Enrolment.objects.filter(
            date_id=date.pk, status__in=[Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED]
        ).select_related("person__user", "person__firm", "enrolled_by")
    )
    if not stake:
        return 0
    confirmed = [enrolment for enrolment in stake if enrolment.status == Status.CONFIRMED]
    cancel_reminders(
        [enrolment.pk for enrolment in confirmed], f"date moved (sequence {date.sequence})"
    )
    schedule_reminders(date, confirmed)
    previous = previous_time_and_place(before)
    return notify_many(
        Kind.DATE_RESCHEDULED,
        [
            (
                enrolment,
                f"s{date.sequence}",
                None,
                {"change": "time_or_place", "audience": str(enrolment.status), **previous},
            )
            for enrolment in stake
        ],
    )


def previous_time_and_place(before):
    """What the participants' emails show as "bisher": the parts' times (ISO, JSON-safe)
    and the place from a `dates.snapshot()`."""
    if not before:
        return {}
    name, street, postal_code, city, _online_url = before["place"] or ("",) * 5
    place = WorkshopDate(
        venue_name=name, venue_street=street, venue_postal_code=postal_code, venue_city=city
    ).venue_address
    return {
        "previous_parts": [
            [start.isoformat(), end.isoformat() if end else None] for start, end in before["parts"]
        ],
        "previous_place": place,
    }


def date_cancelled(date, cancelled, sequence):
    """The date is cancelled. `cancelled` is [(enrolment id, status before)] of every
    enrolment that was active; confirmed ones also get a calendar cancellation."""
    if not cancelled:
        return 0
    was_confirmed = {pk for pk, status in cancelled if status == Status.CONFIRMED}
    cancel_reminders(was_confirmed, "date cancelled")
    enrolments = Enrolment.objects.filter(pk__in=[pk for pk, _status in cancelled]).select_related(
        "person__user", "enrolled_by"
    )
    return notify_many(
        Kind.DATE_CANCELLED,
        [
            (enrolment, f"s{sequence}", None, {"calendar_cancel": enrolment.pk in was_confirmed})
            for enrolment in enrolments
        ],
    )


def series_renamed(date_ids):
    """A series was published under a new title and these dates' sequence rose: confirmed
    participants of dates still ahead get an updated calendar entry with the new title."""
    if not date_ids:
        return 0
    dates = {
        date.pk: date
        for date in WorkshopDate.objects.filter(pk__in=list(date_ids))
        .exclude(status__in=FINISHED_DATE)
        .annotate(last_end=Max("parts__ends_at"))
        .filter(last_end__gt=timezone.now())
    }
    confirmed = Enrolment.objects.filter(
        date_id__in=list(dates), status=Status.CONFIRMED
    ).select_related("person__user", "enrolled_by")
    return notify_many(
        Kind.DATE_RESCHEDULED,
        [
            (enrolment, f"s{dates[enrolment.date_id].sequence}", None, {"change": "title"})
            for enrolment in confirmed
        ],
    )


def _still_ahead(date):
    """Participants only hear about dates that are not over or cancelled."""
    if date.status in FINISHED_DATE:
        return False
    last_end = DatePart.objects.filter(date_id=date.pk).aggregate(last=Max("ends_at"))["last"]
    return last_end is not None and last_end > timezone.now()


def notify_many(kind, entries):
    """`outbox.notify_many` for enrolments: `entries` are (enrolment, version, due time or
    None for now, context), with `person` (and its `user`) and `enrolled_by` loaded."""
    firm_admins = {}
    return outbox.notify_many(
        kind,
        [
            (_recipient(enrolment, firm_admins), enrolment, version, due_at, context)
            for enrolment, version, due_at, context in entries
        ],
    )


def _recipient(enrolment, firm_admins):
    [(_name, recipient)] = addressee(enrolment, firm_admins).items()
    return recipient
