"""Calendar feed addresses: a long random token per account and per firm, and the dates
each feed shows.

The token is the only key to a token feed, so whoever holds the address sees the feed; a
new token makes the old address answer 404.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from members.models import CalendarFeedToken, Firm, Person, User, new_feed_token
from workshops.calendar import feed_dates
from workshops.models import Enrolment, EnrolmentLog, WorkshopDate

# --- Tokens --------------------------------------------------------------------------------


def _get_or_create(**owner):
    token = CalendarFeedToken.objects.filter(**owner).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return CalendarFeedToken.objects.create(**owner)
    except IntegrityError:
        return CalendarFeedToken.objects.get(**owner)


def personal_feed_token(user):
    """The token of `user`'s personal feed, created on first use."""
    return _get_or_create(user=user)


def firm_feed_token(firm):
    """The token of the firm's feed (all confirmed dates of its current people)."""
    return _get_or_create(firm=firm)


def regenerate(owner):
    """Give `owner` (a User or a Firm) a new token; the old address stops working."""
    if isinstance(owner, User):
        token = personal_feed_token(owner)
    elif isinstance(owner, Firm):
        token = firm_feed_token(owner)
    else:
        raise TypeError("owner must be a User or a Firm")
    token.token = new_feed_token()
    token.created_at = timezone.now()
    token.save(update_fields=["token", "created_at"])
    return token


def feed_url(token):
    """The absolute address of the feed behind `token`."""
    name = "calendar:person" if token.user_id else "calendar:firm"
    return settings.SITE_URL + reverse(name, kwargs={"token": token.token})


def has_personal_feed(user):
    """People at a firm (also after they left, for their past dates) and the office."""
    return user.is_staff or Person.objects.filter(user=user).exists()


def personal_feed_url(user):
    """The address of `user`'s personal feed, or None for an account without one."""
    return feed_url(personal_feed_token(user)) if has_personal_feed(user) else None


def token_or_none(value, *, kind):
    """The token with this value for a personal ("user") or firm ("firm") feed."""
    tokens = CalendarFeedToken.objects.filter(token=value, **{f"{kind}__isnull": False})
    return tokens.select_related(kind).first()


# --- What the feeds show ---------------------------------------------------------------------
# Each function returns a WorkshopDate queryset; the views pass it through
# workshops.calendar.dates_for_calendar() and feed_calendar(), which also drops cancelled
# dates once FEED_KEEP_CANCELLED has passed.


def _seat_feed(enrolments, now):
    """Dates with a confirmed seat among `enrolments`, and cancelled dates on which one of
    them held a confirmed seat until the date was cancelled."""
    lost_with_date = Exists(
        EnrolmentLog.objects.filter(
            enrolment=OuterRef("pk"),
            from_status=Enrolment.Status.CONFIRMED,
            to_status=Enrolment.Status.CANCELLED,
            created_at__gte=OuterRef("date__cancelled_at"),
        )
    )
    shown = enrolments.filter(
        Q(status=Enrolment.Status.CONFIRMED)
        | (
            Q(status=Enrolment.Status.CANCELLED, date__status=WorkshopDate.Status.CANCELLED)
            & Q(lost_with_date)
        )
    )
    return feed_dates(WorkshopDate.objects.filter(pk__in=shown.values("date_id")), now)


def _own_enrolments(user):
    return Enrolment.objects.for_user(user).filter(person__user=user)


def person_dates(user, now=None):
    """The dates of `user`'s personal feed: their own confirmed seats."""
    return _seat_feed(_own_enrolments(user), now or timezone.now())


def person_changed(user):
    """When one of `user`'s own enrolments last changed (also those no longer shown)."""
    return _own_enrolments(user).aggregate(changed=Max("updated_at"))["changed"]


def _firm_enrolments(firm):
    current = Person.objects.filter(firm=firm).current()
    return Enrolment.objects.filter(person__in=current.values("pk"))


def firm_dates(firm, now=None):
    """The dates of the firm feed: confirmed seats of the firm's current people."""
    return _seat_feed(_firm_enrolments(firm), now or timezone.now())


def firm_changed(firm):
    """When an enrolment of one of the firm's current people last changed."""
    return _firm_enrolments(firm).aggregate(changed=Max("updated_at"))["changed"]


def public_dates(now=None):
    """Dates of published series that have not ended yet (a date without parts counts as
    not ended); cancelled ones stay for a while, done ones never show."""
    now = now or timezone.now()
    dates = (
        WorkshopDate.objects.filter(series__live=True)
        .exclude(status=WorkshopDate.Status.DONE)
        .annotate(last_end=Max("parts__ends_at"))
        .filter(Q(last_end__gte=now) | Q(last_end__isnull=True))
    )
    return feed_dates(dates, now)
