"""The offer finder /angebote/ and GET /api/v1/offers: one set of filters, same answers."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from cms.models import FundingProgrammeIndexPage, FundingProgrammePage, WorkshopSeriesPage
from tests.factories import (
    DistrictFactory,
    EnrolmentFactory,
    TopicFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
    home_page,
)
from workshops.services import offers

pytestmark = pytest.mark.django_db

FINDER = "/angebote/"
API = "/api/v1/offers"


def in_days(days, hour=9):
    return berlin(timezone.localdate() + timedelta(days=days), hour)


def funding_programme(title="Bildungsprämie"):
    index = FundingProgrammeIndexPage.objects.first()
    if index is None:
        index = FundingProgrammeIndexPage(title="Förderprogramme", slug="foerderung")
        home_page().add_child(instance=index)
    programme = FundingProgrammePage(
        title=title,
        teaser="Zuschuss zu Weiterbildungskosten.",
        benefit_summary="50 % der Kurskosten",
        applicant="Beschäftigte",
        legal_source="Richtlinie",
        valid_from=date(2024, 1, 1),
        checked_on=date(2026, 1, 1),
    )
    index.add_child(instance=programme)
    return programme


@pytest.fixture
def catalogue():
    """A small catalogue: robotics in two districts, a full date, a paid online course,
    a funded hybrid course and a 3D printing course next month."""
    robotik = TopicFactory(name="Robotik", slug="robotik")
    druck = TopicFactory(name="3D-Druck", slug="3d-druck")
    reutlingen = DistrictFactory(name="Landkreis Reutlingen", slug="reutlingen")
    tuebingen = DistrictFactory(name="Landkreis Tübingen", slug="tuebingen")
    cobots = WorkshopSeriesPageFactory(
        title="Cobots in der Montage",
        topic=robotik,
        format=WorkshopSeriesPage.Format.PRESENCE,
        teaser="Kollaborierende Roboter sicher einsetzen.",
    )
    online = WorkshopSeriesPageFactory(
        title="Roboter programmieren online",
        topic=robotik,
        format=WorkshopSeriesPage.Format.ONLINE,
        price_member=Decimal("120.00"),
        teaser="Programmieren am Simulator.",
    )
    hybrid = WorkshopSeriesPageFactory(
        title="Additive Fertigung im Betrieb",
        topic=druck,
        format=WorkshopSeriesPage.Format.HYBRID,
        teaser="Vom Modell zum Bauteil.",
    )
    hybrid.funding_programmes.set([funding_programme()])
    hybrid.save()
    dates = {
        "cobots_reutlingen": WorkshopDateFactory(
            series=cobots, starts_at=in_days(10), district=reutlingen, venue_city="Reutlingen"
        ),
        "cobots_tuebingen_full": WorkshopDateFactory(
            series=cobots,
            starts_at=in_days(20),
            district=tuebingen,
            capacity=1,
            venue_city="Tübingen",
        ),
        "online": WorkshopDateFactory(
            series=online,
            starts_at=in_days(15),
            venue_name="",
            venue_city="",
        ),
        "hybrid_later": WorkshopDateFactory(
            series=hybrid,
            starts_at=in_days(60),
            district=reutlingen,
        ),
    }
    EnrolmentFactory(date=dates["cobots_tuebingen_full"])
    return dates


def api_ids(client, params):
    response = client.get(API, {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def page_ids(client, params):
    response = client.get(FINDER, params)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="angebot-(\d+)"', response.content.decode())]


def text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- Filters: page and API agree --------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["cobots_reutlingen", "online", "cobots_tuebingen_full", "hybrid_later"]),
        ({"topic": "robotik"}, ["cobots_reutlingen", "online", "cobots_tuebingen_full"]),
        ({"format": "online"}, ["online"]),
        ({"format": "hybrid"}, ["hybrid_later"]),
        ({"district": "reutlingen"}, ["cobots_reutlingen", "hybrid_later"]),
        ({"free_only": "true"}, ["cobots_reutlingen", "online", "hybrid_later"]),
        ({"member_free": "true"}, ["cobots_reutlingen", "cobots_tuebingen_full", "hybrid_later"]),
        ({"funding": "true"}, ["hybrid_later"]),
        ({"q": "Cobots"}, ["cobots_reutlingen", "cobots_tuebingen_full"]),
        ({"q": "robot"}, ["cobots_reutlingen", "online", "cobots_tuebingen_full"]),
        (
            {"topic": "robotik", "district": "reutlingen", "free_only": "true"},
            ["cobots_reutlingen"],
        ),
    ],
)
def test_each_filter_gives_the_same_dates_on_the_page_and_in_the_api(
    client, catalogue, params, expected
):
    wanted = [catalogue[name].pk for name in expected]
    assert page_ids(client, params) == wanted
    assert api_ids(client, params) == wanted


def test_date_range_counts_the_first_day_and_agrees(client, catalogue):
    params = {
        "date_from": (timezone.localdate() + timedelta(days=15)).isoformat(),
        "date_to": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    wanted = [catalogue["online"].pk, catalogue["cobots_tuebingen_full"].pk]
    assert page_ids(client, params) == wanted
    assert api_ids(client, params) == wanted


def test_results_show_title_time_place_seats_and_link(client, catalogue):
    offer = catalogue["cobots_reutlingen"]
    response = client.get(FINDER, {"district": "reutlingen", "topic": "robotik"})
    content = text(response)
    start = offer.parts.get().starts_at
    weekday = ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."][start.weekday()]
    assert f"{weekday}, {start:%d.%m.%Y}, 09:00–16:00 Uhr" in content
    assert "Cobots in der Montage" in content
    assert "Technologiezentrum, Reutlingen (Landkreis Reutlingen)" in content
    assert "12 von 12 Plätzen frei" in content
    assert f'href="{offer.series.url}#termin-{offer.pk}"' in response.content.decode()
    assert "1 Termin gefunden" in content

    online = text(client.get(FINDER, {"format": "online"}))
    assert "Ort Online" in online
    full = text(client.get(FINDER, {"district": "tuebingen"}))
    assert "ausgebucht – Warteliste möglich" in full


# --- Counts -----------------------------------------------------------------------------------


def test_every_option_shows_how_many_dates_it_would_give(client, catalogue):
    content = text(client.get(FINDER, {"district": "reutlingen"}))
    # Topics counted within the chosen district; districts counted over everything.
    assert "Robotik (1)" in content
    assert "3D-Druck (1)" in content
    assert "alle Themen (2)" in content
    assert "Landkreis Reutlingen (2)" in content
    assert "Landkreis Tübingen (1)" in content
    assert "alle Kreise (4)" in content
    assert "Präsenz (1)" in content
    assert "Online (0)" in content
    assert "Hybrid (1)" in content
    assert "nur mit freien Plätzen (2)" in content
    assert "für Mitglieder kostenfrei (2)" in content
    assert "förderfähig (1)" in content


def test_ticked_boxes_count_together(client, catalogue):
    content = text(client.get(FINDER, {"free_only": "true", "member_free": "true"}))
    # Each box counts with the other ticked box applied.
    assert "nur mit freien Plätzen (2)" in content
    assert "für Mitglieder kostenfrei (2)" in content
    assert "förderfähig (1)" in content
    assert "2 Termine gefunden" in content


def test_counts_match_the_results_they_announce(catalogue):
    filters = offers.OfferFilters(topic="robotik")
    facets = offers.facet_counts(filters)
    for option in facets.districts:
        narrowed = offers.OfferFilters(topic="robotik", district=option.value)
        assert option.count == offers.find_offers(narrowed).count()
    for option in facets.formats:
        narrowed = offers.OfferFilters(topic="robotik", format=option.value)
        assert option.count == offers.find_offers(narrowed).count()
    with_free = offers.OfferFilters(topic="robotik", free_only=True)
    assert facets.checkboxes["free_only"] == offers.find_offers(with_free).count()


# --- URL state, the form without JavaScript ---------------------------------------------------


def test_the_filters_live_in_the_url(client, catalogue):
    response = client.get(
        FINDER, {"topic": "robotik", "format": "presence", "free_only": "true", "q": "Cobots"}
    )
    html = response.content.decode()
    assert re.search(r'<option value="robotik" selected>', html)
    assert re.search(r'id="id_format_presence" checked', html)
    assert re.search(r'name="free_only" value="true" id="id_free_only" checked', html)
    assert 'value="Cobots"' in html
    assert 'id="id_member_free">' in html  # not ticked


def test_the_form_works_as_a_plain_get_form(client, catalogue):
    html = client.get(FINDER).content.decode()
    form = re.search(r'<form class="finder-form"[^>]*>', html).group(0)
    assert 'method="get"' in form
    assert 'action="/angebote/"' in form
    for name in (
        "q",
        "topic",
        "district",
        "format",
        "date_from",
        "date_to",
        "free_only",
        "member_free",
        "funding",
    ):
        assert f'name="{name}"' in html
    for name in ("q", "topic", "district", "date_from", "date_to", "free_only"):
        assert f'for="id_{name}"' in html
    assert "<legend" in html
    # A browser sends every field, the empty ones included.
    everything = {
        "q": "",
        "topic": "",
        "format": "",
        "date_from": "",
        "date_to": "",
        "district": "",
    }
    assert len(page_ids(client, everything)) == 4
    assert len(page_ids(client, {**everything, "topic": "robotik", "free_only": "on"})) == 2


def test_pages_keep_the_filters_and_a_page_past_the_end_shows_the_last(client):
    series = WorkshopSeriesPageFactory(topic=TopicFactory(name="Robotik", slug="robotik"))
    created = [WorkshopDateFactory(series=series, starts_at=in_days(5 + i)) for i in range(23)]
    first = client.get(FINDER, {"topic": "robotik"})
    html = first.content.decode()
    assert 'href="?topic=robotik&amp;page=2"' in html
    assert "23 Termine gefunden, Seite 1 von 2" in text(first)
    assert page_ids(client, {"topic": "robotik", "page": "2"}) == [d.pk for d in created[20:]]
    past = client.get(FINDER, {"topic": "robotik", "page": "99"})
    assert past.status_code == 200
    assert "Seite 99 gibt es nicht. Angezeigt wird die letzte Seite (2)." in text(past)
    assert page_ids(client, {"topic": "robotik", "page": "99"}) == [d.pk for d in created[20:]]
    for junk in ("abc", "0", "-3", ""):
        assert page_ids(client, {"topic": "robotik", "page": junk})[:1] == [created[0].pk]
    assert page_ids(client, {"topic": "robotik", "page": "9" * 30})[:1] == [created[20].pk]
    assert client.get(API, {"topic": "robotik", "page": 99}).json()["items"] == []


def test_the_finder_is_in_the_main_menu(client):
    html = client.get(FINDER).content.decode()
    assert re.search(r'<a href="/angebote/" aria-current="page">Angebote finden</a>', html)


# --- Bad input --------------------------------------------------------------------------------


def test_a_reversed_date_range_is_a_clear_message_not_a_500(client, catalogue):
    params = {"date_from": "2030-02-01", "date_to": "2030-01-01"}
    response = client.get(FINDER, params)
    assert response.status_code == 200
    html = response.content.decode()
    message = "Das Enddatum darf nicht vor dem Anfangsdatum liegen."
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert message in summary
    assert 'href="#id_date_to"' in summary
    assert (
        f'id="id_date_to_error"><p><span class="visually-hidden">Fehler: </span>{message}' in html
    )
    assert page_ids(client, params) == []
    # The API has no form to show a message in: the range simply holds nothing.
    assert client.get(API, params).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"date_from": "0001-01-01"},
            ["cobots_reutlingen", "online", "cobots_tuebingen_full", "hybrid_later"],
        ),
        (
            {"date_to": "9999-12-31"},
            ["cobots_reutlingen", "online", "cobots_tuebingen_full", "hybrid_later"],
        ),
        ({"date_from": "9999-12-31"}, []),
        ({"date_from": "0001-01-01", "date_to": "0001-01-01"}, []),
    ],
)
def test_the_first_and_last_day_of_the_calendar_are_no_error(client, catalogue, params, expected):
    wanted = [catalogue[name].pk for name in expected]
    assert page_ids(client, params) == wanted
    assert api_ids(client, params) == wanted


def test_unknown_slugs_give_a_message_and_no_dates(client, catalogue):
    response = client.get(FINDER, {"topic": "gibt-es-nicht"})
    assert response.status_code == 200
    assert "Dieses Thema gibt es nicht." in text(response)
    assert page_ids(client, {"topic": "gibt-es-nicht"}) == []
    assert "Diesen Kreis gibt es nicht." in text(client.get(FINDER, {"district": "mars"}))
    for field, value in (("topic", "gibt-es-nicht"), ("district", "mars")):
        response = client.get(API, {field: value})
        assert response.status_code == 404
        assert "gibt es nicht" in response.json()["errors"][field][0]
    assert "Bitte wählen Sie Präsenz, Online oder Hybrid." in text(
        client.get(FINDER, {"format": "praesenz"})
    )
    assert "Bitte geben Sie ein Datum an" in text(client.get(FINDER, {"date_from": "31.02.2030"}))


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        'Robotik" OR (',
        "*",
        "NEAR(a b)",
        "-",
        "'; DROP TABLE x; --",
        "Ünïcödé ß €",
        " " * 50,
        "Tab\tund Zeilen\numbruch",
    ],
)
def test_awkward_search_texts_are_no_error(client, catalogue, query):
    assert client.get(FINDER, {"q": query}).status_code == 200
    assert client.get(API, {"q": query}).status_code == 200


def test_control_characters_in_a_search_are_refused_with_a_message(client, catalogue):
    page = client.get(FINDER, {"q": "Robo\x00tik"})
    assert page.status_code == 400
    assert "unzulässige Steuerzeichen" in text(page)
    api = client.get(API, {"q": "Robo\x00tik"})
    assert api.status_code == 400
    assert api.json()["code"] == "control_characters"


def test_a_very_long_search_is_cut_not_refused(client, catalogue):
    long_query = "Cobots " + "x" * 10_000
    assert offers.clean_text(long_query) == ("Cobots " + "x" * 10_000)[: offers.Q_MAX_LENGTH]
    response = client.get(FINDER, {"q": long_query})
    assert response.status_code == 200
    assert 'maxlength="200"' in response.content.decode()


# --- Full text --------------------------------------------------------------------------------


def body_with(words):
    return [("paragraph", f"<p>{words}</p>")]


def test_full_text_finds_a_word_in_the_series_description(client):
    series = WorkshopSeriesPageFactory(
        title="Automatisierung kompakt",
        teaser="Ein Tag Praxis.",
        body=body_with("Wir üben an einem Schweißroboter mit Drehkipptisch."),
    )
    hit = WorkshopDateFactory(series=series)
    WorkshopDateFactory(series__title="Lean Management", series__teaser="Abläufe verbessern.")
    assert page_ids(client, {"q": "Drehkipptisch"}) == [hit.pk]
    assert api_ids(client, {"q": "drehkipptisch"}) == [hit.pk]
    # Every word has to be found.
    assert api_ids(client, {"q": "Drehkipptisch Lean"}) == []


@pytest.mark.services
def test_full_text_on_postgresql_uses_its_text_search(client, require_postgres):
    series = WorkshopSeriesPageFactory(
        title="Automatisierung kompakt",
        teaser="Ein Tag Praxis.",
        body=body_with("Greifer und Sensoren für die Montage auswählen."),
    )
    hit = WorkshopDateFactory(series=series)
    WorkshopDateFactory(series__title="Lean Management", series__teaser="Abläufe verbessern.")
    assert page_ids(client, {"q": "Sensoren"}) == [hit.pk]
    assert api_ids(client, {"q": "Greifer Montage"}) == [hit.pk]
    assert api_ids(client, {"q": 'Greifer" & !(Montage'}) == [hit.pk]


def test_search_index_follows_a_published_change(client):
    series = WorkshopSeriesPageFactory(title="Automatisierung kompakt", teaser="Praxis.")
    hit = WorkshopDateFactory(series=series)
    assert api_ids(client, {"q": "Bahnplanung"}) == []
    series.body = body_with("Bahnplanung am Roboter")
    series.save_revision().publish()
    assert api_ids(client, {"q": "Bahnplanung"}) == [hit.pk]


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 50])
def test_queries_per_request_do_not_grow_with_the_results(
    client, django_assert_max_num_queries, size
):
    topic = TopicFactory(name="Robotik", slug="robotik")
    district = DistrictFactory(slug="reutlingen")
    series = WorkshopSeriesPageFactory(topic=topic)
    for i in range(size):
        offer = WorkshopDateFactory(
            series=series, parts=2, district=district, starts_at=in_days(3 + i)
        )
        EnrolmentFactory(date=offer)
    params = {"q": "Robotik", "district": "reutlingen", "free_only": "true"}
    client.get(FINDER, params)  # warms the cache of site root paths
    with django_assert_max_num_queries(14):
        response = client.get(FINDER, {**params, "page": "1"})
    assert len(re.findall(r'id="angebot-\d+"', response.content.decode())) == min(size, 20)
    with django_assert_max_num_queries(5):  # district known?, count, page, parts, funding
        response = client.get(API, {**params, "page_size": 100})
    assert response.json()["count"] == size
