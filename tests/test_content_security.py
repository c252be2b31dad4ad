"""Security headers: a Content-Security-Policy without inline scripts on every page, the
Wagtail admin working under it in Chromium, Permissions-Policy, and the report endpoint."""

import json
import logging
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, PersonFactory, UserFactory, totp_code

DEMO_PASSWORD = "Verbund-Demo-2026"
FIRM_ADMIN = "personal@kessler-feinmechanik.example"


def policy(response):
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


# --- Headers ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/angebote/", "/konto/login/", "/healthz/live", "/api/v1/offers", "/gibt-es-nicht/"],
)
def test_every_answer_has_a_policy_without_inline_scripts(client, path):
    response = client.get(path)
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["report-uri"] == ["/csp-report/"]
    assert "'unsafe-inline'" not in " ".join(directives["script-src"] + directives["default-src"])
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_signed_in_pages_carry_the_policy_too(client):
    admin = PersonFactory(admin=True)
    client.force_login(admin.user)
    for path in (reverse("members:dashboard"), reverse("members:api_tokens")):
        response = client.get(path)
        assert response.status_code == 200
        assert policy(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_only_the_wagtail_admin_allows_inline_code_and_nothing_else_is_loosened(client):
    site = policy(client.get("/"))
    assert policy(client.get("/admin/"))["script-src"] == ["'self'"]  # on the way to login
    client.force_login(UserFactory(superuser=True, totp=True))
    admin = policy(client.get("/admin/"))
    assert admin["script-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]
    for directive in (
        "default-src",
        "object-src",
        "frame-ancestors",
        "form-action",
        "base-uri",
        "connect-src",
        "img-src",
        "report-uri",
    ):
        assert admin[directive] == site[directive], directive
    assert "'unsafe-inline'" not in policy(client.get("/administration-not/"))["script-src"]


def test_no_template_has_an_inline_script_or_style_element():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    offenders = []
    for template in templates.rglob("*.html"):
        html = template.read_text()
        for tag in ("<script>", "<style"):
            if tag in html:
                offenders.append(f"{template.relative_to(templates)}: {tag}")
    assert offenders == []


# --- Reports ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_classic_report_is_logged_and_answered_204(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://verbund.example/angebote/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
            "line-number": 12,
        }
    }
    with caplog.at_level(logging.WARNING, logger="verbund.csp"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "verbund.csp"]
    assert "script-src-elem" in record.getMessage()
    assert "https://verbund.example/angebote/" in record.getMessage()


@pytest.mark.django_db
def test_a_reporting_api_report_is_logged(client, caplog):
    reports = [
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "https://verbund.example/",
                "effectiveDirective": "img-src",
                "blockedURL": "https://tracker.example/pixel.gif",
                "disposition": "enforce",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="verbund.csp"):
        response = client.post(
            "/csp-report/", json.dumps(reports), content_type="application/reports+json"
        )
    assert response.status_code == 204
    assert "tracker.example" in caplog.text


@pytest.mark.django_db
def test_the_report_endpoint_refuses_what_is_no_report(client):
    assert client.get("/csp-report/").status_code == 405
    assert client.post("/csp-report/", {"csp-report": "x"}).status_code == 415
    assert (
        client.post("/csp-report/", "{kein json", content_type="application/csp-report").status_code
        == 400
    )
    assert (
        client.post(
            "/csp-report/", json.dumps({"x": 1}), content_type="application/csp-report"
        ).status_code
        == 204
    )


# --- In the browser -----------------------------------------------------------------------

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} in ${where}`);
});
"""


def visit(page, url, violations):
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")
    violations.extend(f"{url}: {line}" for line in page.evaluate("window.__cspViolations"))


@pytest.mark.services
def test_site_and_wagtail_admin_work_under_the_policy(browser_page, live_server):
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    from cms.models import WorkshopSeriesPage

    page = browser_page
    page.add_init_script(COLLECT_VIOLATIONS)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security" in m.text else None)
    violations = []
    base = live_server.url

    series = WorkshopSeriesPage.objects.live().first()
    for path in (
        "/",
        "/angebote/",
        "/angebote/?topic=robotik",
        series.url,
        "/foerder-check/",
        "/beratung/anfrage/",
        "/partner/api/",
        "/api/v1/docs",
        "/konto/login/",
    ):
        visit(page, base + path, violations)

    # A firm admin's pages: the copy buttons appear only when the site's script ran.
    visit(page, base + "/konto/login/", violations)
    page.fill("input[name=login]", FIRM_ADMIN)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    visit(page, base + reverse("calendar:account"), violations)
    assert page.locator("[data-copy-target]").first.is_visible()
    page.context.clear_cookies()

    # Staff in the admin, with the second factor; the page editor's scripts must run.
    staff = UserFactory(superuser=True, totp=True, email="csp@verbund.example")
    visit(page, base + "/admin/", violations)
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.fill("input[name=code]", totp_code(staff))
    with page.expect_navigation():
        page.locator("form:has(input[name=code]) button[type=submit]:not([form])").click()
    assert urlsplit(page.url).path == "/admin/"
    for path in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{series.get_parent().pk}/",
        "/admin/snippets/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/reports/locked/",
    ):
        visit(page, base + path, violations)
    visit(page, base + f"/admin/pages/{series.pk}/edit/", violations)
    page.locator(".Draftail-Editor").first.wait_for()  # the rich text editor started
    page.locator("[data-side-panel-toggle='preview']").first.click()
    page.locator("iframe[title]").first.wait_for()
    page.wait_for_timeout(1500)
    violations.extend(page.evaluate("window.__cspViolations"))

    assert violations == [], "\n".join(violations)
    assert console == [], "\n".join(console)
