"""Calendar files (iCalendar, RFC 5545) for workshop dates.

Every part of a date is one VEVENT whose UID never changes:
``verbund-termin-<date pk>-teil-<part pk>@<domain of SITE_URL>``. Times are written with
TZID=Europe/Berlin and the file carries a VTIMEZONE that covers only the years its events
need. In feeds and downloads ``SEQUENCE`` is the date's ``sequence``, which rises with every
change participants must see (time, place, cancellation, a new series title); an
invitation carries the attendee's own sequence, which also rises with every message they
were sent (services/invitations.py). Feeds ask to be fetched again every hour.

    dates_for_calendar(queryset)      the queryset with series, topic and ordered parts
    feed_dates(queryset, now=None)    drops cancelled dates whose cancellation is older
                                      than FEED_KEEP_CANCELLED (use it for feed querysets)
    feed_calendar(dates, name=...)    METHOD:PUBLISH, no ATTENDEE, never the online link;
                                      cancelled dates carry STATUS:CANCELLED for
                                      FEED_KEEP_CANCELLED after ``cancelled_at``, then drop
                                      out (checked here too, so a plain list works)
    feed_for(queryset, name=...)      the same feed for a queryset, as a Feed (body, ETag,
                                      latest change); what the feed views use: an
                                      unchanged feed costs two light queries
    file_etag(body)                   the ETag of a file (DTSTAMP left out)
    date_download(date, enrolment=)   METHOD:PUBLISH for one date; the online link only
                                      for the participant's own confirmed enrolment
    invitation(enrolment, method, sequence=, recipient=)
                                      METHOD:REQUEST (confirmed seat) or METHOD:CANCEL
                                      (cancelled seat or date), with ORGANIZER and ATTENDEE;
                                      ValueError for anyone who never held a seat
    invitation_mime_part(body, method) / invitation_attachment(body, method, filename)
                                      a file as the email's ``text/calendar; method=...``
                                      part, and as an ``invite.ics`` attachment

All files are written by one builder; a feed of 1,000 events must reach a calendar app
well within a second (``python -m tests.bench.calendar_feed`` measures it).
"""

import datetime
import functools
import hashlib
import re
from datetime import timedelta
from email.encoders import encode_base64
from email.mime.base import MIMEBase
from email.utils import parseaddr
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress
from icalendar.parser import Contentline

from cms.models import OfficeSettings, WorkshopSeriesPage
from verbund.links import absolute_url, site_domain
from verbund.text import without_direction_controls
from workshops.ical_folding import component_to_ical, foldline
from workshops.models import DatePart, Enrolment, WorkshopDate

BERLIN = ZoneInfo("Europe/Berlin")
FEED_KEEP_CANCELLED = timedelta(days=14)
PRODID = "-//Weiterbildungsverbund//Verbund Termine//DE"
METHODS = ("REQUEST", "CANCEL")


FEED_CACHE_SECONDS = 60 * 60 * 24


def dates_for_calendar(queryset):
    """The dates with everything a calendar file needs, in a constant number of queries.

    Series and topics come with the dates (one shared instance per series, which is
    quicker for big feeds than joining the page to every date); parts in order.
    """
    if queryset.query.select_related:
        queryset = queryset.select_related("series", "series__topic")
    else:
        queryset = queryset.prefetch_related(
            Prefetch("series", queryset=WorkshopSeriesPage.objects.select_related("topic"))
        )
    return queryset.prefetch_related(
        Prefetch("parts", queryset=DatePart.objects.order_by("starts_at", "pk"))
    )


def feed_dates(queryset, now=None):
    """Leave out cancelled dates whose cancellation is older than FEED_KEEP_CANCELLED."""
    now = now or timezone.now()
    return queryset.exclude(
        Q(status=WorkshopDate.Status.CANCELLED)
        & (Q(cancelled_at__isnull=True) | Q(cancelled_at__lt=now - FEED_KEEP_CANCELLED))
    )


def _still_in_feed(date, now):
    if date.status != WorkshopDate.Status.CANCELLED:
        return True
    return date.cancelled_at is not None and date.cancelled_at >= now - FEED_KEEP_CANCELLED


domain = site_domain


def event_uid(date, part):
    return _uid(date.pk, part.pk, domain())


def _uid(date_pk, part_pk, uid_domain, suffix=""):
    return f"verbund-termin-{date_pk}-teil-{part_pk}{suffix}@{uid_domain}"


class _Builder:
    """Builds one calendar; remembers series URLs so a big feed asks for each only once.

    The VEVENTs are written line by line (`_text` escaping, `foldline` folding) rather than
    through icalendar's Event objects, which take most of the time of a big feed; icalendar
    still writes the VCALENDAR properties, the VTIMEZONE and ORGANIZER/ATTENDEE with their
    parameters. The result is the same file icalendar would write, byte for byte
    (tests/test_ical_serialiser.py), with one fix: icalendar turns a backslash before "N"
    into a line break, here it stays a backslash as RFC 5545 says.
    """

    def __init__(self, method, name=None):
        self.method = method
        self.name = name
        self.now = timezone.now()
        self.dtstamp = f"DTSTAMP:{_utc_stamp(self.now)}"
        self.series_urls = {}
        self.more = {}
        self.first = self.last = None
        self.lines = []
        self.domain = domain()
        # Translated once per file rather than once per date.
        self.words = {
            "dates": _("Termine:"),
            "clock": " " + _("Uhr"),
            "cancelled": _("Dieser Termin ist abgesagt."),
            "online": _("Online"),
        }

    def series_url(self, series):
        if series.pk not in self.series_urls:
            self.series_urls[series.pk] = absolute_url(series.url)
        return self.series_urls[series.pk]

    def add_date(
        self,
        date,
        *,
        online_link=False,
        cancelled=False,
        attendee=None,
        parts=None,
        sequence=None,
        for_person=None,
    ):
        """`sequence` overrides the date's (an invitation counts per attendee); with
        `for_person` the events are that person's own copy, for whoever receives their
        mail: their own UIDs, and their name in the title."""
        if parts is None:
            parts = list(date.parts.all())
        series = date.series
        title = series.title
        uid_suffix = ""
        if for_person is not None:
            title = f"{series.title} – {for_person.full_name}"
            uid_suffix = f"-person-{for_person.pk}"
        url = self.series_url(series)
        cancelled = cancelled or date.status == WorkshopDate.Status.CANCELLED
        count = len(parts)
        # Everything after SUMMARY is the same for every part of the date.
        shared = [
            foldline("DESCRIPTION:" + _text(self.description(date, parts, url, online_link))),
            foldline("LOCATION:" + _text(date.venue_address or self.words["online"])),
            foldline("URL:" + url),
            "STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED",
            f"SEQUENCE:{date.sequence if sequence is None else sequence}",
        ]
        if attendee is not None:
            organizer_email, organizer_name = organizer()
            shared.append(
                _property_line("ORGANIZER", vCalAddress.new(organizer_email, cn=organizer_name))
            )
            shared.append(_property_line("ATTENDEE", attendee))
        shared.append("END:VEVENT")
        lines = self.lines
        for number, part in enumerate(parts, start=1):
            lines.append("BEGIN:VEVENT")
            lines.append(foldline("UID:" + _uid(date.pk, part.pk, self.domain, uid_suffix)))
            lines.append(self.dtstamp)
            start = part.starts_at.astimezone(BERLIN)
            lines.append(f"DTSTART;TZID={BERLIN_TZID}:{start:%Y%m%dT%H%M%S}")
            self.extend(start)
            if part.ends_at is not None:
                end = part.ends_at.astimezone(BERLIN)
                lines.append(f"DTEND;TZID={BERLIN_TZID}:{end:%Y%m%dT%H%M%S}")
                self.extend(end)
            summary = title
            if count > 1:
                if part.title:
                    summary = f"{title} – {part.title}"
                else:
                    summary = _("%(title)s (Teil %(number)s von %(count)s)") % {
                        "title": title,
                        "number": number,
                        "count": count,
                    }
            lines.append(foldline("SUMMARY:" + _text(summary)))
            lines.extend(shared)

    def description(self, date, parts, url, online_link):
        lines = []
        if date.series.teaser:
            lines += [date.series.teaser.strip(), ""]
        if len(parts) > 1:
            lines.append(self.words["dates"])
        for number, part in enumerate(parts, start=1):
            start = part.starts_at.astimezone(BERLIN)
            when = f"{start:%d.%m.%Y, %H:%M}"
            if part.ends_at is not None:
                when += f"–{part.ends_at.astimezone(BERLIN):%H:%M}"
            when += self.words["clock"]
            label = part.title or (_("Teil %(number)s") % {"number": number})
            lines.append(f"{label}: {when}" if len(parts) > 1 else when)
        if date.status == WorkshopDate.Status.CANCELLED:
            lines += ["", self.words["cancelled"]]
        if online_link and date.online_url:
            lines += ["", _("Online-Zugang: %(url)s") % {"url": date.online_url}]
        lines += ["", self.more_about(url)]
        return "\n".join(lines)

    def more_about(self, url):
        if url not in self.more:
            self.more[url] = _("Mehr zur Workshopreihe: %(url)s") % {"url": url}
        return self.more[url]

    def extend(self, moment):
        day = moment.date()
        self.first = day if self.first is None or day < self.first else self.first
        self.last = day if self.last is None or day > self.last else self.last

    def to_ical(self):
        years = None if self.first is None else (self.first.year, self.last.year)
        head = _calendar_head(self.method, self.name, years)
        if not self.lines:
            return head + b"END:VCALENDAR\r\n"
        self.lines.append("END:VCALENDAR\r\n")
        return head + "\r\n".join(self.lines).encode("utf-8")


BERLIN_TZID = "Europe/Berlin"


def _text(value):
    """A TEXT value escaped as in RFC 5545, section 3.3.11 (line ends become ``\\n``), as
    plain text: no invisible direction overrides."""
    return (
        without_direction_controls(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc_stamp(moment):
    return f"{moment.astimezone(datetime.UTC):%Y%m%dT%H%M%S}Z"


def _property_line(name, value):
    """One folded content line written by icalendar itself (quoting of parameters)."""
    return foldline(str(Contentline.from_parts(name, value.params, value, sorted=False)))


def _offset(delta):
    sign = "-" if delta < timedelta(0) else "+"
    minutes = abs(int(delta.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _transitions(first_year, last_year):
    """(UTC instant, offset before, offset after, zone name after, is summer time) of every
    change of Berlin's offset in these years, read from the system's time zone data."""
    changes = []
    moment = datetime.datetime(first_year, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(last_year + 1, 1, 1, tzinfo=datetime.UTC)
    before = moment.astimezone(BERLIN).utcoffset()
    while moment < end:
        later = moment + timedelta(days=1)
        if later.astimezone(BERLIN).utcoffset() != before:
            hour = moment
            while hour.astimezone(BERLIN).utcoffset() == before:
                hour += timedelta(hours=1)
            local = hour.astimezone(BERLIN)
            changes.append((hour, before, local.utcoffset(), local.tzname(), bool(local.dst())))
            before = local.utcoffset()
        moment = later
    return changes


@functools.lru_cache(maxsize=64)
def _berlin_timezone(first_year, last_year):
    """The VTIMEZONE for whole years around the events: every transition a client needs,
    no more. Each onset is written in the local time that was in force until then, as
    RFC 5545 (3.6.5) asks: summer time begins at 02:00, winter time at 03:00."""
    start = datetime.datetime(first_year, 1, 1, tzinfo=BERLIN)
    observances = {
        # The offset in force at the start of the first year.
        (False, start.utcoffset(), start.utcoffset(), start.tzname()): [start.replace(tzinfo=None)],
    }
    for instant, before, after, name, summer in _transitions(first_year, last_year):
        onset = (instant + before).replace(tzinfo=None)
        observances.setdefault((summer, before, after, name), []).append(onset)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{BERLIN_TZID}"]
    for (summer, before, after, name), onsets in observances.items():
        kind = "DAYLIGHT" if summer else "STANDARD"
        lines += [f"BEGIN:{kind}", f"DTSTART:{onsets[0]:%Y%m%dT%H%M%S}"]
        lines += [f"RDATE:{onset:%Y%m%dT%H%M%S}" for onset in onsets[1:]]
        lines += [
            f"TZNAME:{name}",
            f"TZOFFSETFROM:{_offset(before)}",
            f"TZOFFSETTO:{_offset(after)}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


# How often a subscribed calendar should fetch a feed again (RFC 7986 and the older
# property Outlook reads).
FEED_REFRESH = "PT1H"


def _calendar_head(method, name, years):
    """BEGIN:VCALENDAR, the calendar's properties and the VTIMEZONE the events need."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        # The name is written as it is (no TEXT escaping), so a line break would end the
        # line: a name is one line.
        calendar.add("x-wr-calname", " ".join(name.splitlines()))
        calendar.add("x-wr-timezone", BERLIN_TZID)
    head = component_to_ical(calendar, sorted=False).removesuffix(b"END:VCALENDAR\r\n")
    if name:
        head += (
            f"REFRESH-INTERVAL;VALUE=DURATION:{FEED_REFRESH}\r\nX-PUBLISHED-TTL:{FEED_REFRESH}\r\n"
        ).encode("ascii")
    if years is not None:
        head += _berlin_timezone(*years)
    return head


def organizer():
    """(email, name) of the coordination office."""
    default_name, default_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    office = OfficeSettings.for_default_site()
    return office.email or default_email, office.office_name or default_name


def feed_calendar(dates, *, name):
    """A subscription feed (METHOD:PUBLISH) of the given dates; no personal data.

    Calendar apps poll feeds often, so a built feed is kept in the cache under a
    fingerprint of everything that goes into it, and rebuilt only when that changes.
    `feed_for` gives the same file for a queryset, with fewer queries.
    """
    now = timezone.now()
    dates = [date for date in dates if _still_in_feed(date, now)]
    keys = [
        (
            date.pk,
            date.sequence,
            str(date.status),
            date.updated_at,
            date.cancelled_at,
            date.series_id,
        )
        for date in dates
    ]
    series = {date.series_id: date.series for date in dates}
    parts = {
        date.pk: [
            (date.pk, part.pk, part.title, part.starts_at, part.ends_at)
            for part in date.parts.all()
        ]
        for date in dates
    }
    key = _cache_key(name, keys, series, parts)
    cached = cache.get(key)
    if cached is None:
        cached = _build_feed(name, dates, parts=None)
        cache.set(key, cached, FEED_CACHE_SECONDS)
    return cached[0]


class Feed(NamedTuple):
    body: bytes
    etag: str
    changed: datetime.datetime | None  # latest change of a date or its series; None if empty


# A feed's dates and parts are read as plain rows rather than model objects, which would
# take longer to load than the file takes to build: the fields of the cache key first
# (with the series, see _cache_key), then what the file needs besides.
_KEY_FIELDS = ("pk", "sequence", "status", "updated_at", "cancelled_at", "series_id")
_FEED_FIELDS = ("venue_name", "venue_street", "venue_postal_code", "venue_city")
_PART_FIELDS = ("date_id", "pk", "title", "starts_at", "ends_at")


class _Part(NamedTuple):
    date_id: int
    pk: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None


class _FeedDate(NamedTuple):
    """What a feed shows of a date (a feed never shows the online link)."""

    pk: int
    sequence: int
    status: str
    cancelled_at: datetime.datetime | None
    venue_name: str
    venue_street: str
    venue_postal_code: str
    venue_city: str
    series: object
    online_url: str = ""

    venue_address = WorkshopDate.venue_address


def feed_for(queryset, *, name, now=None):
    """The feed of the dates in `queryset` (a WorkshopDate queryset), as a `Feed`.

    Three light queries (the dates' fields, their parts' fields, their series) give the
    cache key; an unchanged feed comes from the cache with its ETag, a changed one is
    built from the same rows. The same file as `feed_calendar`.
    """
    now = now or timezone.now()
    if not queryset.ordered:  # e.g. grouped for an aggregate: Django drops Meta.ordering
        queryset = queryset.order_by(*WorkshopDate._meta.ordering)
    rows = [
        row
        for row in queryset.values_list(*_KEY_FIELDS, *_FEED_FIELDS)
        if row[2] != WorkshopDate.Status.CANCELLED
        or (row[4] is not None and row[4] >= now - FEED_KEEP_CANCELLED)
    ]
    parts = {row[0]: [] for row in rows}
    series = {}
    if rows:
        # The queryset as a subquery rather than a thousand ids as parameters.
        part_rows = DatePart.objects.filter(date__in=queryset.values("pk"))
        for part in part_rows.order_by("starts_at", "pk").values_list(*_PART_FIELDS):
            if part[0] in parts:
                parts[part[0]].append(part)
        series = WorkshopSeriesPage.objects.select_related("topic").in_bulk(
            {row[5] for row in rows}
        )
    changed = max(
        (
            moment
            for moment in [
                *(row[3] for row in rows),
                *(page.last_published_at for page in series.values()),
            ]
            if moment is not None
        ),
        default=None,
    )
    size = len(_KEY_FIELDS)
    key = _cache_key(name, [row[:size] for row in rows], series, parts)
    cached = cache.get(key)
    if cached is None:
        dates = [
            _FeedDate(row[0], row[1], row[2], row[4], *row[size:], series=series[row[5]])
            for row in rows
        ]
        parts = {pk: [_Part(*part) for part in date_parts] for pk, date_parts in parts.items()}
        cached = _build_feed(name, dates, parts=parts)
        cache.set(key, cached, FEED_CACHE_SECONDS)
    return Feed(*cached, changed)


def _build_feed(name, dates, *, parts):
    builder = _Builder("PUBLISH", name=name)
    for date in dates:
        builder.add_date(date, parts=None if parts is None else parts[date.pk])
    body = builder.to_ical()
    return body, file_etag(body)


def _cache_key(name, keys, series, parts):
    """A fingerprint of everything that goes into a feed: `keys` are the dates' values of
    _KEY_FIELDS, `series` their series by pk, `parts` their parts' values of _PART_FIELDS
    by date. A series counts with its title, publication and address."""
    fingerprint = repr(
        (
            name,
            settings.SITE_URL,
            get_language(),
            keys,
            [parts[date[0]] for date in keys],
            sorted(
                (
                    page.pk,
                    page.title,
                    page.last_published_at,
                    page.url_path,
                    page.topic.name if page.topic_id else None,
                )
                for page in series.values()
            ),
        )
    )
    return f"ical-feed:v2:{hashlib.sha256(fingerprint.encode()).hexdigest()}"


# DTSTAMP is the time the file was made; it is left out of the ETag so that an unchanged
# file keeps its ETag.
_DTSTAMP = re.compile(rb"^DTSTAMP:[^\r\n]*\r?\n", re.MULTILINE)


def file_etag(body):
    """The HTTP ETag of a calendar file (quoted): a hash of it without DTSTAMP."""
    return f'"{hashlib.sha256(_DTSTAMP.sub(b"", body)).hexdigest()[:40]}"'


def date_download(date, *, enrolment=None):
    """One date as a file to import; the online link only for one's own confirmed seat."""
    builder = _Builder("PUBLISH")
    own_seat = enrolment is not None and enrolment.status == Enrolment.Status.CONFIRMED
    builder.add_date(date, online_link=own_seat)
    return builder.to_ical()


def invitation(enrolment, method, *, sequence=None, recipient=None):
    """An iTIP invitation (REQUEST) or cancellation (CANCEL) for one participant.

    `sequence` is the attendee's (see `services.invitations`; the date's when left out).
    `recipient` is the address of whoever receives mail for a participant without one of
    their own: they become the attendee of a copy with its own UIDs and the participant's
    name in the title, so a firm admin can keep several colleagues' seats apart.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    date = enrolment.date
    if method == "REQUEST" and (
        enrolment.status != Enrolment.Status.CONFIRMED
        or date.status == WorkshopDate.Status.CANCELLED
    ):
        raise ValueError("only a confirmed seat on a date that takes place gets an invitation")
    if method == "CANCEL" and enrolment.status not in (
        Enrolment.Status.CONFIRMED,
        Enrolment.Status.CANCELLED,
    ):
        raise ValueError("only a seat that was confirmed can be cancelled in a calendar")
    person = enrolment.person
    on_behalf = bool(recipient) and recipient.lower() != (person.email or "").lower()
    name = without_direction_controls(f"{person.first_name} {person.last_name}").strip()
    attendee = vCalAddress.new(
        recipient if on_behalf else person.email,
        cn=name or None,
        role="REQ-PARTICIPANT",
        partstat="ACCEPTED" if method == "REQUEST" else None,
        cutype="INDIVIDUAL",
    )
    builder = _Builder(method)
    builder.add_date(
        date,
        online_link=method == "REQUEST",
        cancelled=method == "CANCEL",
        attendee=attendee,
        sequence=sequence,
        for_person=person if on_behalf else None,
    )
    return builder.to_ical()


INVITE_FILENAME = "invite.ics"
CANCEL_FILENAME = "cancel.ics"


def invitation_mime_part(body, method):
    """A calendar file as the iTIP part of an email: ``text/calendar; method=...;
    charset=UTF-8``; mail programs offer to accept it or take it out of the calendar."""
    part = MIMEBase("text", "calendar")
    part.replace_header("Content-Type", f"text/calendar; method={method.upper()}; charset=UTF-8")
    part.set_payload(body)
    encode_base64(part)
    return part


def invitation_attachment(body, method, filename=INVITE_FILENAME):
    """The same file as an attachment to open or forward. The invitation itself goes as
    ``application/ics`` so that no mail program reads it as a second iTIP part; a CANCEL
    beside a REQUEST stays ``text/calendar`` so that programs act on it."""
    if filename == INVITE_FILENAME:
        part = MIMEBase("application", "ics")
        part.replace_header("Content-Type", f'application/ics; name="{filename}"')
    else:
        part = MIMEBase("text", "calendar")
        part.replace_header(
            "Content-Type",
            f'text/calendar; method={method.upper()}; charset=UTF-8; name="{filename}"',
        )
    part.add_header("Content-Disposition", "attachment", filename=filename)
    part.set_payload(body)
    encode_base64(part)
    return part
