"""WCAG 2.1 AA as a gate: axe-core checks the main pages in Chromium; keyboard use of a form.

axe-core comes from the npm registry (tests/a11y/package.json, installed by `make test`)
and is loaded from disk into each page.
"""

from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.services]

AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "Verbund-Demo-2026"
FIRM_ADMIN = "personal@kessler-feinmechanik.example"

OFFER_FILTERS = {"topic": "robotik", "free_only": "true"}
FUNDING_ANSWERS = {
    "beschaeftigte": "40",
    "alter": "52",
    "berufsabschluss": "ja",
    "abschluss_jahr": "2001",
    "stunden": "160",
    "traeger_zugelassen": "ja",
    "kurs_zugelassen": "ja",
    "bundesland": "BW",
}


@pytest.fixture
def axe_path():
    if not AXE.is_file():
        pytest.fail(
            "axe-core is missing: npm ci --prefix tests/a11y (make test does this)",
            pytrace=False,
        )
    return AXE


@pytest.fixture
def demo(browser_page):
    """The demo network, so every page shows real content (dates, contact points, firms)."""
    from io import StringIO

    call_command("seed_demo", force=True, stdout=StringIO())


def axe_violations(page, axe_path):
    """Violations of WCAG 2.0/2.1 A and AA rules on the current page, one line each."""
    # Evaluated through the browser's debugging protocol: an injected <script> element
    # would be refused by the site's Content-Security-Policy, as it should be.
    page.evaluate(axe_path.read_text() + "\n;true")
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return {
                checked: result.passes.length,
                violations: result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
                })),
            };
        }""",
        WCAG_TAGS,
    )
    assert result["checked"] > 10, "axe-core ran its rules on the page"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {', '.join(v['targets'])}"
        for v in result["violations"]
    ]


def visit(page, url):
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")


def sign_in(page, base_url, email):
    visit(page, base_url + "/konto/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    assert urlsplit(page.url).path != "/konto/login/", "the firm admin is signed in"


def public_urls():
    from cms.models import ContactPointPage, WorkshopSeriesPage

    series = WorkshopSeriesPage.objects.live().filter(dates__isnull=False).first()
    contact_point = (
        ContactPointPage.objects.live().select_related("district").order_by("path").first()
    )
    return {
        "home": "/",
        "offer finder with filters": "/angebote/?" + urlencode(OFFER_FILTERS),
        "series page": series.url,
        "funding check with a result": "/foerder-check/?" + urlencode(FUNDING_ANSWERS),
        "contact point": contact_point.url,
        "contact points of a district": contact_point.get_parent().url
        + "?"
        + urlencode({"kreis": contact_point.district.slug}),
        "partner API": "/partner/api/",
        "login": "/konto/login/",
        "sign language": "/gebaerdensprache/",
        "easy language": "/leichte-sprache/",
        "home on a phone": ("/", 390),
        "offer finder on a phone": ("/angebote/", 390),
    }


def test_main_pages_have_no_wcag_violations(browser_page, live_server, demo, axe_path):
    page = browser_page
    found = {}
    for name, path in public_urls().items():
        path, width = path if isinstance(path, tuple) else (path, 1280)
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, live_server.url + path)
        found[name] = axe_violations(page, axe_path)
        if name == "offer finder with filters":
            assert page.locator("#offer-results li.offer").count() >= 1, "dates are listed"
        if name == "funding check with a result":
            assert page.locator("#results-title").is_visible(), "the result is shown"

    # The advice form after sending it empty: errors in a summary and at each field.
    visit(page, live_server.url + "/beratung/anfrage/")
    with page.expect_navigation():
        page.get_by_role("button", name="Anfrage absenden").click()
    assert page.locator("#error-summary").is_visible()
    assert page.locator(".field-invalid").count() >= 3
    found["advice form with errors"] = axe_violations(page, axe_path)

    sign_in(page, live_server.url, FIRM_ADMIN)
    visit(page, live_server.url + "/firma/")
    found["firm dashboard"] = axe_violations(page, axe_path)

    failures = {name: lines for name, lines in found.items() if lines}
    assert failures == {}, "\n".join(
        f"{name}:\n  " + "\n  ".join(lines) for name, lines in failures.items()
    )


def focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute("name"),
                    id: el.id, text: (el.textContent || "").trim()};
        }"""
    )


def test_advice_form_works_by_keyboard(browser_page, live_server, demo):
    page = browser_page
    visit(page, live_server.url + "/beratung/anfrage/")

    # The skip link comes first and moves the focus to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    # From there, Tab reaches every field of the form in order, then the submit button;
    # the hidden spam trap is never reached.
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["name"] != "fax"
        if element["tag"] == "button" and element["text"] == "Anfrage absenden":
            break
        if element["name"]:
            reached.append(element["name"])
    else:
        pytest.fail(f"Tab never reached the submit button; reached {reached}")
    expected = [
        "name",
        "firm_name",
        "email",
        "phone",
        "contact_point",
        "topic",
        "message",
        "consent",
    ]
    assert [name for name in reached if name in expected] == expected

    # Sent by keyboard (Enter on the button) while empty: the summary gets the focus
    # and its links lead to the fields.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page)["id"] == "error-summary"
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "a"
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "name"
