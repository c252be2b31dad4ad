"""Calendar feeds and downloads: personal and firm feeds by secret address, public feeds,
single-date files, the account page with the feed addresses, and the API fields."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from members.models import Person
from members.services.calendar_feeds import (
    feed_url,
    firm_feed_token,
    personal_feed_token,
)
from workshops.models import DatePart, Enrolment, WorkshopDate
from workshops.services.dates import cancel_date

from .factories import (
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    TopicFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
)

pytestmark = pytest.mark.django_db

CONFIRMED = Enrolment.Status.CONFIRMED


def path_of(url):
    assert url.startswith(settings.SITE_URL + "/")
    return url[len(settings.SITE_URL) :]


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    return calendar


def events(response):
    return parse(response).walk("VEVENT")


def text(response):
    """The file with its folded lines joined again."""
    return response.content.decode().replace("\r\n ", "")


def summaries(response):
    return sorted(str(event["SUMMARY"]) for event in events(response))


def dated(title, **kwargs):
    return WorkshopDateFactory(series=WorkshopSeriesPageFactory(title=title), **kwargs)


@pytest.fixture
def firm():
    return FirmFactory(name="Kessler Feinmechanik GmbH")


@pytest.fixture
def jana(firm):
    return PersonFactory(firm=firm, with_account=True, first_name="Jana", email="jana@k.example")


# --- Personal feed ----------------------------------------------------------------------------


def test_personal_feed_shows_only_the_persons_confirmed_dates(client, jana, firm):
    mine = dated("Robotik für Einsteiger", online_url="https://meet.example/geheim")
    EnrolmentFactory(date=mine, person=jana)
    EnrolmentFactory(date=dated("Wartend"), person=jana, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(date=dated("Storniert"), person=jana, status=Enrolment.Status.CANCELLED)
    colleague = PersonFactory(firm=firm, with_account=True)
    EnrolmentFactory(date=dated("Kollegin Geheimkurs"), person=colleague)
    EnrolmentFactory(date=dated("Fremdfirma Geheimkurs"))

    response = client.get(path_of(feed_url(personal_feed_token(jana.user))))

    assert summaries(response) == ["Robotik für Einsteiger"]
    body = text(response)
    assert "ATTENDEE" not in body
    assert "meet.example" not in body
    assert "Geheimkurs" not in body
    assert "private" in response["Cache-Control"]


def test_each_person_has_their_own_address(client, jana, firm):
    colleague = PersonFactory(firm=firm, with_account=True)
    EnrolmentFactory(date=dated("Janas Kurs"), person=jana)
    EnrolmentFactory(date=dated("Kurs der Kollegin"), person=colleague)

    janas = feed_url(personal_feed_token(jana.user))
    colleagues = feed_url(personal_feed_token(colleague.user))

    assert janas != colleagues
    assert summaries(client.get(path_of(janas))) == ["Janas Kurs"]
    assert summaries(client.get(path_of(colleagues))) == ["Kurs der Kollegin"]


def test_a_multi_part_date_gives_one_event_per_part(client, jana):
    date = WorkshopDateFactory(parts=3)
    EnrolmentFactory(date=date, person=jana)

    found = events(client.get(path_of(feed_url(personal_feed_token(jana.user)))))

    assert len(found) == 3
    assert len({str(event["UID"]) for event in found}) == 3


def test_invalid_or_wrong_kind_of_token_gets_404(client, jana, firm):
    EnrolmentFactory(person=jana)
    firm_token = firm_feed_token(firm).token
    person_token = personal_feed_token(jana.user).token

    assert client.get("/kalender/person/unbekannt.ics").status_code == 404
    assert client.get(f"/kalender/person/{person_token}x.ics").status_code == 404
    assert client.get(f"/kalender/person/{firm_token}.ics").status_code == 404
    assert client.get(f"/kalender/firma/{person_token}.ics").status_code == 404
    assert client.get("/kalender/firma/unbekannt.ics").status_code == 404


def test_cancelled_date_shows_as_cancelled_for_a_while_then_drops_out(client, jana):
    date = dated("Abgesagter Kurs")
    EnrolmentFactory(date=date, person=jana)
    cancel_date(date.pk, UserFactory(staff=True), "Trainer erkrankt")
    url = path_of(feed_url(personal_feed_token(jana.user)))

    (event,) = events(client.get(url))
    assert event["STATUS"] == "CANCELLED"

    WorkshopDate.objects.filter(pk=date.pk).update(cancelled_at=timezone.now() - timedelta(days=15))
    assert events(client.get(url)) == []


def test_an_own_cancelled_seat_leaves_the_feed(client, jana):
    enrolment = EnrolmentFactory(date=dated("Doch nicht"), person=jana)
    url = path_of(feed_url(personal_feed_token(jana.user)))
    assert summaries(client.get(url)) == ["Doch nicht"]

    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.save()

    assert events(client.get(url)) == []


# --- Firm feed --------------------------------------------------------------------------------


def test_firm_feed_shows_confirmed_dates_of_current_employees_only(client, firm):
    EnrolmentFactory(date=dated("Kurs Beschäftigte"), person__firm=firm)
    left = PersonFactory(firm=firm, left_on=timezone.localdate())
    EnrolmentFactory(date=dated("Kurs Ausgeschiedene"), person=left)
    EnrolmentFactory(
        date=dated("Kurs Warteliste"), person__firm=firm, status=Enrolment.Status.WAITLISTED
    )
    EnrolmentFactory(date=dated("Kurs Fremdfirma"), person__firm=FirmFactory())

    response = client.get(path_of(feed_url(firm_feed_token(firm))))

    assert summaries(response) == ["Kurs Beschäftigte"]
    assert "ATTENDEE" not in text(response)
    assert "private" in response["Cache-Control"]


# --- Conditional requests ---------------------------------------------------------------------


def test_feed_has_etag_and_last_modified_and_answers_304(client, jana):
    date = dated("Bedingt")
    EnrolmentFactory(date=date, person=jana)
    url = path_of(feed_url(personal_feed_token(jana.user)))

    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")

    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag

    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304

    EnrolmentFactory(date=dated("Neu dazu"), person=jana)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert summaries(changed) == ["Bedingt", "Neu dazu"]


def test_a_cancelled_seat_is_not_hidden_by_if_modified_since(client, jana):
    enrolment = EnrolmentFactory(date=dated("Bald weg"), person=jana)
    url = path_of(feed_url(personal_feed_token(jana.user)))
    first = client.get(url)

    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.CANCELLED, updated_at=timezone.now() + timedelta(seconds=2)
    )

    response = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert response.status_code == 200
    assert events(response) == []


def test_public_feed_answers_304_too(client):
    dated("Öffentlich")
    first = client.get("/kalender/termine.ics")
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    assert (
        client.get("/kalender/termine.ics", headers={"If-None-Match": first["ETag"]}).status_code
        == 304
    )
    assert (
        client.get(
            "/kalender/termine.ics", headers={"If-Modified-Since": first["Last-Modified"]}
        ).status_code
        == 304
    )


# --- Public feeds -----------------------------------------------------------------------------


def test_series_feed_shows_that_series_dates(client):
    series = WorkshopSeriesPageFactory(title="Lean im Betrieb")
    WorkshopDateFactory(series=series)
    WorkshopDateFactory(series=series, starts_at=timezone.now() + timedelta(days=60))
    dated("Andere Reihe")

    response = client.get(reverse("calendar:series", args=[series.pk]))

    assert summaries(response) == ["Lean im Betrieb", "Lean im Betrieb"]
    assert parse(response)["X-WR-CALNAME"] == "Lean im Betrieb"


def test_series_feed_of_unpublished_or_unknown_series_is_404(client):
    hidden = WorkshopSeriesPageFactory(live=False)
    assert client.get(reverse("calendar:series", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("calendar:series", args=[999999])).status_code == 404


def test_topic_feed_and_unknown_topic(client):
    robotik = TopicFactory(name="Robotik", slug="robotik")
    WorkshopDateFactory(series=WorkshopSeriesPageFactory(title="Roboter A", topic=robotik))
    WorkshopDateFactory(series=WorkshopSeriesPageFactory(title="Roboter B", topic=robotik))
    dated("Buchhaltung")

    response = client.get(reverse("calendar:topic", args=["robotik"]))

    assert summaries(response) == ["Roboter A", "Roboter B"]
    assert client.get("/kalender/thema/gibt-es-nicht.ics").status_code == 404


def test_all_dates_feed_shows_upcoming_public_dates_without_online_links(client):
    dated("Kommt bald", online_url="https://meet.example/geheim")
    dated("Schon vorbei", starts_at=timezone.now() - timedelta(days=3))
    dated("Durchgeführt", status=WorkshopDate.Status.DONE)
    WorkshopDateFactory(series=WorkshopSeriesPageFactory(title="Unveröffentlicht", live=False))

    response = client.get("/kalender/termine.ics")

    assert summaries(response) == ["Kommt bald"]
    assert "meet.example" not in text(response)


def test_public_feed_is_sorted_by_date_and_comes_from_the_cache_until_a_part_moves(
    client, time_machine
):
    later = dated("Später", starts_at=timezone.now() + timedelta(days=60))
    dated("Früher", starts_at=timezone.now() + timedelta(days=20), parts=2)
    time_machine.move_to(timezone.now())
    first = client.get("/kalender/termine.ics")
    assert [str(e["SUMMARY"]) for e in events(first)] == [
        "Früher (Teil 1 von 2)",
        "Früher (Teil 2 von 2)",
        "Später",
    ]

    time_machine.shift(timedelta(minutes=10))
    again = client.get("/kalender/termine.ics")
    assert again.content == first.content  # same DTSTAMP: served from the cache
    assert again["ETag"] == first["ETag"]

    # A part is moved without the date itself being saved: the feed must show it.
    part = later.parts.get()
    DatePart.objects.filter(pk=part.pk).update(
        starts_at=part.starts_at + timedelta(hours=1), ends_at=part.ends_at + timedelta(hours=1)
    )
    moved = client.get("/kalender/termine.ics")
    assert moved["ETag"] != first["ETag"]
    [event] = [e for e in events(moved) if str(e["SUMMARY"]) == "Später"]
    assert event.start == (part.starts_at + timedelta(hours=1)).replace(microsecond=0)


# --- Single downloads -------------------------------------------------------------------------


def test_date_download_is_a_single_event_file_without_the_online_link(client):
    date = dated("Zum Eintragen", online_url="https://meet.example/geheim")

    response = client.get(reverse("calendar:date", args=[date.pk]))

    assert summaries(response) == ["Zum Eintragen"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "meet.example" not in text(response)
    hidden = WorkshopDateFactory(series=WorkshopSeriesPageFactory(live=False))
    assert client.get(reverse("calendar:date", args=[hidden.pk])).status_code == 404


def test_enrolment_download_gives_a_confirmed_participant_the_online_link(client, jana):
    date = dated("Online-Kurs", online_url="https://meet.example/geheim")
    confirmed = EnrolmentFactory(date=date, person=jana)
    waiting = EnrolmentFactory(
        date=dated("Voll", online_url="https://meet.example/voll"),
        person=jana,
        status=Enrolment.Status.WAITLISTED,
    )
    client.force_login(jana.user)

    response = client.get(reverse("calendar:enrolment", args=[confirmed.pk]))
    assert summaries(response) == ["Online-Kurs"]
    assert "Online-Zugang: https://meet.example/geheim" in str(events(response)[0]["DESCRIPTION"])
    assert "private" in response["Cache-Control"]

    waiting_file = client.get(reverse("calendar:enrolment", args=[waiting.pk]))
    assert "meet.example" not in text(waiting_file)


def test_firm_admin_download_of_an_employees_seat_has_no_online_link(client, jana, firm):
    confirmed = EnrolmentFactory(
        date=dated("Online-Kurs", online_url="https://meet.example/geheim"), person=jana
    )
    client.force_login(PersonFactory(admin=True, firm=firm).user)

    response = client.get(reverse("calendar:enrolment", args=[confirmed.pk]))

    assert summaries(response) == ["Online-Kurs"]
    assert "meet.example" not in text(response)


def test_enrolment_download_needs_login_and_the_right_person(client, jana):
    enrolment = EnrolmentFactory(person=jana)
    url = reverse("calendar:enrolment", args=[enrolment.pk])

    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


# --- Queries stay flat ------------------------------------------------------------------------


def enrol_many(person, count):
    for _ in range(count):
        EnrolmentFactory(date=WorkshopDateFactory(parts=2), person=person)


@pytest.mark.parametrize("count", [2, 12])
def test_feeds_need_a_constant_number_of_queries(
    client, django_assert_max_num_queries, jana, firm, count
):
    enrol_many(jana, count)
    enrol_many(PersonFactory(firm=firm), count)
    person_url = path_of(feed_url(personal_feed_token(jana.user)))
    firm_url = path_of(feed_url(firm_feed_token(firm)))
    series = Enrolment.objects.filter(person=jana).first().date.series
    client.get("/kalender/termine.ics")  # Wagtail's site root paths are cached after this

    for url, expected_events in [
        (person_url, 2 * count),
        (firm_url, 4 * count),
        ("/kalender/termine.ics", 4 * count),
        (reverse("calendar:series", args=[series.pk]), 2),
        (reverse("calendar:topic", args=[series.topic.slug]), 2),
    ]:
        with django_assert_max_num_queries(6):
            response = client.get(url)
        assert len(events(response)) == expected_events


# --- Account page -----------------------------------------------------------------------------


def test_account_page_shows_the_personal_address_and_instructions(client, jana):
    client.force_login(jana.user)

    response = client.get(reverse("calendar:account"))

    assert response.status_code == 200
    html = response.content.decode()
    url = feed_url(personal_feed_token(jana.user))
    assert f'value="{url}"' in html
    assert '<label class="field-label" for="feed-person">' in html
    for text in (
        "Outlook",
        "Aus dem Internet",
        "Google",
        "Per URL",
        "Apple",
        "Neues Kalenderabonnement",
        "Neue Adresse erzeugen",
    ):
        assert text in html
    assert "feed-firm" not in html
    other_account_page = client.get(reverse("members:personal_data")).content.decode()
    assert f'href="{reverse("calendar:account")}"' in other_account_page


def test_regenerating_kills_the_old_address(client, jana):
    EnrolmentFactory(date=dated("Mein Kurs"), person=jana)
    old = path_of(feed_url(personal_feed_token(jana.user)))
    client.force_login(jana.user)

    response = client.post(reverse("calendar:account"), {"regenerate": "person"}, follow=True)

    assert "neue Adresse" in response.content.decode()
    new = path_of(feed_url(personal_feed_token(jana.user)))
    assert new != old
    assert new in response.content.decode()
    assert client.get(old).status_code == 404
    assert summaries(client.get(new)) == ["Mein Kurs"]


def test_firm_admin_sees_and_renews_the_firm_address_contacts_do_not(client, firm):
    admin = PersonFactory(firm=firm, admin=True)
    contact = PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True)
    old = feed_url(firm_feed_token(firm))

    client.force_login(contact.user)
    assert old not in client.get(reverse("calendar:account")).content.decode()
    refused = client.post(reverse("calendar:account"), {"regenerate": f"firm-{firm.pk}"})
    assert refused.status_code == 404
    assert client.get(path_of(old)).status_code == 200

    client.force_login(admin.user)
    assert old in client.get(reverse("calendar:account")).content.decode()
    client.post(reverse("calendar:account"), {"regenerate": f"firm-{firm.pk}"})
    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(feed_url(firm_feed_token(firm)))).status_code == 200


def test_account_without_firm_gets_no_personal_address(client):
    client.force_login(UserFactory())
    html = client.get(reverse("calendar:account")).content.decode()
    assert "/kalender/person/" not in html
    assert "Mitgliedsunternehmen zugeordnet" in html


def test_account_page_needs_login(client):
    assert client.get(reverse("calendar:account")).status_code == 302


# --- Buttons ----------------------------------------------------------------------------------


def test_series_page_has_a_download_button_per_date(client):
    date = dated("Mit Knopf")
    html = client.get(date.series.url).content.decode()
    assert "In Kalender eintragen" in html
    assert reverse("calendar:date", args=[date.pk]) in html


def test_my_enrolments_and_firm_enrolments_have_download_buttons(client, jana, firm):
    enrolment = EnrolmentFactory(date=dated("Angemeldet"), person=jana)
    client.force_login(jana.user)
    html = client.get(reverse("enrolment:mine")).content.decode()
    assert "In Kalender eintragen" in html
    assert reverse("calendar:enrolment", args=[enrolment.pk]) in html

    client.force_login(PersonFactory(firm=firm, admin=True).user)
    html = client.get(reverse("enrolment:firm")).content.decode()
    assert reverse("calendar:enrolment", args=[enrolment.pk]) in html


# --- API --------------------------------------------------------------------------------------


def test_offers_carry_the_ical_url(client):
    date = dated("API-Kurs")
    (item,) = client.get("/api/v1/offers").json()["items"]
    assert item["ical_url"] == settings.SITE_URL + reverse("calendar:date", args=[date.pk])
    assert summaries(client.get(path_of(item["ical_url"]))) == ["API-Kurs"]


def test_me_carries_the_personal_feed_url(client, jana):
    EnrolmentFactory(date=dated("Über die API"), person=jana)
    client.force_login(jana.user)

    url = client.get("/api/v1/me").json()["calendar_feed_url"]

    assert url == feed_url(personal_feed_token(jana.user))
    assert summaries(client.get(path_of(url))) == ["Über die API"]
    client.force_login(UserFactory())
    assert client.get("/api/v1/me").json()["calendar_feed_url"] is None
