"""Calendar files: every file is parsed back with icalendar and checked property by property."""

import base64
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from tests.conftest import set_office
from tests.factories import (
    EnrolmentFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
)
from workshops.calendar import (
    FEED_KEEP_CANCELLED,
    date_download,
    dates_for_calendar,
    feed_calendar,
    feed_dates,
    invitation,
    invitation_mime_part,
)
from workshops.models import Enrolment, WorkshopDate
from workshops.services.dates import cancel_date, record_change, snapshot

pytestmark = pytest.mark.django_db

SITE = "https://verbund.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    set_office()


def parse(data: bytes) -> Calendar:
    calendar = Calendar.from_ical(data)
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
    return calendar


def events(calendar):
    return calendar.walk("VEVENT")


def series_url(series):
    return SITE + series.url


def dst_date(**kwargs):
    """Two parts on either side of the switch to summer time (28 March 2027)."""
    return WorkshopDateFactory(
        parts=[
            (berlin(date(2027, 3, 26), 9), berlin(date(2027, 3, 26), 16)),
            (berlin(date(2027, 3, 30), 9), berlin(date(2027, 3, 30), 16)),
        ],
        **kwargs,
    )


def test_single_date_download_has_every_property():
    online = WorkshopDateFactory(online_url="https://meet.example/geheim")
    part = online.parts.get()
    calendar = parse(date_download(online))

    assert calendar["METHOD"] == "PUBLISH"
    [event] = events(calendar)
    assert str(event["UID"]) == f"verbund-termin-{online.pk}-teil-{part.pk}@verbund.example"
    assert event.start == part.starts_at
    assert event.end == part.ends_at
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTEND"].params["TZID"] == "Europe/Berlin"
    assert event.start.utcoffset() == timezone.localtime(part.starts_at).utcoffset()
    assert isinstance(event["DTSTAMP"].dt, datetime)
    assert str(event["SUMMARY"]) == online.series.title
    assert str(event["LOCATION"]) == "Technologiezentrum, Gutenbergstraße 5, 72764 Reutlingen"
    assert str(event["URL"]) == series_url(online.series)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    description = str(event["DESCRIPTION"])
    assert online.series.teaser in description
    assert series_url(online.series) in description
    assert "meet.example" not in calendar.to_ical().decode()
    assert "ATTENDEE" not in event

    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Berlin"


def test_uid_stays_the_same_across_rebuilds_and_changes():
    workshop = WorkshopDateFactory()
    first = [str(e["UID"]) for e in events(parse(date_download(workshop)))]
    part = workshop.parts.get()
    before = snapshot(workshop.pk)
    part.starts_at += timedelta(days=1)
    part.ends_at += timedelta(days=1)
    part.save()
    record_change(workshop, before)
    workshop.refresh_from_db()
    second = [str(e["UID"]) for e in events(parse(date_download(workshop)))]
    assert first == second


def test_date_across_the_switch_to_summer_time_has_one_event_per_part():
    workshop = dst_date()
    calendar = parse(date_download(workshop))
    first, second = events(calendar)

    assert str(first["UID"]) != str(second["UID"])
    assert str(first["SUMMARY"]) == f"{workshop.series.title} (Teil 1 von 2)"
    assert str(second["SUMMARY"]) == f"{workshop.series.title} (Teil 2 von 2)"
    assert first.start.utcoffset() == timedelta(hours=1)
    assert second.start.utcoffset() == timedelta(hours=2)
    assert first.start.astimezone(UTC) == datetime(2027, 3, 26, 8, tzinfo=UTC)
    assert second.start.astimezone(UTC) == datetime(2027, 3, 30, 7, tzinfo=UTC)
    assert second.end.astimezone(UTC) == datetime(2027, 3, 30, 14, tzinfo=UTC)
    assert "Teil 2: 30.03.2027, 09:00–16:00 Uhr" in str(first["DESCRIPTION"])

    # The time zone covers the years needed, not 1970 to 2038.
    [zone] = calendar.walk("VTIMEZONE")
    transitions = zone.walk("STANDARD") + zone.walk("DAYLIGHT")
    assert {"STANDARD", "DAYLIGHT"} == {t.name for t in transitions}
    years = {t["DTSTART"].dt.year for t in transitions}
    assert years <= {2026, 2027, 2028}, years
    assert "This timezone only works" in str(zone.get("COMMENT", "")) or len(transitions) < 10
    # Both switches of 2027 are there: to summer time in March, back in October.
    switches = {(t.name, t["DTSTART"].dt.month) for t in transitions}
    assert {("DAYLIGHT", 3), ("STANDARD", 10)} <= switches


def test_named_parts_use_their_title():
    workshop = dst_date()
    workshop.parts.filter(starts_at__day=26).update(title="Grundlagen")
    workshop.parts.filter(starts_at__day=30).update(title="Praxis")
    first, second = events(
        parse(date_download(dates_for_calendar(WorkshopDate.objects.filter(pk=workshop.pk)).get()))
    )
    assert str(first["SUMMARY"]) == f"{workshop.series.title} – Grundlagen"
    assert str(second["SUMMARY"]) == f"{workshop.series.title} – Praxis"


def test_invitation_request_has_organizer_attendee_and_the_online_link():
    enrolment = EnrolmentFactory(
        date__online_url="https://meet.example/geheim",
        person__first_name="Jürgen",
        person__last_name="Groß",
        person__email="juergen@firma.example",
    )
    calendar = parse(invitation(enrolment, "REQUEST"))
    assert calendar["METHOD"] == "REQUEST"
    [event] = events(calendar)
    organizer, attendee = event["ORGANIZER"], event["ATTENDEE"]
    assert str(organizer) == "mailto:buero@verbund.example"
    assert organizer.params["CN"] == "Koordinierungsstelle Weiterbildungsverbund"
    assert str(attendee) == "mailto:juergen@firma.example"
    assert attendee.params["CN"] == "Jürgen Groß"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "https://meet.example/geheim" in str(event["DESCRIPTION"])


def test_names_and_titles_go_into_calendars_as_plain_text():
    enrolment = EnrolmentFactory(
        date__series__title='=HYPERLINK("http://evil.example"); Robotik',
        person__first_name="+Anna",
        person__last_name="Schmidt\u202efdp.exe",
        person__email="anna@firma.example",
    )
    data = invitation(enrolment, "REQUEST")
    assert "\u202e".encode() not in data
    [event] = events(parse(data))
    assert str(event["SUMMARY"]) == '=HYPERLINK("http://evil.example"); Robotik'
    assert event["ATTENDEE"].params["CN"] == "+Anna Schmidtfdp.exe"


def test_invitation_mime_part_matches_the_method_in_the_body():
    enrolment = EnrolmentFactory()
    for method in ("REQUEST", "CANCEL"):
        if method == "CANCEL":
            Enrolment.objects.filter(pk=enrolment.pk).update(status="cancelled")
            enrolment.refresh_from_db()
        part = invitation_mime_part(invitation(enrolment, method), method)
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == method
        assert part.get_param("charset") == "UTF-8"
        assert part["Content-Type"] == f"text/calendar; method={method}; charset=UTF-8"
        body = base64.b64decode(part.get_payload())
        assert parse(body)["METHOD"] == method
        assert body == part.get_payload(decode=True)


def test_cancel_has_status_cancelled_and_the_same_uid():
    enrolment = EnrolmentFactory(date=dst_date(online_url="https://meet.example/x"))
    request_uids = [str(e["UID"]) for e in events(parse(invitation(enrolment, "REQUEST")))]
    Enrolment.objects.filter(pk=enrolment.pk).update(status="cancelled")
    enrolment.refresh_from_db()
    calendar = parse(invitation(enrolment, "CANCEL"))
    assert calendar["METHOD"] == "CANCEL"
    assert [str(e["UID"]) for e in events(calendar)] == request_uids
    assert {str(e["STATUS"]) for e in events(calendar)} == {"CANCELLED"}
    assert all("ATTENDEE" in e and "ORGANIZER" in e for e in events(calendar))
    assert "meet.example" not in calendar.to_ical().decode()


@pytest.mark.parametrize("status", ["waitlisted", "offered", "declined", "expired"])
def test_no_invitation_for_anyone_without_a_confirmed_seat(status):
    enrolment = EnrolmentFactory(status=status)
    with pytest.raises(ValueError):
        invitation(enrolment, "REQUEST")
    with pytest.raises(ValueError):
        invitation(enrolment, "CANCEL")


def test_no_request_for_a_cancelled_date():
    enrolment = EnrolmentFactory(date__status=WorkshopDate.Status.CANCELLED)
    with pytest.raises(ValueError):
        invitation(enrolment, "REQUEST")
    assert str(events(parse(invitation(enrolment, "CANCEL")))[0]["STATUS"]) == "CANCELLED"


def sequence_of(enrolment, method="REQUEST"):
    enrolment.refresh_from_db()
    enrolment.date.refresh_from_db()
    return {e["SEQUENCE"] for e in events(parse(invitation(enrolment, method)))}


def test_sequence_rises_after_reschedule_rename_and_cancellation():
    enrolment = EnrolmentFactory()
    workshop = enrolment.date
    assert sequence_of(enrolment) == {0}

    before = snapshot(workshop.pk)
    part = workshop.parts.get()
    part.starts_at += timedelta(hours=1)
    part.ends_at += timedelta(hours=1)
    part.save()
    assert record_change(workshop, before)
    assert sequence_of(enrolment) == {1}

    series = workshop.series
    series.save_revision().publish()  # same title: nothing participants must see
    assert sequence_of(enrolment) == {1}
    old_title = series.title
    series.title = "Cobots sicher einsetzen"
    series.save_revision().publish()
    assert sequence_of(enrolment) == {2}
    [event] = events(parse(invitation(enrolment, "REQUEST")))
    assert str(event["SUMMARY"]) == "Cobots sicher einsetzen"
    assert old_title not in str(event["SUMMARY"])

    staff = UserFactory(staff=True)
    cancel_date(workshop.pk, staff, "Trainer erkrankt")
    assert sequence_of(enrolment, "CANCEL") == {3}
    workshop.refresh_from_db()
    assert workshop.cancelled_at is not None


def test_first_publish_only_records_the_title():
    workshop = WorkshopDateFactory()
    WorkshopDate.objects.filter(pk=workshop.pk).update(calendar_title="")
    workshop.series.save_revision().publish()
    workshop.refresh_from_db()
    assert workshop.calendar_title == workshop.series.title
    assert workshop.sequence == 0


def test_feed_is_published_without_attendees_or_online_links():
    online = WorkshopDateFactory(online_url="https://meet.example/geheim")
    EnrolmentFactory(date=online)
    dst_date()
    data = feed_calendar(dates_for_calendar(WorkshopDate.objects.all()), name="Alle Termine")
    calendar = parse(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Alle Termine"
    assert len(events(calendar)) == 3
    assert all("ATTENDEE" not in e and "ORGANIZER" not in e for e in events(calendar))
    assert b"meet.example" not in data
    assert b"ATTENDEE" not in data


def test_feed_query_count_does_not_grow_with_the_dates(django_assert_max_num_queries):
    WorkshopDateFactory(parts=2)
    with django_assert_max_num_queries(10) as few:
        feed_calendar(dates_for_calendar(WorkshopDate.objects.all()), name="x")
    for _ in range(5):
        WorkshopDateFactory(parts=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        feed_calendar(dates_for_calendar(WorkshopDate.objects.all()), name="x")


def test_cancelled_date_stays_in_the_feed_for_a_while_then_drops_out():
    staff = UserFactory(staff=True)
    kept = WorkshopDateFactory()
    cancelled = WorkshopDateFactory()
    cancel_date(cancelled.pk, staff, "Zu wenige Anmeldungen")

    def feed_statuses():
        dates = dates_for_calendar(feed_dates(WorkshopDate.objects.all()))
        plain = list(dates_for_calendar(WorkshopDate.objects.all()))
        from_queryset = parse(feed_calendar(dates, name="Feed"))
        from_list = parse(feed_calendar(plain, name="Feed"))
        assert from_queryset.to_ical().count(b"BEGIN:VEVENT") == len(events(from_list))
        return {str(e["UID"]).split("-")[2]: str(e["STATUS"]) for e in events(from_list)}

    assert feed_statuses() == {str(kept.pk): "CONFIRMED", str(cancelled.pk): "CANCELLED"}
    with time_machine.travel(timezone.now() + FEED_KEEP_CANCELLED - timedelta(hours=1)):
        assert feed_statuses()[str(cancelled.pk)] == "CANCELLED"
    with time_machine.travel(timezone.now() + FEED_KEEP_CANCELLED + timedelta(hours=1)):
        assert feed_statuses() == {str(kept.pk): "CONFIRMED"}


TRICKY_TITLE = 'Löten, Prüfen; Messen \\ "Qualität" 🤖 Größe\nZweite Zeile'
TRICKY_TEASER = "Für Fachkräfte: Schweißen; Kleben, Nieten \\ Ärger vermeiden 😀\n\nDanach Pause."


def test_special_characters_are_escaped_and_lines_folded():
    series = WorkshopSeriesPageFactory(title=TRICKY_TITLE, slug="loeten", teaser=TRICKY_TEASER)
    workshop = WorkshopDateFactory(
        series=series, venue_name="Halle 3, Tor B; hinten", venue_city="Tübingen"
    )
    data = date_download(workshop)
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
    [event] = events(parse(data))
    assert str(event["SUMMARY"]) == TRICKY_TITLE
    assert str(event["DESCRIPTION"]).startswith(TRICKY_TEASER)
    assert str(event["LOCATION"]) == "Halle 3, Tor B; hinten, Gutenbergstraße 5, 72764 Tübingen"
    assert b"Halle 3\\, Tor B\\; hinten" in data
    assert b"\\\\" in data


# --- A second, independent parser -------------------------------------------------------------


@pytest.mark.services
def test_every_kind_of_file_passes_ical_js(ical_js):
    series = WorkshopSeriesPageFactory(title=TRICKY_TITLE, slug="loeten", teaser=TRICKY_TEASER)
    workshop = dst_date(series=series, online_url="https://meet.example/geheim")
    enrolment = EnrolmentFactory(date=workshop, person__email="zoe@firma.example")

    feed = ical_js(feed_calendar(dates_for_calendar(WorkshopDate.objects.all()), name="Alle"))
    assert feed["method"] == "PUBLISH"
    assert feed["timezones"] == ["Europe/Berlin"]
    assert [e["start"] for e in feed["events"]] == [
        "2027-03-26T08:00:00.000Z",
        "2027-03-30T07:00:00.000Z",
    ]
    assert {e["tzid"] for e in feed["events"]} == {"Europe/Berlin"}
    assert feed["events"][0]["summary"] == f"{TRICKY_TITLE} (Teil 1 von 2)"
    assert all(e["attendees"] == [] for e in feed["events"])

    download = ical_js(date_download(workshop, enrolment=enrolment))
    assert "https://meet.example/geheim" in download["events"][0]["description"]

    request = ical_js(invitation(enrolment, "REQUEST"))
    assert request["method"] == "REQUEST"
    assert request["events"][0]["attendees"] == ["mailto:zoe@firma.example"]
    assert request["events"][0]["organizer"] == "mailto:buero@verbund.example"

    Enrolment.objects.filter(pk=enrolment.pk).update(status="cancelled")
    enrolment.refresh_from_db()
    cancel = ical_js(invitation(enrolment, "CANCEL"))
    assert cancel["method"] == "CANCEL"
    assert {e["status"] for e in cancel["events"]} == {"CANCELLED"}
    assert [e["uid"] for e in cancel["events"]] == [e["uid"] for e in request["events"]]


def test_the_feed_benchmark_builds_a_feed_and_leaves_nothing_behind(capsys):
    from tests.bench import calendar_feed

    WorkshopSeriesPageFactory()
    calendar_feed.main(["--events", "50", "--rounds", "2"])
    assert re.fullmatch(
        r"50 Termine \(50 Ereignisse im Feed\): \d+\.\d{3} s neu erzeugt, "
        r"\d+\.\d{3} s aus dem Cache, \d+ Bytes\n",
        capsys.readouterr().out,
    )
    assert not WorkshopDate.objects.exists()


def test_fast_folding_gives_exactly_icalendars_output():
    """The slice-based folding must not change a single byte of any file."""
    import random

    from icalendar.parser import Contentline

    from workshops import ical_folding

    rng = random.Random(5545)
    alphabet = 'abcXYZ019 ,;:\\^"=-äöüß€😀'
    for length in [0, 1, 73, 74, 75, 76, 147, 148, 149, *range(150, 600, 37)]:
        for _ in range(40):
            ascii_only = rng.random() < 0.7
            chars = alphabet[:21] if ascii_only else alphabet
            line = "".join(rng.choice(chars) for _ in range(length))
            assert ical_folding.foldline(line).encode() == Contentline(line).to_ical(), line


def test_components_are_written_as_icalendar_writes_them():
    from icalendar import Calendar, Event

    from workshops.ical_folding import component_to_ical

    calendar = Calendar()
    calendar.add("prodid", "-//Test//Test//DE")
    calendar.add("x-wr-calname", "Workshops: Fügen, Schweißen, Löten; " * 6)
    event = Event()
    event.add("summary", "Einstieg in die Robotik, Teil 1\\2 – " * 5)
    calendar.add_component(event)
    for sort in (True, False):
        assert component_to_ical(calendar, sorted=sort) == calendar.to_ical(sorted=sort)


def test_an_unchanged_feed_is_served_from_the_cache_until_a_date_changes(time_machine):
    from workshops.calendar import dates_for_calendar, feed_calendar
    from workshops.models import WorkshopDate

    date = WorkshopDateFactory(parts=2)

    def build():
        return feed_calendar(
            dates_for_calendar(WorkshopDate.objects.filter(pk=date.pk)), name="Feed"
        )

    time_machine.move_to(timezone.now())
    first = build()
    time_machine.shift(timedelta(minutes=5))
    assert build() == first  # same DTSTAMP: nothing was rebuilt

    part = date.parts.order_by("starts_at").first()
    part.starts_at += timedelta(hours=1)
    part.ends_at += timedelta(hours=1)
    part.save()
    changed = build()
    assert changed != first
    assert Calendar.from_ical(changed).walk("VEVENT")[0].start == timezone.localtime(part.starts_at)
