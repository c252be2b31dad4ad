"""Calendar files (iCalendar, RFC 5545) for workshop dates.

Every part of a date is one VEVENT whose UID never changes:
``verbund-termin-<date pk>-teil-<part pk>@<domain of SITE_URL>``. Times are written with
TZID=Europe/Berlin and the file carries a VTIMEZONE that covers only the years its events
need. ``SEQUENCE`` is the date's ``sequence``, which rises with every change participants
must see (time, place, cancellation, a new series title).

    dates_for_calendar(queryset)      the queryset with series, topic and ordered parts
    feed_dates(queryset, now=None)    drops cancelled dates whose cancellation is older
                                      than FEED_KEEP_CANCELLED (use it for feed querysets)
    feed_calendar(dates, name=...)    METHOD:PUBLISH, no ATTENDEE, never the online link;
                                      cancelled dates carry STATUS:CANCELLED for
                                      FEED_KEEP_CANCELLED after ``cancelled_at``, then drop
                                      out (checked here too, so a plain list works)
    date_download(date, enrolment=)   METHOD:PUBLISH for one date; the online link only
                                      for the participant's own confirmed enrolment
    invitation(enrolment, method)     METHOD:REQUEST (confirmed seat) or METHOD:CANCEL
                                      (cancelled seat or date), with ORGANIZER and ATTENDEE;
                                      ValueError for anyone who never held a seat
    invitation_mime_part(enrolment, method)
                                      the invitation as a ``text/calendar; method=...;
                                      charset=UTF-8`` MIME part for an email
"""

import datetime
import hashlib
from datetime import timedelta
from email.encoders import encode_base64
from email.mime.base import MIMEBase
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

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
    from cms.models import WorkshopSeriesPage

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


def domain():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(date, part):
    return f"verbund-termin-{date.pk}-teil-{part.pk}@{domain()}"


def _absolute(url):
    if not url:
        return settings.SITE_URL + "/"
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


class _Builder:
    """Builds one calendar; remembers series URLs so a big feed asks for each only once."""

    def __init__(self, method, name=None):
        self.calendar = Calendar()
        self.calendar.add("prodid", PRODID)
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        self.calendar.add("method", method)
        if name:
            self.calendar.add("x-wr-calname", name)
            self.calendar.add("x-wr-timezone", "Europe/Berlin")
        self.method = method
        self.now = timezone.now()
        self.series_urls = {}
        self.first = self.last = None

    def series_url(self, series):
        if series.pk not in self.series_urls:
            self.series_urls[series.pk] = _absolute(series.url)
        return self.series_urls[series.pk]

    def add_date(self, date, *, online_link=False, cancelled=False, attendee=None):
        parts = list(date.parts.all())
        series = date.series
        url = self.series_url(series)
        cancelled = cancelled or date.status == WorkshopDate.Status.CANCELLED
        count = len(parts)
        description = self.description(date, parts, url, online_link)
        for number, part in enumerate(parts, start=1):
            event = Event()
            event.add("uid", event_uid(date, part))
            event.add("dtstamp", self.now)
            start = part.starts_at.astimezone(BERLIN)
            event.add("dtstart", start)
            self.extend(start)
            if part.ends_at is not None:
                end = part.ends_at.astimezone(BERLIN)
                event.add("dtend", end)
                self.extend(end)
            summary = series.title
            if count > 1:
                if part.title:
                    summary = f"{series.title} – {part.title}"
                else:
                    summary = _("%(title)s (Teil %(number)s von %(count)s)") % {
                        "title": series.title, "number": number, "count": count,
                    }
            event.add("summary", summary)
            event.add("description", description)
            event.add("location", date.venue_address or _("Online"))
            event.add("url", url)
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            event.add("sequence", date.sequence)
            if attendee is not None:
                organizer_email, organizer_name = organizer()
                event.add("organizer", vCalAddress.new(organizer_email, cn=organizer_name))
                event.add("attendee", attendee)
            self.calendar.add_component(event)

    def description(self, date, parts, url, online_link):
        lines = []
        if date.series.teaser:
            lines += [date.series.teaser.strip(), ""]
        if len(parts) > 1:
            lines.append(_("Termine:"))
        for number, part in enumerate(parts, start=1):
            start = part.starts_at.astimezone(BERLIN)
            when = f"{start:%d.%m.%Y, %H:%M}"
            if part.ends_at is not None:
                when += f"–{part.ends_at.astimezone(BERLIN):%H:%M}"
            when += " " + _("Uhr")
            label = part.title or (_("Teil %(number)s") % {"number": number})
            lines.append(f"{label}: {when}" if len(parts) > 1 else when)
        if date.status == WorkshopDate.Status.CANCELLED:
            lines += ["", _("Dieser Termin ist abgesagt.")]
        if online_link and date.online_url:
            lines += ["", _("Online-Zugang: %(url)s") % {"url": date.online_url}]
        lines += ["", _("Mehr zur Workshopreihe: %(url)s") % {"url": url}]
        return "\n".join(lines)

    def extend(self, moment):
        day = moment.date()
        self.first = day if self.first is None or day < self.first else self.first
        self.last = day if self.last is None or day > self.last else self.last

    def to_ical(self):
        if self.first is not None:
            # Whole years around the events: every transition a client needs, no more.
            self.calendar.add_missing_timezones(
                datetime.date(self.first.year, 1, 1), datetime.date(self.last.year, 12, 31)
            )
        return self.calendar.to_ical(sorted=False)


def organizer():
    """(email, name) of the coordination office."""
    from wagtail.models import Site

    from cms.models import OfficeSettings

    default_name, default_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        office = OfficeSettings.for_site(site)
        return office.email or default_email, office.office_name or default_name
    return default_email, default_name


def feed_calendar(dates, *, name):
    """A subscription feed (METHOD:PUBLISH) of the given dates; no personal data.

    Calendar apps poll feeds often, so a built feed is kept in the cache under a
    fingerprint of everything that goes into it, and rebuilt only when that changes.
    """
    now = timezone.now()
    dates = [date for date in dates if _still_in_feed(date, now)]
    key = f"ical-feed:{_fingerprint(name, dates)}"
    body = cache.get(key)
    if body is None:
        builder = _Builder("PUBLISH", name=name)
        for date in dates:
            builder.add_date(date)
        body = builder.to_ical()
        cache.set(key, body, FEED_CACHE_SECONDS)
    return body


def _fingerprint(name, dates):
    digest = hashlib.sha256(f"{name}|{settings.SITE_URL}|{get_language()}".encode())
    for date in dates:
        series = date.series
        digest.update(
            f"|{date.pk}:{date.sequence}:{date.status}:{date.updated_at.isoformat()}:"
            f"{series.pk}:{series.title}:{series.last_published_at}:{series.url_path}:"
            f"{series.topic.name}".encode()
        )
        for part in date.parts.all():
            digest.update(
                f",{part.pk}:{part.title}:{part.starts_at.isoformat()}:"
                f"{part.ends_at.isoformat()}".encode()
            )
    return digest.hexdigest()


def date_download(date, *, enrolment=None):
    """One date as a file to import; the online link only for one's own confirmed seat."""
    builder = _Builder("PUBLISH")
    own_seat = enrolment is not None and enrolment.status == Enrolment.Status.CONFIRMED
    builder.add_date(date, online_link=own_seat)
    return builder.to_ical()


def invitation(enrolment, method):
    """An iTIP invitation (REQUEST) or cancellation (CANCEL) for one participant."""
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
        Enrolment.Status.CONFIRMED, Enrolment.Status.CANCELLED
    ):
        raise ValueError("only a seat that was confirmed can be cancelled in a calendar")
    person = enrolment.person
    name = f"{person.first_name} {person.last_name}".strip()
    attendee = vCalAddress.new(
        person.email,
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
    )
    return builder.to_ical()


def invitation_mime_part(enrolment, method):
    """The invitation as an email part: ``text/calendar; method=...; charset=UTF-8``."""
    method = method.upper()
    body = invitation(enrolment, method)
    part = MIMEBase("text", "calendar")
    part.replace_header("Content-Type", f"text/calendar; method={method}; charset=UTF-8")
    part.set_payload(body)
    encode_base64(part)
    return part
