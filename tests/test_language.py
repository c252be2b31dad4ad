"""German is the default language; English only when the visitor chooses it."""

import pytest


@pytest.mark.django_db
def test_german_even_when_the_browser_prefers_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()
    assert "Zum Inhalt springen" in response.content.decode()
    assert response["Content-Language"] == "de"


@pytest.mark.django_db
def test_language_switch_turns_the_site_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Skip to content" in english

    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_german(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="de">' in client.get("/").content.decode()
