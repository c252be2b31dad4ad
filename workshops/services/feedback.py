"""After a date: thank-you notes to the people who attended, and their short feedback.

The feedback form is reached from the email without signing in, through a signed token
that names one enrolment. Each enrolment answers once.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, Max, Min, OuterRef
from django.urls import reverse
from django.utils import timezone

from tasks.models import Notification
from tasks.services import outbox
from workshops.models import Attendance, Enrolment, Feedback, WorkshopDate
from workshops.services.notifications import Kind

SALT = "verbund.feedback"
# The link in the thank-you email works for half a year.
TOKEN_MAX_AGE = timedelta(days=183)
# Thank-you notes go out for dates that ended within this window; older dates (e.g. when
# the job first runs on existing data) are left alone.
THANK_YOU_WINDOW = timedelta(days=14)


class FeedbackAlreadyGiven(Exception):
    """The enrolment has answered already; nothing was changed."""


def make_token(enrolment):
    return signing.dumps(enrolment.pk, salt=SALT)


def enrolment_for_token(token):
    """The enrolment a token names, if it may still give feedback; raises BadSignature
    (or its subclass SignatureExpired) or Enrolment.DoesNotExist."""
    enrolment_id = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    return attended_enrolments().select_related("date__series").get(pk=enrolment_id)


def feedback_url(enrolment):
    return settings.SITE_URL + reverse("feedback:form", args=[make_token(enrolment)])


def attended_enrolments():
    """Confirmed enrolments of dates that took place, with at least one part attended."""
    return (
        Enrolment.objects.filter(
            status=Enrolment.Status.CONFIRMED,
            person__erased_at__isnull=True,
        )
        .exclude(date__status=WorkshopDate.Status.CANCELLED)
        .filter(
            Exists(
                Attendance.objects.filter(
                    enrolment=OuterRef("pk"), status=Attendance.Status.ATTENDED
                )
            )
        )
    )


def existing_feedback(enrolment):
    return Feedback.objects.filter(enrolment=enrolment).first()


def submit(enrolment, *, rating, useful="", to_improve=""):
    """Save the one answer of an enrolment; raises FeedbackAlreadyGiven for a second one."""
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                enrolment=enrolment,
                rating=rating,
                useful=useful.strip(),
                to_improve=to_improve.strip(),
            )
    except IntegrityError:
        # A second answer, possibly sent at the same moment as the first one.
        if Feedback.objects.filter(enrolment=enrolment).exists():
            raise FeedbackAlreadyGiven from None
        raise


def enrolments_due_for_thank_you(now=None):
    """Attended enrolments of dates whose last part ended (within THANK_YOU_WINDOW) and
    that have no thank-you note in the outbox yet."""
    now = now or timezone.now()
    ended_dates = (
        WorkshopDate.objects.exclude(status=WorkshopDate.Status.CANCELLED)
        .filter(cancelled_at__isnull=True)
        .annotate(last_end=Max("parts__ends_at"))
        .filter(last_end__lte=now, last_end__gt=now - THANK_YOU_WINDOW)
        .values("pk")
    )
    already_thanked = Notification.objects.filter(
        kind=Kind.THANK_YOU,
        content_type=ContentType.objects.get_for_model(Enrolment),
        object_id=OuterRef("pk"),
    )
    return (
        attended_enrolments()
        .filter(date__in=ended_dates)
        .exclude(person__email="")
        .exclude(Exists(already_thanked))
        .select_related("person__user")
        .order_by("pk")
    )


def queue_thank_you_notes(now=None):
    """Write one thank-you note per attended enrolment of the dates that just ended;
    returns how many were written."""
    return outbox.notify_many(
        Kind.THANK_YOU,
        [
            (enrolment.person, enrolment, "", None, {})
            for enrolment in enrolments_due_for_thank_you(now).select_related("person__user")
        ],
    )


def summary_by_date():
    """Dates with feedback: number of answers and average rating, newest date first."""
    return (
        WorkshopDate.objects.filter(enrolments__feedback__isnull=False)
        .select_related("series")
        .annotate(
            feedback_count=Count("enrolments__feedback", distinct=True),
            average_rating=Avg("enrolments__feedback__rating"),
            first_start=Min("parts__starts_at"),
        )
        .order_by("-first_start", "-pk")
    )


def feedback_of_date(workshop_date):
    return Feedback.objects.filter(enrolment__date=workshop_date).order_by("-created_at", "pk")


def rating_distribution(workshop_date):
    """[(rating, number of answers)] for 5 down to 1, from one query."""
    counts = dict(
        Feedback.objects.filter(enrolment__date=workshop_date)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(rating, counts.get(rating, 0)) for rating in range(5, 0, -1)]
