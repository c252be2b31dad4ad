"""The offer finder: one set of filters for the page /angebote/ and GET /api/v1/offers.

    filters = OfferFilters(q="Robotik", district="reutlingen", free_only=True)
    unknown_values(filters)  -> {field: message} for a format, topic or district that
                                does not exist
    problems(filters)        -> the same, and a date range that ends before it starts
    find_offers(filters)     -> upcoming public dates matching every filter, by date
    facet_counts(filters)    -> for each option, how many dates it would give with the
                                other filters applied (a fixed number of queries)

Seat counts and the first start are correlated subqueries rather than joins with
aggregates, so the same queryset can be grouped by topic, format or district for counts.
"""

import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import Topic, WorkshopSeriesPage
from members.models import District
from verbund.text import CONTROL_CHARACTERS
from workshops.models import DatePart, WorkshopDate

# Longer search texts are cut, not refused: nobody types more, and the search stays cheap.
Q_MAX_LENGTH = 200
FORMATS = tuple(WorkshopSeriesPage.Format.values)
CHECKBOXES = ("free_only", "member_free", "funding")
# Letters, digits and the hyphen make a search word; everything else only separates words,
# so quotes, brackets or operators in the text never reach the search backend's syntax.
NON_WORD = re.compile(r"[^\w-]+")


def clean_text(value):
    """A search text as the finder uses it: no control characters, single spaces, at most
    Q_MAX_LENGTH characters."""
    value = CONTROL_CHARACTERS.sub(" ", value or "")
    return " ".join(value.split())[:Q_MAX_LENGTH].strip()


@dataclass(frozen=True)
class OfferFilters:
    q: str = ""
    topic: str = ""
    format: str = ""
    date_from: date | None = None
    date_to: date | None = None
    district: str = ""
    free_only: bool = False
    member_free: bool = False
    funding: bool = False

    def __post_init__(self):
        object.__setattr__(self, "q", clean_text(self.q))
        for name in ("topic", "format", "district"):
            object.__setattr__(self, name, (getattr(self, name) or "").strip()[:100])
        for name in CHECKBOXES:
            object.__setattr__(self, name, bool(getattr(self, name)))

    def items(self):
        """The filters that are set, as (name, text) pairs in a fixed order."""
        pairs = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value in ("", None, False):
                continue
            if value is True:
                value = "true"
            elif isinstance(value, date):
                value = value.isoformat()
            pairs.append((item.name, value))
        return pairs

    def query_string(self):
        """The normalised query string: only the filters that are set, always in one order."""
        return urlencode(self.items())

    def without(self, *names):
        defaults = {item.name: item.default for item in fields(self) if item.name in names}
        return replace(self, **defaults)

    @property
    def is_empty(self):
        return not self.items()


# --- Checks ----------------------------------------------------------------------------------


def unknown_values(filters):
    """Filter values that name nothing, as {field: message}: a format, topic or district
    that does not exist."""
    errors = {}
    if filters.topic and not Topic.objects.filter(slug=filters.topic).exists():
        errors["topic"] = _("Dieses Thema gibt es nicht. Bitte wählen Sie eines aus der Liste.")
    if filters.district and not District.objects.filter(slug=filters.district).exists():
        errors["district"] = _("Diesen Kreis gibt es nicht. Bitte wählen Sie einen aus der Liste.")
    if filters.format and filters.format not in FORMATS:
        errors["format"] = _("Erlaubt sind: %(values)s.") % {"values": ", ".join(FORMATS)}
    return errors


def problems(filters):
    """Input the finder form cannot answer, as {field: message}: unknown values, or a date
    range that ends before it starts (which could only ever find nothing)."""
    errors = unknown_values(filters)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["date_to"] = _("Das Enddatum darf nicht vor dem Anfangsdatum liegen.")
    return errors


# --- Queries ---------------------------------------------------------------------------------


def upcoming():
    """Dates the public may see (live series, not cancelled or done, not begun), with
    `first_start`, `seats_taken` and `waitlist_length`."""
    return (
        WorkshopDate.objects.filter(series__live=True)
        .exclude(status__in=[WorkshopDate.Status.CANCELLED, WorkshopDate.Status.DONE])
        .with_seat_counts()
        .filter(first_start__gte=timezone.now())
    )


def matching_series_ids(text):
    """Ids of live series whose text contains every word, by the site's search backend
    (PostgreSQL full text on PostgreSQL)."""
    words = NON_WORD.sub(" ", text).split()
    if not words:
        return []
    results = (
        WorkshopSeriesPage.objects.live()
        .only("pk")
        .search(" ".join(words), operator="and", order_by_relevance=False)
    )
    return [page.pk for page in results]


# Midnight of an earlier day may not be expressible in UTC (year 1 in Berlin is year 0 in
# UTC); nothing the finder shows starts before it, so an earlier "from" day means the same.
EARLIEST_DAY = date(1900, 1, 1)


def _day_start(day):
    """Midnight at the start of `day` in the site's time zone."""
    return datetime.combine(
        max(day, EARLIEST_DAY), time.min, tzinfo=timezone.get_current_timezone()
    )


def _funded_series():
    return WorkshopSeriesPage.objects.filter(funding_programmes__isnull=False).values("pk")


def checkbox_condition(name):
    if name == "free_only":
        return Q(seats_taken__lt=F("capacity"))
    if name == "member_free":
        return Q(series__price_member=0)
    return Q(series_id__in=_funded_series())


def search_condition(filters):
    """The condition for the search text, worked out once (one query on the search index)
    and shared by the result list and the counts. None without a search text."""
    return _text_condition(filters.q) if filters.q else None


def _text_condition(text):
    # Full text finds whole words anywhere in the series (body included); the substring
    # match on title, teaser and topic finds the beginnings of words ("Robot" → "Robotik").
    return (
        Q(series_id__in=matching_series_ids(text))
        | Q(series__title__icontains=text)
        | Q(series__teaser__icontains=text)
        | Q(series__topic__name__icontains=text)
    )


def _apply(offers, filters, skip=(), text_condition=None):
    if filters.q:
        offers = offers.filter(text_condition or _text_condition(filters.q))
    if filters.date_from:
        offers = offers.filter(first_start__gte=_day_start(filters.date_from))
    # The last day the calendar knows has no day after it, and nothing lies beyond it.
    if filters.date_to and filters.date_to < date.max:
        offers = offers.filter(first_start__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.topic and "topic" not in skip:
        offers = offers.filter(series__topic__slug=filters.topic)
    if filters.format and "format" not in skip:
        offers = offers.filter(series__format=filters.format)
    if filters.district and "district" not in skip:
        offers = offers.filter(district__slug=filters.district)
    for name in CHECKBOXES:
        if getattr(filters, name) and name not in skip:
            offers = offers.filter(checkbox_condition(name))
    return offers


def find_offers(filters, *, text_condition=None):
    """The dates matching every filter, earliest first, ready to show (series, topic,
    district and parts loaded)."""
    return (
        _apply(upcoming(), filters, text_condition=text_condition)
        .select_related("series", "series__topic", "district")
        .prefetch_related(Prefetch("parts", queryset=DatePart.objects.order_by("starts_at")))
        .order_by("first_start", "pk")
    )


# --- Counts per option -----------------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facets:
    topics: list
    formats: list
    districts: list
    checkboxes: dict  # name -> count with that box ticked (and the other filters)
    # For "all topics", "all formats", "all districts": the count without that filter.
    totals: dict


def _grouped(offers, key):
    return dict(offers.order_by().values_list(key).annotate(n=Count("pk")))


def facet_counts(filters, *, text_condition=None):
    """For each option of each filter, how many dates the finder would show if it were
    chosen, the other filters staying as they are. Six queries, whatever the data."""
    if filters.q and text_condition is None:
        text_condition = _text_condition(filters.q)
    base = upcoming()

    def others(*names):
        return _apply(base, filters, skip=names, text_condition=text_condition)

    topic_counts = _grouped(others("topic"), "series__topic")
    format_counts = _grouped(others("format"), "series__format")
    district_counts = _grouped(others("district"), "district")

    ticked = [name for name in CHECKBOXES if getattr(filters, name)]
    box_counts = {}
    for name in CHECKBOXES:
        condition = checkbox_condition(name)
        for other in ticked:
            if other != name:
                condition &= checkbox_condition(other)
        box_counts[name] = Count("pk", filter=condition)
    checkboxes = others(*CHECKBOXES).order_by().aggregate(**box_counts)

    topics = [
        Option(topic.slug, topic.name, topic_counts.get(topic.pk, 0), topic.slug == filters.topic)
        for topic in Topic.objects.order_by("name")
    ]
    formats = [
        Option(value, str(label), format_counts.get(value, 0), value == filters.format)
        for value, label in WorkshopSeriesPage.Format.choices
    ]
    districts = [
        Option(
            district.slug,
            district.name,
            district_counts.get(district.pk, 0),
            district.slug == filters.district,
        )
        for district in District.objects.order_by("name")
    ]
    totals = {
        "topic": sum(topic_counts.values()),
        "format": sum(format_counts.values()),
        "district": sum(district_counts.values()),
    }
    return Facets(
        topics=topics,
        formats=formats,
        districts=districts,
        checkboxes=checkboxes,
        totals=totals,
    )
