"""The calendar files are written line by line; they must say exactly what icalendar's own
Event objects said. A small reference builder below writes the same dates the old way
(icalendar Event objects, icalendar's folding); both files are parsed back with icalendar
and compared component by component, property by property, for random dates with awkward
texts: commas, semicolons, backslashes, quotes, umlauts, emoji, line breaks, long text.
"""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar, Event, Timezone, vCalAddress, vText
from wagtail.models import Site

from cms.models import OfficeSettings
from tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
)
from workshops import calendar as ical
from workshops.calendar import (
    BERLIN,
    date_download,
    dates_for_calendar,
    feed_calendar,
    invitation,
)
from workshops.models import DatePart, Enrolment, WorkshopDate

pytestmark = pytest.mark.django_db

SITE = "https://verbund.example"
NOW = datetime(2026, 11, 21, 7, 20, 15, 123456, tzinfo=UTC)
# No capital N: icalendar's parser reads a backslash before N as a line break, whatever
# the escaping (see test_a_backslash_before_n_stays_a_backslash).
ALPHABET = "abcnxyzABCXYZ0189 ,;:.\\\"'=-–_/^\n\r\täöüßÄÖÜ€😀🤖👩‍🔧"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    office = OfficeSettings.for_site(Site.objects.get(is_default_site=True))
    office.office_name = 'Koordinierungsstelle "Verbund", Süd; Büro'
    office.email = "buero@verbund.example"
    office.save()


# --- The reference: icalendar's Event objects, as the files were written before ------------


def reference_file(method, dates, *, name=None, online_link=False, cancelled=False, attendee=None):
    calendar = Calendar()
    calendar.add("prodid", ical.PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Berlin")
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vText("PT1H"))
    helper = ical._Builder(method)  # for the description text only, which is not under test
    stamp = helper.now
    days = []
    for workshop in dates:
        parts = list(workshop.parts.all())
        series = workshop.series
        url = SITE + series.url
        is_cancelled = cancelled or workshop.status == WorkshopDate.Status.CANCELLED
        description = helper.description(workshop, parts, url, online_link)
        for number, part in enumerate(parts, start=1):
            event = Event()
            event.add("uid", ical.event_uid(workshop, part))
            event.add("dtstamp", stamp)
            event.add("dtstart", part.starts_at.astimezone(BERLIN))
            event.add("dtend", part.ends_at.astimezone(BERLIN))
            days += [
                part.starts_at.astimezone(BERLIN).date(),
                part.ends_at.astimezone(BERLIN).date(),
            ]
            summary = series.title
            if len(parts) > 1:
                summary = (
                    f"{series.title} – {part.title}"
                    if part.title
                    else f"{series.title} (Teil {number} von {len(parts)})"
                )
            event.add("summary", summary)
            event.add("description", description)
            event.add("location", workshop.venue_address or "Online")
            event.add("url", url)
            event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
            event.add("sequence", workshop.sequence)
            if attendee is not None:
                email, office_name = ical.organizer()
                event.add("organizer", vCalAddress.new(email, cn=office_name))
                event.add("attendee", attendee)
            calendar.add_component(event)
    if days:
        # The time zone as calendar.py writes it (tests/test_calendar.py checks it against
        # the system's zone data): icalendar puts the summer-time onset an hour late.
        zone = Timezone.from_ical(ical._berlin_timezone(min(days).year, max(days).year))
        calendar.subcomponents.insert(0, zone)
    return calendar.to_ical(sorted=False)


def reference_attendee(enrolment, method):
    person = enrolment.person
    return vCalAddress.new(
        person.email,
        cn=f"{person.first_name} {person.last_name}".strip() or None,
        role="REQ-PARTICIPANT",
        partstat="ACCEPTED" if method == "REQUEST" else None,
        cutype="INDIVIDUAL",
    )


def contents(data):
    """Every component with every property (name, parameters, value) in file order."""
    calendar = Calendar.from_ical(data)
    result = []
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
        properties = []
        for name, values in component.items():
            for value in values if isinstance(values, list) else [values]:
                properties.append((name, dict(value.params), value.to_ical()))
        result.append((component.name, properties))
    return result


def assert_same_file(lean, reference):
    assert contents(lean) == contents(reference)
    assert lean == reference  # and not one byte different


# --- Random dates --------------------------------------------------------------------------


def awkward(rng, longest):
    length = rng.choice([0, 1, 2, 30, 73, 74, 75, 76, 150, rng.randrange(1, longest + 1)])
    return "".join(rng.choice(ALPHABET) for _ in range(min(length, longest)))


def random_date(rng, index):
    series = WorkshopSeriesPageFactory(
        title=awkward(rng, 250).strip() or "Reihe",
        slug=f"reihe-{index}",
        teaser=awkward(rng, 400).strip() or "Kurz",
    )
    cancelled = rng.random() < 0.3
    workshop = WorkshopDateFactory(
        series=series,
        parts=0,
        status=WorkshopDate.Status.CANCELLED if cancelled else WorkshopDate.Status.OPEN,
        # A cancellation without a time leaves the feeds at once, a recent one stays.
        cancelled_at=rng.choice([None, NOW - timedelta(days=2)]) if cancelled else None,
        venue_name=awkward(rng, 200),
        venue_street=awkward(rng, 200),
        venue_postal_code=rng.choice(["", "72764"]),
        venue_city=awkward(rng, 100),
        online_url=rng.choice(["", "https://meet.example/raum?id=1,2;3"]),
        sequence=rng.randrange(0, 12),
    )
    # Across both switches of the clock, and over the turn of a year.
    start = berlin(date(2027, 3, 20), 9) + timedelta(days=rng.choice([0, 8, 200, 280, 360]))
    for number in range(rng.choice([1, 1, 2, 3])):
        begins = start + timedelta(days=7 * number, minutes=rng.randrange(0, 600))
        DatePart.objects.create(
            date=workshop,
            starts_at=begins,
            ends_at=begins + timedelta(minutes=rng.randrange(30, 60 * 30)),
            title=rng.choice(["", awkward(rng, 200)]),
        )
    return dates_for_calendar(WorkshopDate.objects.filter(pk=workshop.pk)).get()


@pytest.mark.parametrize("seed", range(6))
def test_feeds_downloads_and_invitations_say_what_icalendar_said(seed):
    rng = random.Random(5545 + seed)
    dates = [random_date(rng, f"{seed}-{index}") for index in range(4)]
    name = " ".join(awkward(rng, 120).splitlines()) or "Feed"
    in_feed = [d for d in dates if d.status != WorkshopDate.Status.CANCELLED or d.cancelled_at]
    with time_machine.travel(NOW, tick=False):
        assert_same_file(
            feed_calendar(dates, name=name), reference_file("PUBLISH", in_feed, name=name)
        )
        for workshop in dates:
            assert_same_file(date_download(workshop), reference_file("PUBLISH", [workshop]))

            person = PersonFactory(
                first_name=awkward(rng, 60),
                last_name=awkward(rng, 60),
                email=f"p{rng.randrange(10**6)}@firma.example",
            )
            enrolment = EnrolmentFactory(date=workshop, person=person)
            if workshop.status != WorkshopDate.Status.CANCELLED:
                assert_same_file(
                    date_download(workshop, enrolment=enrolment),
                    reference_file("PUBLISH", [workshop], online_link=True),
                )
                assert_same_file(
                    invitation(enrolment, "REQUEST"),
                    reference_file(
                        "REQUEST",
                        [workshop],
                        online_link=True,
                        attendee=reference_attendee(enrolment, "REQUEST"),
                    ),
                )
            Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.CANCELLED)
            enrolment.refresh_from_db()
            assert_same_file(
                invitation(enrolment, "CANCEL"),
                reference_file(
                    "CANCEL",
                    [workshop],
                    cancelled=True,
                    attendee=reference_attendee(enrolment, "CANCEL"),
                ),
            )


def test_the_feed_a_calendar_app_fetches_is_the_same_file(settings):
    settings.ALLOWED_HOSTS = ["verbund.example"]
    rng = random.Random(7986)
    dates = [random_date(rng, index) for index in range(5)]
    series = dates[0].series
    series.title = " ".join(series.title.splitlines()) or "Reihe"  # the feed's name: one line
    series.save()
    more = WorkshopDateFactory(series=series, parts=3)
    client = Client(HTTP_HOST="verbund.example")
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("calendar:series", args=[series.pk]), secure=True)
        assert response.status_code == 200
        shown = dates_for_calendar(WorkshopDate.objects.filter(pk__in=[dates[0].pk, more.pk]))
        shown = [d for d in shown if d.status != WorkshopDate.Status.CANCELLED or d.cancelled_at]
        assert_same_file(response.content, reference_file("PUBLISH", shown, name=series.title))
        again = client.get(reverse("calendar:series", args=[series.pk]), secure=True)
        assert again.content == response.content
        assert again["ETag"] == response["ETag"]


def test_a_backslash_before_n_stays_a_backslash():
    """RFC 5545 escapes the backslash itself; a path like C:\\Neu must not become a break."""
    series = WorkshopSeriesPageFactory(title="Daten unter C:\\Neu\\Norm", slug="pfad")
    data = date_download(WorkshopDateFactory(series=series))
    assert b"SUMMARY:Daten unter C:\\\\Neu\\\\Norm\r\n" in data


def test_a_series_title_with_a_line_break_still_gives_a_feed(client):
    series = WorkshopSeriesPageFactory(title="Löten\nund Prüfen", slug="zweizeilig")
    WorkshopDateFactory(series=series)
    response = client.get(reverse("calendar:series", args=[series.pk]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Löten und Prüfen"
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Löten\nund Prüfen"
