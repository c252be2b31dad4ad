"""The workshop emails: what they say, decided at the moment they are sent.

Registered with the outbox (tasks.registry) when the app loads. Most rows are about one
enrolment (written by workshops/services/notifications.py); the digests are about a firm
or the office. The context
shows the date as it is now; a message that no longer fits (a reminder for a seat that was
cancelled since, a waiting-list offer that has run out) is skipped.

Outlook shows the email body rather than the calendar entry's description, so the body
carries the essentials: series, every part's time, place or online link, how to cancel.
"""

from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from members.models import Firm, Person, administered_firm_ids
from tasks.registry import SkipNotification, category, kind
from tasks.services.render import recipient_address
from verbund.links import absolute_url
from workshops.models import Enrolment
from workshops.services import digests, invitations
from workshops.services import feedback as feedback_service
from workshops.services.enrolment import waitlist_position
from workshops.services.notifications import FINISHED_DATE, Category, Kind
from workshops.services.offer_links import offer_url

Status = Enrolment.Status

category(Category.REMINDERS, order=10)
category(Category.FOLLOW_UP, order=20)
category(Category.FIRM_DIGEST, order=40, offered_to=lambda user: bool(administered_firm_ids(user)))
category(Category.STAFF_DIGEST, order=50, offered_to=lambda user: user.is_staff)


def _enrolment(row):
    if (
        row.object_id is None
        or ContentType.objects.get_for_id(row.content_type_id).model_class() is not Enrolment
    ):
        raise SkipNotification("not about an enrolment")
    enrolment = (
        Enrolment.objects.select_related("date__series", "person__firm")
        .filter(pk=row.object_id)
        .first()
    )
    if enrolment is None:
        raise SkipNotification("enrolment deleted")
    return enrolment


def _context(row, enrolment, *, online_link=False):
    date = enrolment.date
    series = date.series
    parts = list(date.parts.order_by("starts_at", "pk"))
    if row.person_id:
        mine = absolute_url(reverse("enrolment:mine")) + f"#enrolment-{enrolment.pk}-title"
    else:
        # Whoever receives the mail for a colleague finds the seat among the firm's.
        mine = absolute_url(reverse("enrolment:firm"))
    return {
        "enrolment": enrolment,
        "workshop_date": date,
        "series": series,
        "series_url": absolute_url(series.url or "/"),
        "parts": parts,
        "first_start": parts[0].starts_at if parts else None,
        "place": date.venue_address,
        "accessibility": date.venue_accessibility,
        "online_url": date.online_url if online_link else "",
        "mine_url": mine,
        "cancel_url": absolute_url(reverse("enrolment:cancel", args=[enrolment.pk])),
        "cancellation_deadline": date.cancellation_deadline,
        "may_still_cancel": date.cancellation_deadline > timezone.now(),
        # No address for the participant: the email goes to whoever enrolled them.
        "on_behalf_of": "" if row.person_id else enrolment.person.full_name,
        "has_invitation": False,
    }


def _attach_invitation(context, row, enrolment, method):
    """The calendar file: an iTIP part for the mail program and the same file as
    invite.ics. Whoever receives mail for a participant gets a copy of their own."""
    if method == "CANCEL" and not invitations.may_cancel_in_calendar(enrolment):
        return
    itip, attachment = invitations.calendar_parts(enrolment, method, recipient_address(row))
    context["alternatives"] = [itip]
    context["attachments"] = [attachment]
    context["has_invitation"] = True


def _confirmed_on_a_date_ahead(enrolment):
    if enrolment.status != Status.CONFIRMED:
        raise SkipNotification(f"seat is {enrolment.status} now")
    if enrolment.date.status in FINISHED_DATE:
        raise SkipNotification(f"date is {enrolment.date.status} now")


@kind(Kind.ENROLMENT_CONFIRMED)
def enrolment_confirmed(row):
    enrolment = _enrolment(row)
    # A seat cancelled before this went out: the cancellation email says what counts.
    _confirmed_on_a_date_ahead(enrolment)
    context = _context(row, enrolment, online_link=True)
    _attach_invitation(context, row, enrolment, "REQUEST")
    return context


@kind(Kind.WAITLISTED)
def waitlisted(row):
    enrolment = _enrolment(row)
    if enrolment.status != Status.WAITLISTED:
        raise SkipNotification(f"no longer waiting ({enrolment.status})")
    context = _context(row, enrolment)
    context["position"] = waitlist_position(enrolment)
    context["offer_hours"] = enrolment.date.offer_hours
    return context


@kind(Kind.WAITLIST_OFFER)
def waitlist_offer(row):
    enrolment = _enrolment(row)
    if enrolment.status != Status.OFFERED:
        raise SkipNotification(f"offer already answered ({enrolment.status})")
    if enrolment.offer_expires_at <= timezone.now():
        raise SkipNotification("offer ran out before it was sent")
    context = _context(row, enrolment)
    context["offer_expires_at"] = enrolment.offer_expires_at
    context["respond_url"] = offer_url(enrolment)
    return context


@kind(Kind.OFFER_EXPIRED)
def offer_expired(row):
    return _context(row, _enrolment(row))


@kind(Kind.SEAT_CANCELLED)
def seat_cancelled(row):
    enrolment = _enrolment(row)
    context = _context(row, enrolment)
    context["by_office"] = row.context.get("by_office", False)
    if row.context.get("calendar_cancel"):
        _attach_invitation(context, row, enrolment, "CANCEL")
    return context


@kind(Kind.ENROLMENT_MOVED)
def enrolment_moved(row):
    """One message for a move: the new date, the old one beside it, the new invitation
    and (for a seat that was in the calendar) the old date's cancellation."""
    enrolment = _enrolment(row)
    _confirmed_on_a_date_ahead(enrolment)
    old = (
        Enrolment.objects.select_related("date__series", "person")
        .filter(pk=row.context.get("from_enrolment"))
        .first()
    )
    context = _context(row, enrolment, online_link=True)
    _attach_invitation(context, row, enrolment, "REQUEST")
    if old is not None:
        context["previous_parts"] = list(old.date.parts.order_by("starts_at", "pk"))
        context["previous_place"] = old.date.venue_address
        if row.context.get("calendar_cancel") and invitations.may_cancel_in_calendar(old):
            context["attachments"].append(
                invitations.cancellation_attachment(old, recipient_address(row))
            )
            context["has_cancellation"] = True
    return context


class _Span(NamedTuple):
    starts_at: datetime
    ends_at: datetime


@kind(Kind.DATE_RESCHEDULED)
def date_rescheduled(row):
    """The date changed: confirmed participants get the update with their calendar
    entry, the holder of an offer the offer at the new time, people waiting a notice."""
    enrolment = _enrolment(row)
    audience = row.context.get("audience", Status.CONFIRMED)
    if enrolment.status != audience:
        raise SkipNotification(f"seat is {enrolment.status} now, not {audience}")
    if enrolment.date.status in FINISHED_DATE:
        # A date cancelled since: the cancellation email is the one that counts.
        raise SkipNotification(f"date is {enrolment.date.status} now")
    confirmed = audience == Status.CONFIRMED
    context = _context(row, enrolment, online_link=confirmed)
    context["title_changed"] = row.context.get("change") == "title"
    context["audience"] = audience
    context["previous_parts"] = [
        _Span(datetime.fromisoformat(start), datetime.fromisoformat(end or start))
        for start, end in row.context.get("previous_parts", [])
    ]
    context["previous_place"] = row.context.get("previous_place", "")
    if audience == Status.OFFERED:
        context["offer_expires_at"] = enrolment.offer_expires_at
        context["respond_url"] = offer_url(enrolment)
    if confirmed:
        _attach_invitation(context, row, enrolment, "REQUEST")
    return context


@kind(Kind.DATE_CANCELLED)
def date_cancelled(row):
    enrolment = _enrolment(row)
    context = _context(row, enrolment)
    if row.context.get("calendar_cancel"):
        _attach_invitation(context, row, enrolment, "CANCEL")
    return context


@kind(Kind.REMINDER, category=Category.REMINDERS)
def reminder(row):
    enrolment = _enrolment(row)
    _confirmed_on_a_date_ahead(enrolment)
    context = _context(row, enrolment, online_link=True)
    if context["first_start"] is None or context["first_start"] <= timezone.now():
        raise SkipNotification("date has begun")
    return context


# --- After a date: thanks, the certificate of attendance and the feedback form -------


@kind(Kind.THANK_YOU, category=Category.FOLLOW_UP)
def thank_you(row):
    if row.object_id is None or row.content_type.model_class() is not Enrolment:
        raise SkipNotification("not about an enrolment")
    enrolment = (
        feedback_service.attended_enrolments()
        .select_related("date__series", "person")
        .filter(pk=row.object_id)
        .first()
    )
    if enrolment is None:
        raise SkipNotification("no attendance recorded (any more)")
    parts = list(enrolment.date.parts.order_by("starts_at", "pk"))
    return {
        "enrolment": enrolment,
        "workshop_date": enrolment.date,
        "series": enrolment.date.series,
        "first_start": parts[0].starts_at if parts else None,
        # The certificate needs a sign-in; people without an account get it from their firm.
        "has_account": enrolment.person.user_id is not None,
        "certificate_url": settings.SITE_URL
        + reverse("documents:certificate", args=[enrolment.pk]),
        "feedback_url": feedback_service.feedback_url(enrolment),
        "already_answered": feedback_service.existing_feedback(enrolment) is not None,
    }


# --- The weekly overview for firm admins and the daily one for the office ------------


@kind(Kind.FIRM_DIGEST, category=Category.FIRM_DIGEST)
def firm_digest(row):
    if row.object_id is None or row.content_type.model_class() is not Firm:
        raise SkipNotification("not about a firm")
    person = row.person
    if person is None or person.firm_id != row.object_id or person.role != Person.Role.ADMIN:
        raise SkipNotification("recipient is no longer the firm's admin")
    if person.left_on is not None:
        raise SkipNotification("recipient has left the firm")
    firm = Firm.objects.filter(pk=row.object_id, status=Firm.Status.ACTIVE).first()
    if firm is None:
        raise SkipNotification("firm is no longer a member")
    context = digests.firm_digest(firm)
    if context["is_empty"]:
        raise SkipNotification("nothing to report")
    context.update(
        firm_enrolments_url=absolute_url(reverse("enrolment:firm")),
    )
    return context


@kind(Kind.STAFF_DIGEST, category=Category.STAFF_DIGEST)
def staff_digest(row):
    user = row.user
    if user is None or not user.is_staff:
        raise SkipNotification("recipient is no longer staff")
    since = row.context.get("since")
    since = datetime.fromisoformat(since) if since else digests.staff_digest_since(row.due_at)
    context = digests.staff_digest(since)
    if context["is_empty"]:
        raise SkipNotification("nothing to report")
    context.update(
        admin_url=absolute_url(reverse("wagtailadmin_home")),
        enrolments_admin_url=absolute_url(reverse("anmeldungen:index")),
        applications_admin_url=absolute_url(reverse("mitgliedsantraege:index")),
    )
    return context
