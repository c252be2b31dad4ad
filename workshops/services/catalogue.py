"""The catalogue the offer finder searches: one stored row per offer (CatalogueEntry).

The finder filters and sorts on stored, indexed columns instead of counting enrolments
and parts for every date on every request. Whatever changes one of those columns calls
this module in the same transaction:

    refresh_dates(date_ids)    a date, its parts or its status changed (whole rows again)
    refresh_seats(date_ids)    enrolments changed (seats taken, waiting list: one UPDATE)
    refresh_series(series_ids) a series was saved, published or unpublished, or its topic
                               renamed (every row of the series)
    rebuild()                  all rows again (after a bulk import or a restore)
    fill_missing()             rows for dates that have none (run after every migrate)
    version()                  a value that changes whenever a row does, for caches

Signals (workshops/signals.py) call these for saves of dates, parts, enrolments, series
and topics; services that write with queryset.update() call them themselves.
"""

import re

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import strip_tags

from cms.models import WorkshopSeriesPage
from workshops.models import SEAT_HOLDING, CatalogueEntry, DatePart, Enrolment, WorkshopDate

HIDDEN_STATUSES = (WorkshopDate.Status.CANCELLED, WorkshopDate.Status.DONE)
# The words a search may find; a description longer than this adds nothing a visitor
# would search for, and keeps every row's text small.
SEARCH_TEXT_LIMIT = 20_000
# PostgreSQL's "simple" configuration lower-cases without stemming, so a search for
# "Schweiß" never finds "Schweiss" and word beginnings match as typed.
SEARCH_CONFIG = "simple"
BATCH = 1000
ENTRY_FIELDS = (
    "kind",
    "series",
    "visible",
    "first_start",
    "last_end",
    "topic",
    "format",
    "district",
    "price_member",
    "price_non_member",
    "funded",
    "capacity",
    "seats_taken",
    "waitlist_length",
    "search_text",
    "updated_at",
)
SPACES = re.compile(r"\s+")


def uses_text_index():
    return connection.vendor == "postgresql"


def _enrolments_counted(statuses, date_column="date_id"):
    return Coalesce(
        Subquery(
            Enrolment.objects.filter(date=OuterRef(date_column), status__in=statuses)
            .order_by()
            .values("date")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def _searchable(series):
    body_field = WorkshopSeriesPage._meta.get_field("body")
    words = [
        series.title,
        series.teaser,
        series.target_group,
        series.topic.name if series.topic_id else "",
        *(strip_tags(str(text)) for text in body_field.get_searchable_content(series.body)),
    ]
    return SPACES.sub(" ", " ".join(words)).strip().lower()[:SEARCH_TEXT_LIMIT]


def _series_facts(series_ids):
    """What every row of a series shares, by series id."""
    funded = set(
        WorkshopSeriesPage.funding_programmes.through.objects.filter(
            workshopseriespage_id__in=series_ids
        ).values_list("workshopseriespage_id", flat=True)
    )
    facts = {}
    for series in WorkshopSeriesPage.objects.filter(pk__in=series_ids).select_related("topic"):
        facts[series.pk] = {
            "live": series.live,
            "topic_id": series.topic_id,
            "format": series.format,
            "price_member": series.price_member,
            "price_non_member": series.price_non_member,
            "funded": series.pk in funded,
            "search_text": _searchable(series),
        }
    return facts


def _entries_for(dates):
    """Unsaved CatalogueEntry rows for `dates` (a WorkshopDate queryset)."""
    parts = DatePart.objects.filter(date=OuterRef("pk")).order_by()
    dates = list(
        dates.annotate(
            entry_first_start=Subquery(parts.order_by("starts_at").values("starts_at")[:1]),
            entry_last_end=Subquery(parts.order_by("-ends_at").values("ends_at")[:1]),
            entry_seats_taken=_enrolments_counted(SEAT_HOLDING, "pk"),
            entry_waitlist_length=_enrolments_counted(["waitlisted"], "pk"),
        ).order_by()
    )
    facts = _series_facts({date.series_id for date in dates})
    now = timezone.now()
    entries = []
    for date in dates:
        series = facts[date.series_id]
        entries.append(
            CatalogueEntry(
                kind=CatalogueEntry.Kind.WORKSHOP,
                date_id=date.pk,
                series_id=date.series_id,
                visible=series["live"] and date.status not in HIDDEN_STATUSES,
                first_start=date.entry_first_start,
                last_end=date.entry_last_end,
                topic_id=series["topic_id"],
                format=series["format"],
                district_id=date.district_id,
                price_member=series["price_member"],
                price_non_member=series["price_non_member"],
                funded=series["funded"],
                capacity=date.capacity,
                seats_taken=date.entry_seats_taken,
                waitlist_length=date.entry_waitlist_length,
                search_text=series["search_text"],
                updated_at=now,
            )
        )
    return entries


def _store(entries):
    if entries:
        CatalogueEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["date"],
            update_fields=list(ENTRY_FIELDS),
        )
        if uses_text_index():
            CatalogueEntry.objects.filter(date_id__in=[entry.date_id for entry in entries]).update(
                search_vector=SearchVector("search_text", config=SEARCH_CONFIG)
            )


def refresh_dates(date_ids):
    """Write the rows of these dates again from the dates, their parts, seats and series."""
    date_ids = sorted({pk for pk in date_ids if pk is not None})
    for start in range(0, len(date_ids), BATCH):
        batch = date_ids[start : start + BATCH]
        _store(_entries_for(WorkshopDate.objects.filter(pk__in=batch)))


def refresh_seats(date_ids):
    """Seats taken and the waiting list's length of these dates, counted again in one
    statement (call under the date's lock, in the transaction that changed them)."""
    CatalogueEntry.objects.filter(date_id__in=list(date_ids)).update(
        seats_taken=_enrolments_counted(SEAT_HOLDING),
        waitlist_length=_enrolments_counted(["waitlisted"]),
        updated_at=timezone.now(),
    )


def refresh_series(series_ids):
    refresh_dates(
        WorkshopDate.objects.filter(series_id__in=list(series_ids)).values_list("pk", flat=True)
    )


def refresh_topic(topic_id):
    refresh_series(
        WorkshopSeriesPage.objects.filter(topic_id=topic_id).values_list("pk", flat=True)
    )


def rebuild():
    """Every workshop row again, in batches; returns the number of rows."""
    ids = list(WorkshopDate.objects.values_list("pk", flat=True))
    refresh_dates(ids)
    return len(ids)


def fill_missing():
    """Rows for dates that have none yet (after the migration that made the catalogue, or
    dates written without signals); returns how many were added."""
    ids = list(
        WorkshopDate.objects.filter(catalogue_entry__isnull=True).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        refresh_dates(ids[start : start + BATCH])
    return len(ids)


def version():
    return CatalogueEntry.objects.version()
