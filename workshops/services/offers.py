"""The offer finder: one set of filters for the page /angebote/ and GET /api/v1/offers.

    filters = OfferFilters(q="Robotik", district="reutlingen", free_only=True)
    unknown_values(filters)  -> {field: message} for a format, topic or district that
                                does not exist
    problems(filters)        -> the same, and a date range that ends before it starts
    results(filters)         -> upcoming public dates matching every filter, by date,
                                loaded a page at a time
    find_offers(filters)     -> the same as one queryset of dates
    facet_counts(filters)    -> for each option, how many dates it would give with the
                                other filters applied (one query, cached for a minute)

Everything is asked of the catalogue (workshops.services.catalogue): first start, seats,
topic, format, district, prices and the search text are stored there and indexed, so no
request counts enrolments or parts.
"""

import hashlib
import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import Topic, WorkshopSeriesPage
from members.models import District
from verbund.text import CONTROL_CHARACTERS
from workshops.models import CatalogueEntry, WorkshopDate
from workshops.services import catalogue

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

# Dates reach their catalogue row through this relation.
ENTRY = "catalogue_entry__"


def upcoming():
    """Catalogue rows the public may see (live series, not cancelled or done) that have
    not begun."""
    return CatalogueEntry.objects.filter(visible=True, first_start__gte=timezone.now())


def search_words(text):
    """The lower-case words of a search text; quotes, brackets or operators never reach
    the search backend's syntax."""
    return NON_WORD.sub(" ", text.lower()).replace("_", " ").replace("-", " ").split()


def text_condition(text, prefix=""):
    """Rows whose search text has every word; on PostgreSQL by the text index, matching
    word beginnings ("Robot" finds "Robotik"), elsewhere as parts of words."""
    words = search_words(text)
    if not words:
        return Q(pk__in=[])
    if catalogue.uses_text_index():
        query = " & ".join(f"{word}:*" for word in words)
        search = SearchQuery(query, search_type="raw", config=catalogue.SEARCH_CONFIG)
        return Q(**{f"{prefix}search_vector": search})
    condition = Q()
    for word in words:
        condition &= Q(**{f"{prefix}search_text__contains": word})
    return condition


# Midnight of an earlier day may not be expressible in UTC (year 1 in Berlin is year 0 in
# UTC); nothing the finder shows starts before it, so an earlier "from" day means the same.
EARLIEST_DAY = date(1900, 1, 1)


def _day_start(day):
    """Midnight at the start of `day` in the site's time zone."""
    return datetime.combine(
        max(day, EARLIEST_DAY), time.min, tzinfo=timezone.get_current_timezone()
    )


def checkbox_condition(name, prefix=""):
    if name == "free_only":
        return Q(**{f"{prefix}seats_taken__lt": F(f"{prefix}capacity")})
    if name == "member_free":
        return Q(**{f"{prefix}price_member": 0})
    return Q(**{f"{prefix}funded": True})


def conditions(filters, prefix=""):
    """{filter name: condition} for every filter that is set, on catalogue rows (or, with
    `prefix=ENTRY`, on dates)."""
    found = {}
    if filters.q:
        found["q"] = text_condition(filters.q, prefix)
    if filters.date_from:
        found["date_from"] = Q(**{f"{prefix}first_start__gte": _day_start(filters.date_from)})
    # The last day the calendar knows has no day after it, and nothing lies beyond it.
    if filters.date_to and filters.date_to < date.max:
        end = _day_start(filters.date_to + timedelta(days=1))
        found["date_to"] = Q(**{f"{prefix}first_start__lt": end})
    if filters.topic:
        found["topic"] = Q(**{f"{prefix}topic__slug": filters.topic})
    if filters.format:
        found["format"] = Q(**{f"{prefix}format": filters.format})
    if filters.district:
        found["district"] = Q(**{f"{prefix}district__slug": filters.district})
    for name in CHECKBOXES:
        if getattr(filters, name):
            found[name] = checkbox_condition(name, prefix)
    return found


def _matching(filters):
    """The catalogue rows matching every filter, in the order of their index."""
    return upcoming().filter(*conditions(filters).values()).order_by("first_start", "date_id")


def find_offers(filters):
    """The dates matching every filter, earliest first, ready to show (series, topic,
    district and parts loaded; `first_start`, `seats_taken`, `waitlist_length` from the
    catalogue)."""
    return (
        WorkshopDate.objects.public_upcoming()
        .filter(*conditions(filters, ENTRY).values())
        .select_related("district")
    )


class OfferResults:
    """The dates matching the filters, for a paginator: a page's ids come from the
    catalogue's index, then only those dates are loaded, so a late page costs no more
    than the first."""

    def __init__(self, filters, count=None):
        self.filters = filters
        self._count = count

    def count(self):
        if self._count is None:
            self._count = _matching(self.filters).count()
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("OfferResults are read a page (a slice) at a time")
        page = _matching(self.filters).values("date_id")[index]
        # Still a queryset: a page whose list comes from the fragment cache asks nothing.
        return WorkshopDate.objects.public_upcoming().select_related("district").filter(pk__in=page)


def results(filters, count=None):
    return OfferResults(filters, count)


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
    results: int  # dates matching every filter


# A count is at most this old; every change to the catalogue starts new ones at once.
FACET_SECONDS = 60
FACETS = (("topic", "topic_id"), ("format", "format"), ("district", "district_id"))


def _all_but(found, *names):
    condition = Q()
    for name, part in found.items():
        if name not in names:
            condition &= part
    return condition


def _count(filters):
    """The counts behind Facets, in one query: the rows matching the search text and the
    dates, grouped by topic, format and district, each group counted once per filter left
    out. Returns {"total": n, "topic": {id: n}, "format": {...}, "district": {...},
    "checkboxes": {name: n}}."""
    found = conditions(filters)
    shared = [found.pop(name) for name in ("q", "date_from", "date_to") if name in found]
    aggregates = {"total": Count("pk", filter=_all_but(found))}
    for name, _column in FACETS:
        aggregates[f"by_{name}"] = Count("pk", filter=_all_but(found, name))
    ticked = [name for name in CHECKBOXES if getattr(filters, name)]
    for name in CHECKBOXES:
        condition = _all_but(found, *CHECKBOXES) & checkbox_condition(name)
        for other in ticked:
            if other != name:
                condition &= checkbox_condition(other)
        aggregates[f"box_{name}"] = Count("pk", filter=condition)
    groups = (
        upcoming()
        .filter(*shared)
        .order_by()
        .values(*(column for _name, column in FACETS))
        .annotate(**aggregates)
    )
    counts = {"total": 0, "checkboxes": dict.fromkeys(CHECKBOXES, 0)}
    counts.update({name: {} for name, _column in FACETS})
    for group in groups:
        counts["total"] += group["total"]
        for name, column in FACETS:
            key = group[column]
            counts[name][key] = counts[name].get(key, 0) + group[f"by_{name}"]
        for box in CHECKBOXES:
            counts["checkboxes"][box] += group[f"box_{box}"]
    return counts


def catalogue_version():
    """Changes with every change to the catalogue: part of the key of whatever is kept
    of it (counts, rendered lists). Ask once per request."""
    return catalogue.version()


def counts(filters, version=None):
    """_count(filters), shared for up to FACET_SECONDS by every request with the same
    filters while the catalogue stays as it is (`version`, asked here if not given)."""
    version = catalogue_version() if version is None else version
    key = (
        "offers:facets:"
        + hashlib.sha256(f"{version}|{filters.query_string()}".encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _count(filters)
        cache.set(key, found, FACET_SECONDS)
    return found


def facet_counts(filters, version=None):
    """For each option of each filter, how many dates the finder would show if it were
    chosen, the other filters staying as they are."""
    found = counts(filters, version)
    topic_counts, format_counts, district_counts = (
        found["topic"],
        found["format"],
        found["district"],
    )
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
        checkboxes=found["checkboxes"],
        totals=totals,
        results=found["total"],
    )
