"""A real browser against a live server: the home page and signing in to the admin."""

from urllib.parse import urlsplit

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code

pytestmark = [pytest.mark.services]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser_page(chromium_path, live_server, django_db_serialized_rollback, tmp_path):
    """A Chromium page in German; the migration-created home page is in the database."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            yield page
        finally:
            # The last state of the page, to look at when a test failed.
            page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
            context.close()
            browser.close()
            # While Playwright's event loop runs, Django keeps the test's database
            # connections apart from the usual ones; close them, or they outlive the test.
            connections.close_all()


def failed_requests(page):
    """A list that collects every request of the page that fails or answers 4xx/5xx."""
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
    return failed


def submit_button(page, field_name):
    """The submit button of the form that has the named field."""
    return page.locator(f"form:has(input[name={field_name}]) button[type=submit]:not([form])")


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
