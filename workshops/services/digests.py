"""Overviews by email: weekly for firm admins, daily for the coordination office.

Queueing writes one outbox row per recipient and period (ISO week or day); the row's key
makes a second run in the same period write nothing. The content is gathered when the
row is sent, in a fixed number of queries, and a digest with nothing in it is not sent.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from members.models import Firm, MembershipApplication, Person
from tasks.models import Unsubscription
from tasks.services import outbox
from workshops.models import Enrolment, WorkshopDate
from workshops.services.notifications import Category, Kind

# Firm digest: the employees' confirmed dates starting within this horizon.
FIRM_DIGEST_HORIZON = timedelta(weeks=4)
# Staff digest: a date is at risk of being under-booked when its enrolment deadline is
# within UNDERBOOKED_DEADLINE_WINDOW and fewer than this share of its seats are taken.
UNDERBOOKED_DEADLINE_WINDOW = timedelta(days=7)
UNDERBOOKED_SEAT_SHARE = 0.5
# At most this many new enrolments are listed one by one; the rest are counted.
NEW_ENROLMENTS_LISTED = 50


def firm_digest_version(now=None):
    year, week, _weekday = timezone.localdate(now).isocalendar()
    return f"{year}-W{week:02d}"


def staff_digest_version(now=None):
    return timezone.localdate(now).isoformat()


def _not_unsubscribed(category, *, person_field=None, user_field=None):
    """A filter excluding recipients who turned `category` off (as person or account)."""
    turned_off = Q()
    if person_field:
        turned_off |= Q(person_id=OuterRef(person_field))
    if user_field:
        turned_off |= Q(user_id=OuterRef(user_field))
    return ~Exists(Unsubscription.objects.filter(turned_off, category=category))


# --- Firm digest ---------------------------------------------------------------------------


def firm_admins():
    """Current admins of active member firms who have an address."""
    return (
        Person.objects.filter(
            role=Person.Role.ADMIN,
            firm__status=Firm.Status.ACTIVE,
            left_on__isnull=True,
            erased_at__isnull=True,
        )
        .exclude(email="")
        .filter(_not_unsubscribed(Category.FIRM_DIGEST, person_field="pk", user_field="user_id"))
    )


def upcoming_firm_enrolments(firm_ids, now=None):
    now = now or timezone.now()
    return (
        Enrolment.objects.filter(
            person__firm_id__in=firm_ids,
            person__left_on__isnull=True,
            status=Enrolment.Status.CONFIRMED,
        )
        .exclude(date__status=WorkshopDate.Status.CANCELLED)
        .annotate(first_start=Min("date__parts__starts_at"))
        .filter(first_start__gte=now, first_start__lt=now + FIRM_DIGEST_HORIZON)
        .select_related("person", "date__series")
        .order_by("first_start", "person__last_name", "person__first_name", "pk")
    )


def open_firm_offers(firm_ids, now=None):
    now = now or timezone.now()
    return (
        Enrolment.objects.filter(
            person__firm_id__in=firm_ids,
            status=Enrolment.Status.OFFERED,
            offer_expires_at__gt=now,
        )
        .annotate(first_start=Min("date__parts__starts_at"))
        .select_related("person", "date__series")
        .order_by("offer_expires_at", "pk")
    )


def firm_digest(firm, now=None):
    """What a firm admin reads this week: two lists, each from one query."""
    upcoming = list(upcoming_firm_enrolments([firm.pk], now))
    offers = list(open_firm_offers([firm.pk], now))
    return {
        "firm": firm,
        "upcoming": upcoming,
        "offers": offers,
        "is_empty": not upcoming and not offers,
        "horizon_weeks": FIRM_DIGEST_HORIZON.days // 7,
    }


def queue_firm_digests(now=None):
    """One row per firm admin whose firm has something to report; returns rows written."""
    now = now or timezone.now()
    version = firm_digest_version(now)
    admins = list(firm_admins().select_related("firm", "user"))
    firm_ids = {admin.firm_id for admin in admins}
    with_content = set(
        upcoming_firm_enrolments(firm_ids, now).values_list("person__firm_id", flat=True)
    ) | set(open_firm_offers(firm_ids, now).values_list("person__firm_id", flat=True))
    return outbox.notify_many(
        Kind.FIRM_DIGEST,
        [
            (admin, admin.firm, version, None, {})
            for admin in admins
            if admin.firm_id in with_content
        ],
    )


# --- Staff digest --------------------------------------------------------------------------


def staff_recipients():
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .filter(_not_unsubscribed(Category.STAFF_DIGEST, user_field="pk"))
    )


def new_enrolments(since):
    return (
        Enrolment.objects.filter(created_at__gte=since)
        .select_related("person__firm", "date__series")
        .annotate(first_start=Min("date__parts__starts_at"))
        .order_by("-created_at", "-pk")
    )


def _running_dates(now):
    return (
        WorkshopDate.objects.exclude(
            status__in=[WorkshopDate.Status.CANCELLED, WorkshopDate.Status.DONE]
        )
        .with_seat_counts()
        .filter(first_start__gte=now)
        .select_related("series")
    )


def underbooked_dates(now=None):
    """Dates whose enrolment deadline is near and that have fewer than
    UNDERBOOKED_SEAT_SHARE of their seats taken."""
    now = now or timezone.now()
    candidates = (
        _running_dates(now)
        .filter(
            enrolment_deadline__gt=now, enrolment_deadline__lte=now + UNDERBOOKED_DEADLINE_WINDOW
        )
        .order_by("enrolment_deadline", "pk")
    )
    return [
        date for date in candidates if date.seats_taken < date.capacity * UNDERBOOKED_SEAT_SHARE
    ]


def full_dates_with_waiting_lists(now=None):
    now = now or timezone.now()
    dates = _running_dates(now).filter(waitlist_length__gt=0).order_by("first_start", "pk")
    return [date for date in dates if date.seats_taken >= date.capacity]


def pending_applications():
    return (
        MembershipApplication.objects.filter(decided_at__isnull=True)
        .select_related("firm")
        .order_by("submitted_at", "pk")
    )


def content_in_moderation():
    """Pages (and other content) waiting for approval in a Wagtail workflow."""

    states = list(
        WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
        .select_related("current_task_state__task", "requested_by")
        .order_by("created_at", "pk")
    )
    page_type_id = ContentType.objects.get_for_model(Page).pk
    page_ids = [
        int(state.object_id)
        for state in states
        if state.base_content_type_id == page_type_id and state.object_id.isdigit()
    ]
    pages = Page.objects.in_bulk(page_ids)
    waiting = []
    for state in states:
        page = None
        if state.base_content_type_id == page_type_id and state.object_id.isdigit():
            page = pages.get(int(state.object_id))
        content_type = ContentType.objects.get_for_id(state.base_content_type_id)
        task_state = state.current_task_state
        waiting.append(
            {
                "title": page.title if page else f"{content_type.name} {state.object_id}",
                "page": page,
                "task": task_state.task.name if task_state is not None else "",
                "requested_by": state.requested_by,
                "since": state.created_at,
            }
        )
    return waiting


def staff_digest(since, now=None):
    now = now or timezone.now()
    enrolments = list(new_enrolments(since)[: NEW_ENROLMENTS_LISTED + 1])
    digest = {
        "since": since,
        "new_enrolments": enrolments[:NEW_ENROLMENTS_LISTED],
        "new_enrolments_count": (
            len(enrolments)
            if len(enrolments) <= NEW_ENROLMENTS_LISTED
            else new_enrolments(since).count()
        ),
        "underbooked": underbooked_dates(now),
        "underbooked_share_percent": round(UNDERBOOKED_SEAT_SHARE * 100),
        "underbooked_window_days": UNDERBOOKED_DEADLINE_WINDOW.days,
        "full_with_waitlist": full_dates_with_waiting_lists(now),
        "applications": list(pending_applications()),
        "in_moderation": content_in_moderation(),
    }
    digest["is_empty"] = not any(
        digest[key]
        for key in (
            "new_enrolments",
            "underbooked",
            "full_with_waitlist",
            "applications",
            "in_moderation",
        )
    )
    return digest


def staff_digest_since(now):
    return now - timedelta(days=1)


def queue_staff_digests(now=None):
    """One row per active staff account, when there is anything to report."""
    now = now or timezone.now()
    recipients = list(staff_recipients())
    if not recipients or staff_digest(staff_digest_since(now), now)["is_empty"]:
        return 0
    version = staff_digest_version(now)
    context = {"since": staff_digest_since(now).isoformat()}
    return outbox.notify_many(
        Kind.STAFF_DIGEST,
        [(user, None, version, None, context) for user in recipients],
    )
