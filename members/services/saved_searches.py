"""Saved offer-finder searches: keep, list, delete, and tell their owners about new dates.

A date is new for a search when it was created after the search was saved, matches the
search now, is public, and was not in an earlier email of that search. Each check writes at
most one email per search into the notification outbox.
"""

import hashlib

from django.db import models, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.models import Topic, WorkshopSeriesPage
from members.models import District, SavedSearch
from tasks.services import outbox
from workshops.forms import read_offer_filters
from workshops.services import offers

MAX_SEARCHES_PER_USER = 30


class Kind(models.TextChoices):
    SAVED_SEARCH = "saved_search", gettext_lazy("Neue Termine zu einer gespeicherten Suche")


class Category(models.TextChoices):
    SAVED_SEARCHES = "saved_searches", gettext_lazy("Neue Termine zu gespeicherten Suchen")


class SavedSearchError(Exception):
    pass


def searches_of(user):
    """The saved searches an account may see and delete: only its own."""
    if user is None or not user.is_authenticated:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user)


def describe(filters):
    """A short name for a search in the active language, e.g. „Robotik · Landkreis
    Reutlingen · freie Plätze“; it is stored with the search and not translated later."""
    parts = []
    if filters.q:
        parts.append(f"„{filters.q[:60]}“")
    if filters.topic:
        topic = Topic.objects.filter(slug=filters.topic).first()
        parts.append(topic.name if topic else filters.topic)
    if filters.district:
        district = District.objects.filter(slug=filters.district).first()
        parts.append(district.name if district else filters.district)
    if filters.format in WorkshopSeriesPage.Format.values:
        parts.append(str(WorkshopSeriesPage.Format(filters.format).label))
    if filters.date_from:
        parts.append(_("ab %(day)s") % {"day": filters.date_from.strftime("%d.%m.%Y")})
    if filters.date_to:
        parts.append(_("bis %(day)s") % {"day": filters.date_to.strftime("%d.%m.%Y")})
    if filters.free_only:
        parts.append(_("freie Plätze"))
    if filters.member_free:
        parts.append(_("für Mitglieder kostenfrei"))
    if filters.funding:
        parts.append(_("förderfähig"))
    return " · ".join(parts)[:200]


def save_search(user, query_string):
    """Keep the finder's filters for `user`. Returns (search, created); the same filters
    saved twice give the one search back."""
    filters, problems = read_offer_filters(QueryDict(query_string or ""))
    if filters.is_empty:
        raise SavedSearchError(
            _(
                "Bitte wählen Sie zuerst mindestens einen Filter; eine Suche nach allen "
                "Terminen lässt sich nicht speichern."
            )
        )
    if problems:
        raise SavedSearchError(_("Diese Suche enthält ungültige Angaben."))
    normalised = filters.query_string()
    existing = searches_of(user).filter(query=normalised).first()
    if existing is not None:
        return existing, False
    if searches_of(user).count() >= MAX_SEARCHES_PER_USER:
        raise SavedSearchError(
            _("Sie haben bereits %(count)s Suchen gespeichert. Bitte löschen Sie zuerst eine.")
            % {"count": MAX_SEARCHES_PER_USER}
        )
    search = SavedSearch.objects.create(user=user, name=describe(filters), query=normalised)
    return search, True


def delete_search(user, search_id):
    """Delete one of the user's own searches; False when there is none with that id."""
    deleted, _rows = searches_of(user).filter(pk=search_id).delete()
    return bool(deleted)


def filters_of(search):
    return read_offer_filters(QueryDict(search.query))[0]


def batch_version(date_ids):
    """A stable name for one set of new dates: the same set never makes a second email."""
    joined = ",".join(str(pk) for pk in sorted(date_ids))
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def new_date_ids(search):
    filters = filters_of(search)
    return list(
        offers.find_offers(filters)
        .filter(created_at__gt=search.created_at)
        .exclude(pk__in=search.notified_date_ids or [])
        .values_list("pk", flat=True)
    )


def notify_new_dates(now=None):
    """Check every saved search of an active account once; write one email per search
    that has new dates. Returns how many emails were written."""
    now = now or timezone.now()
    upcoming_ids = set(offers.upcoming().values_list("date_id", flat=True))
    written = 0
    search_ids = SavedSearch.objects.filter(user__is_active=True).values_list("pk", flat=True)
    for search_id in search_ids:
        with transaction.atomic():
            search = (
                SavedSearch.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=search_id)
                .first()
            )
            if search is None:
                continue
            new_ids = sorted(new_date_ids(search))
            if new_ids:
                row = outbox.notify(
                    Kind.SAVED_SEARCH,
                    user=search.user,
                    about=search,
                    version=batch_version(new_ids),
                    context={"date_ids": new_ids},
                )
                written += row is not None
            # Dates that are over or gone can never come back as new: forget them.
            known = {pk for pk in (search.notified_date_ids or []) if pk in upcoming_ids}
            search.notified_date_ids = sorted(known | set(new_ids))
            search.last_checked_at = now
            search.save(update_fields=["notified_date_ids", "last_checked_at"])
    return written
