"""What machines and caches see of the public site: JSON-LD, robots.txt, sitemap.xml, the
partner API page, cache headers and the weight of each public page type."""

import json
import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils.cache import get_max_age

from cms.models import (
    ContactPointIndexPage,
    ContactPointPage,
    StandardPage,
    WorkshopSeriesIndexPage,
    WorkshopSeriesPage,
)
from workshops.models import Enrolment

from .factories import (
    DistrictFactory,
    EnrolmentFactory,
    TopicFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
    home_page,
)

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html):
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1, blocks
    return json.loads(blocks[0])


@pytest.fixture
def contact_point(db):
    index = ContactPointIndexPage(title="Anlaufstellen", slug="anlaufstellen")
    home_page().add_child(instance=index)
    page = ContactPointPage(
        title="IHK Esslingen",
        slug="ihk-esslingen",
        organisation="IHK Region Stuttgart",
        street="Fabrikstraße 1",
        postal_code="73728",
        city="Esslingen am Neckar",
        district=DistrictFactory(name="Esslingen", slug="esslingen"),
        phone="0711 2005-0",
        email="beratung@ihk.example",
        opening_hours="Mo–Do 9:00–16:00 Uhr\nFr 9:00–12:00 Uhr",
        contact_person="Sabine Krämer",
    )
    page.topics = [TopicFactory(name="Robotik", slug="robotik")]
    index.add_child(instance=page)
    return page


# --- JSON-LD ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_series_page_describes_the_course_and_each_upcoming_date(client):
    series = WorkshopSeriesPageFactory(
        title="Einstieg in die Robotik",
        price_member=Decimal("0"),
        price_non_member=Decimal("290"),
    )
    winter = WorkshopDateFactory(series=series, starts_at=berlin(timezone_day(40), 9), parts=2)
    full = WorkshopDateFactory(series=series, capacity=1)
    EnrolmentFactory(date=full, status=Enrolment.Status.CONFIRMED)
    WorkshopDateFactory(series=series, status="cancelled")

    data = json_ld(client.get(series.url).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == "Einstieg in die Robotik"
    assert data["url"] == settings.SITE_URL + series.url
    assert data["provider"]["@type"] == "Organization"
    instances = {item["url"].rsplit("-", 1)[1]: item for item in data["hasCourseInstance"]}
    assert set(instances) == {str(full.pk), str(winter.pk)}, "cancelled dates are left out"
    first = instances[str(winter.pk)]
    parts = list(winter.parts.order_by("starts_at"))
    assert first["@type"] == "CourseInstance"
    assert first["courseMode"] == "onsite"
    assert first["startDate"] == parts[0].starts_at.astimezone(berlin_tz()).isoformat()
    assert first["endDate"] == parts[-1].ends_at.astimezone(berlin_tz()).isoformat()
    assert re.search(r"T09:00:00\+0[12]:00$", first["startDate"])
    assert first["location"]["@type"] == "Place"
    assert first["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Gutenbergstraße 5",
        "postalCode": "72764",
        "addressLocality": "Reutlingen",
        "addressCountry": "DE",
    }
    prices = {offer["price"] for offer in first["offers"]}
    assert prices == {"0.00", "290.00"}
    assert {offer["priceCurrency"] for offer in first["offers"]} == {"EUR"}
    assert {offer["availability"] for offer in first["offers"]} == {"https://schema.org/InStock"}
    sold_out = instances[str(full.pk)]
    assert {o["availability"] for o in sold_out["offers"]} == {"https://schema.org/SoldOut"}


def berlin_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


def timezone_day(days_ahead):
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days_ahead)


@pytest.mark.django_db
def test_online_and_hybrid_dates_have_a_virtual_location_without_the_access_link(client):
    online = WorkshopSeriesPageFactory(format=WorkshopSeriesPage.Format.ONLINE)
    WorkshopDateFactory(
        series=online,
        venue_city="",
        venue_name="",
        venue_street="",
        online_url="https://meet.example/geheim-123",
    )
    hybrid = WorkshopSeriesPageFactory(format=WorkshopSeriesPage.Format.HYBRID)
    WorkshopDateFactory(series=hybrid, online_url="https://meet.example/geheim-456")

    html = client.get(online.url).content.decode()
    assert "geheim-123" not in html
    instance = json_ld(html)["hasCourseInstance"][0]
    assert instance["courseMode"] == "online"
    assert instance["location"]["@type"] == "VirtualLocation"

    instance = json_ld(client.get(hybrid.url).content.decode())["hasCourseInstance"][0]
    assert instance["courseMode"] == "blended"
    assert [place["@type"] for place in instance["location"]] == ["Place", "VirtualLocation"]


@pytest.mark.django_db
def test_series_page_queries_stay_constant_as_dates_grow(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    series = WorkshopSeriesPageFactory()
    WorkshopDateFactory(series=series, parts=2)
    client.get(series.url)  # warm caches (site, settings)
    with CaptureQueriesContext(connection) as one_date:
        client.get(series.url)
    for _ in range(5):
        WorkshopDateFactory(series=series, parts=3)
    with CaptureQueriesContext(connection) as six_dates:
        data = json_ld(client.get(series.url).content.decode())
    assert len(data["hasCourseInstance"]) == 6
    assert len(six_dates) == len(one_date)


@pytest.mark.django_db
def test_page_text_cannot_break_out_of_the_json_ld(client):
    title = 'Robotik </script><script>alert("x")</script> & Co'
    series = WorkshopSeriesPageFactory(title=title, slug="robotik-und-co")

    html = client.get(series.url).content.decode()

    assert "<script>alert" not in html
    assert json_ld(html)["name"] == title


@pytest.mark.django_db
def test_contact_point_list_ignores_an_unknown_district(client, contact_point):
    response = client.get("/anlaufstellen/", {"kreis": "<gibt-es-nicht>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "IHK Esslingen" in html
    assert "Alle Anlaufstellen" in html


@pytest.mark.django_db
def test_contact_point_page_describes_the_place(client, contact_point):
    data = json_ld(client.get(contact_point.url).content.decode())

    assert set(data["@type"]) == {"Organization", "Place"}
    assert data["name"] == "IHK Esslingen"
    assert data["address"]["streetAddress"] == "Fabrikstraße 1"
    assert data["address"]["postalCode"] == "73728"
    assert data["telephone"] == "0711 2005-0"
    assert data["openingHours"] == ["Mo–Do 9:00–16:00 Uhr", "Fr 9:00–12:00 Uhr"]
    assert data["knowsAbout"] == ["Robotik"]


# --- iCal, robots.txt, sitemap.xml, partner page ---------------------------------------------


@pytest.mark.django_db
def test_series_page_links_its_public_calendar_feed(client):
    series = WorkshopSeriesPageFactory()
    WorkshopDateFactory(series=series)
    html = client.get(series.url).content.decode()
    feed = f"/kalender/reihe/{series.pk}.ics"
    assert f'href="{feed}"' in html

    response = client.get(feed)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert series.title in response.content.decode()


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for prefix in (
        "/admin/",
        "/konto/",
        "/anmeldung/",
        "/teilnahme/",
        "/kalender/person/",
        "/kalender/firma/",
    ):
        assert f"Disallow: {prefix}" in lines, prefix
    assert "Disallow: /" not in lines
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines


@pytest.mark.django_db
def test_sitemap_lists_live_pages_with_absolute_addresses(client):
    live = WorkshopSeriesPageFactory(title="Live-Reihe", slug="live-reihe")
    draft = WorkshopSeriesPageFactory(title="Entwurf", slug="entwurf", live=False)
    live.save_revision().publish()

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    locations = re.findall(r"<loc>(.*?)</loc>", xml)
    assert settings.SITE_URL + live.url in locations
    assert settings.SITE_URL + "/" in locations
    assert not any(draft.slug in location for location in locations)
    assert all(location.startswith(settings.SITE_URL + "/") for location in locations)
    for view in ("/angebote/", "/foerder-check/", "/partner/api/"):
        assert settings.SITE_URL + view in locations, view
    assert "<lastmod>" in xml


@pytest.mark.django_db
def test_partner_page_documents_the_offers_api(client):
    response = client.get("/partner/api/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/offers" in html
    for field in ("ical_url", "free_seats", "page_size", "date_from"):
        assert field in html, field
    assert 'lang="en"' in html
    assert html.count("<h1") == 1
    for documentation in ("/api/v1/openapi.json", "/api/v1/docs"):
        assert f'href="{settings.SITE_URL}{documentation}"' in html
        assert client.get(documentation).status_code == 200, documentation
    assert client.get("/api/v1/offers").status_code == 200


# --- Cache headers ---------------------------------------------------------------------------


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def shared_max_age(response):
    for part in cache_control(response):
        if part.startswith("s-maxage="):
            return int(part.split("=", 1)[1])
    return get_max_age(response)


def assert_private(response):
    directives = cache_control(response)
    assert "private" in directives and "no-store" in directives, directives
    assert "public" not in directives


@pytest.mark.django_db
def test_anonymous_public_pages_may_be_cached_for_a_minute(client, contact_point):
    series = WorkshopSeriesPageFactory()
    WorkshopDateFactory(series=series)
    for path in (
        "/",
        series.url,
        contact_point.url,
        "/anlaufstellen/",
        "/partner/api/",
        "/robots.txt",
        "/sitemap.xml",
        "/angebote/?format=presence",
        "/foerder-check/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "public" in cache_control(response), path
        # A new or changed date shows everywhere within a minute.
        assert 0 < shared_max_age(response) <= 60, path
        assert get_max_age(response) == 0, "browsers ask again, e.g. right after signing in"
        assert "Cookie" in response["Vary"], path
        assert not response.cookies, path
        assert "csrfmiddlewaretoken" not in response.content.decode(), path


@pytest.mark.django_db
def test_personal_answers_are_never_kept_by_a_shared_cache(client):
    # A form with a CSRF token.
    assert_private(client.get("/beratung/anfrage/"))
    assert_private(client.get("/konto/login/"))
    # A write.
    assert_private(client.post("/beratung/anfrage/", {}))
    # Signed in.
    client.force_login(UserFactory())
    assert_private(client.get("/"))
    # A message shown once (here: after signing out).
    response = client.post("/konto/logout/", follow=True)
    assert response.redirect_chain and response.request["PATH_INFO"] == "/"
    assert "abgemeldet" in response.content.decode()
    assert_private(response)
    # Afterwards the same page is public again (the browser has dropped the deleted
    # session cookie; Django's test client keeps sending it empty).
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    assert "public" in cache_control(client.get("/"))


@pytest.mark.django_db
def test_admin_and_api_writes_are_not_cacheable(client):
    assert "public" not in cache_control(client.get("/admin/"))
    response = client.post("/api/v1/enrolments", {}, content_type="application/json")
    assert response.status_code in (400, 401, 403)
    assert "public" not in cache_control(response)


# --- Page weight -----------------------------------------------------------------------------

PAGE_BUDGET = 100 * 1024
ASSET = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"')


def page_weight(client, path):
    """Bytes of the page's HTML plus every CSS and JS file it references (before images)."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    total = len(response.content)
    for match in ASSET.finditer(html):
        url = match.group(1) or match.group(2)
        if url == reverse("theme_css"):  # the office's colours, made by the site itself
            total += len(client.get(url).content)
            continue
        assert url.startswith(settings.STATIC_URL), f"{path} loads {url} from elsewhere"
        found = finders.find(urlsplit(url).path.removeprefix(settings.STATIC_URL))
        assert found, f"{url} referenced by {path} is missing"
        with open(found, "rb") as asset:
            total += len(asset.read())
    return total


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo network (full pages, many dates), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_each_public_page_type_stays_within_100_kb(client, demo_site):
    series = WorkshopSeriesPage.objects.live().order_by("path")
    busiest = max(series, key=lambda page: page.dates.count())
    paths = {
        "home": "/",
        "series index": WorkshopSeriesIndexPage.objects.live().first().url,
        "series": busiest.url,
        "contact points": ContactPointIndexPage.objects.live().first().url,
        "contact point": ContactPointPage.objects.live().first().url,
        "standard page": StandardPage.objects.live().order_by("-path").first().url,
        "advice form": "/beratung/anfrage/",
        "partner API": "/partner/api/",
        "offer finder": "/angebote/",
        "funding check": "/foerder-check/",
    }
    weights = {name: page_weight(client, path) for name, path in paths.items()}
    too_heavy = {name: weight for name, weight in weights.items() if weight > PAGE_BUDGET}
    assert too_heavy == {}, weights
