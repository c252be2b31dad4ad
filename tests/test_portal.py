"""The public site as a regional portal: office look, search first, topic tiles, easy and
sign language in the head of every page, the finder on phones, the firm's first step."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document

from cms.models import OfficeSettings, SignLanguagePage, StandardPage, contrast
from members.management.commands import _demo_media as media
from tests.conftest import set_office
from tests.factories import PersonFactory, TopicFactory, WorkshopDateFactory, home_page

pytestmark = pytest.mark.django_db


def document(title, path):
    return media.ensure_document(title, Path(path))


@pytest.fixture
def sign_page():
    page = SignLanguagePage(
        title="Gebärdensprache",
        slug="gebaerdensprache",
        intro="Der Verbund in Deutscher Gebärdensprache.",
        video=document("Video", media.SIGN_VIDEO_MP4),
        video_webm=document("Video WebM", media.SIGN_VIDEO_WEBM),
        captions=document("Untertitel", media.SIGN_CAPTIONS),
        poster=media.ensure_image(
            "Vorschau", "vorschau.png", media.topic_picture("robotik"), (media.WIDTH, media.HEIGHT)
        ),
        supplied_by="Das Video stellt die Koordinierungsstelle bereit.",
        transcript="<p>Willkommen beim Weiterbildungsverbund.</p>",
    )
    home_page().add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def easy_page():
    page = StandardPage(title="Leichte Sprache", slug="leichte-sprache", intro="Leicht.")
    home_page().add_child(instance=page)
    return page


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


# --- Sign language ---------------------------------------------------------------------------


def test_the_sign_language_page_plays_its_own_video_with_captions_and_transcript(client, sign_page):
    page = soup(client.get(sign_page.url))

    video = page.select_one("main video[controls]")
    assert video["poster"].endswith(".png")
    sources = [(source["src"], source["type"]) for source in video.select("source")]
    assert [kind for _src, kind in sources] == ["video/webm", "video/mp4"]
    track = video.select_one("track")
    assert (track["kind"], track["srclang"]) == ("captions", "de")
    # Served from this site: no external player, no iframe.
    assert not page.select("iframe")
    for src in [src for src, _kind in sources] + [track["src"]]:
        assert src.startswith("/") and not src.startswith("//"), src
    assert "Willkommen beim Weiterbildungsverbund." in page.get_text()
    assert "Das Video stellt die Koordinierungsstelle bereit." in page.get_text()

    video_file = client.get(sources[1][0])
    assert video_file["Content-Type"] == "video/mp4"
    assert video_file["Content-Disposition"].startswith("inline")
    captions = client.get(track["src"])
    assert captions["Content-Type"].startswith("text/vtt")
    assert b"".join(captions.streaming_content).startswith(b"WEBVTT")


def test_a_sign_language_page_refuses_files_of_the_wrong_kind(sign_page):
    sign_page.captions = Document.objects.create(
        title="Flyer", file=ContentFile(b"%PDF-1.4", name="flyer.pdf")
    )
    with pytest.raises(ValidationError) as refused:
        sign_page.full_clean()
    assert "Bitte wählen Sie eine WebVTT-Datei (.vtt)." in str(refused.value)


def test_easy_and_sign_language_are_linked_from_the_head_and_the_home_page(
    client, sign_page, easy_page
):
    set_office(easy_language_page=easy_page, sign_language_page=sign_page)

    for url in ("/", "/angebote/", sign_page.url):
        header = soup(client.get(url)).select_one("header")
        links = {a.get_text(strip=True): a["href"] for a in header.select("a.access-link")}
        assert links == {"Leichte Sprache": easy_page.url, "Gebärdensprache": sign_page.url}
    home = soup(client.get("/")).select_one("main")
    assert {a["href"] for a in home.select(".access-section a")} == {easy_page.url, sign_page.url}


def test_without_the_pages_the_links_are_not_shown(client, easy_page):
    set_office(easy_language_page=easy_page)
    easy_page.unpublish()
    assert not soup(client.get("/")).select("a.access-link")


# --- The office's look -----------------------------------------------------------------------


def test_the_office_logo_and_colours_come_from_the_site_settings(client):
    logo = media.ensure_image("Logo", "logo.svg", media.LOGO_SVG.encode(), (64, 64))
    set_office(logo=logo, primary_colour="#7a1f5c", accent_colour="#f6eef3")

    header = soup(client.get("/")).select_one("header")
    assert header.select_one(".brand img")["src"] == logo.file.url
    styles = [link["href"] for link in soup(client.get("/")).select("link[rel=stylesheet]")]
    assert "/farben.css" in styles
    css = client.get("/farben.css")
    assert css["Content-Type"].startswith("text/css")
    assert "--primary: #7a1f5c;" in css.content.decode()
    assert "--tint: #f6eef3;" in css.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("primary_colour", "#ffdd00", "hebt sich von Weiß nur im Verhältnis 1,3 : 1 ab"),
        ("accent_colour", "#333333", "Dunkler Text ist auf dieser Farbe schlecht lesbar"),
        ("primary_colour", "blau", "Bitte geben Sie die Farbe als #rrggbb an"),
    ],
)
def test_colours_that_would_be_hard_to_read_are_refused(field, value, message):
    office = OfficeSettings.for_default_site()
    setattr(office, field, value)
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert message in str(refused.value)


def test_the_default_colours_meet_wcag_aa():
    assert contrast("#0a5a70", "#ffffff") >= 4.5
    assert contrast("#e7f0f3", "#1b2329") >= 4.5


# --- The home page -----------------------------------------------------------------------------


def test_the_home_page_opens_with_the_search_and_topic_tiles(client):
    picture = media.ensure_image(
        "Robotik", "robotik.png", media.topic_picture("robotik"), (media.WIDTH, media.HEIGHT)
    )
    TopicFactory(name="Robotik", slug="robotik", image=picture)

    main = soup(client.get("/")).select_one("main")
    first_form = main.select_one("form")
    assert first_form["action"] == "/angebote/" and first_form["method"] == "get"
    field = first_form.select_one("input[name=q]")
    assert main.select_one(f"label[for={field['id']}]").get_text(strip=True) == (
        "Was möchten Sie lernen?"
    )
    # The page opens with its heading and then the search, before any other text.
    hero = main.select_one("section.hero")
    assert [child.name for child in hero.find_all(recursive=False)][:2] == ["h1", "form"]
    tile = main.select_one(".topic-tiles li")
    assert tile.select_one("img")["alt"] == ""  # the title says what the picture shows
    assert tile.select_one("img")["src"].endswith(".png")
    assert tile.select_one("h3 a").get_text(strip=True) == "Robotik"


def test_the_search_on_the_home_page_leads_to_the_finder(client):
    response = client.get("/angebote/", {"q": "Roboter"})
    assert response.status_code == 200
    assert 'value="Roboter"' in response.content.decode()


def test_the_finder_keeps_its_filters_behind_a_filter_button(client):
    page = soup(client.get("/angebote/"))
    details = page.select_one("details.finder-filters-toggle")
    assert details.select_one("summary").get_text(strip=True) == "Filter"
    assert details.select_one("form.finder-form") is not None
    assert not details.has_attr("open")  # closed on phones until asked for
    # Results come right after the button.
    assert page.select_one("details.finder-filters-toggle + section.finder-results")

    with_filters = soup(client.get("/angebote/", {"member_free": "true", "free_only": "true"}))
    assert with_filters.select_one("summary").get_text(" ", strip=True) == "Filter (2 aktiv)"


def test_the_partner_page_has_no_english_on_the_german_page(client):
    text = soup(client.get("/partner/api/")).select_one("main").get_text()
    assert "Summary in English" not in text and "No key is needed" not in text


# --- The firm dashboard ------------------------------------------------------------------------


def test_the_firm_dashboard_starts_with_enrolling_people(client):
    admin = PersonFactory(admin=True)
    date = WorkshopDateFactory()
    client.force_login(admin.user)

    main = soup(client.get("/firma/")).select_one("main")
    first_section = main.select_one("section")
    assert first_section.select_one("h2").get_text(strip=True) == "Beschäftigte anmelden"
    link = first_section.select_one("a.button")
    assert link["href"] == reverse("enrolment:enrol", args=[date.pk])
    assert link.get_text(strip=True) == f"Anmelden: {date.series.title}"
