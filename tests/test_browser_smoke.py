"""A real browser against a live server: the home page and signing in to the admin."""

from urllib.parse import urlsplit

import pytest

from tests.conftest import failed_requests, submit_button
from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code

pytestmark = [pytest.mark.services]


def test_home_page_is_german_with_a_skip_link_first(browser_page, live_server, tmp_path):
    page = browser_page
    failed = failed_requests(page)
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert failed == [], "the page and its styles load"
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Weiterbildung für Ihr Unternehmen" in page.title()

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": "Zum Inhalt springen", "href": "#main"}
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)


def test_staff_signs_in_to_the_admin_through_the_site_login(browser_page, live_server):
    user = UserFactory(superuser=True, totp=True, email="buero@verbund.example")
    page = browser_page

    failed = failed_requests(page)
    page.goto(live_server.url + "/admin/")
    assert urlsplit(page.url).path == "/konto/login/"
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    with page.expect_navigation():
        submit_button(page, "password").click()

    # Staff sign in with a second factor.
    assert urlsplit(page.url).path == "/konto/2fa/authenticate/"
    page.fill("input[name=code]", totp_code(user))
    with page.expect_navigation():
        submit_button(page, "code").click()

    assert urlsplit(page.url).path == "/admin/"
    page.locator(".w-dashboard").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"
    page.wait_for_load_state("networkidle")
    assert failed == []
