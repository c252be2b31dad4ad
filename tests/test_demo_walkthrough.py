"""In Chromium on the demo network: the office moves Ali Demir, a firm enrols, cancels and
enrols again, staff use the buttons of a date's "Teilnehmende" page, and the home page is
photographed at 1280 and 390 px (in the test artefacts, TEST_ARTEFACTS or var/test-artefacts).
"""

import email
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import get_connection
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from members.models import Person
from tasks.models import Notification
from tasks.services.outbox import deliver
from tests.conftest import submit_button
from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code
from workshops.models import Enrolment, WorkshopDate
from workshops.services.enrolment import enrol, seats_for_firms

pytestmark = [pytest.mark.services]

DEMO_PASSWORD = "Verbund-Demo-2026"
FIRM_ADMIN = "personal@kessler-feinmechanik.example"


def artefacts():
    folder = Path(
        os.environ.get("TEST_ARTEFACTS") or Path(settings.BASE_DIR) / "var" / "test-artefacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo(django_db_serialized_rollback, settings):
    settings.SITE_URL = "https://verbund.example"
    call_command("seed_demo", force=True, verbosity=0)
    deliver_all()  # whatever the seed run queued


def deliver_all():
    """Send every due row now; the messages parsed as a mail program reads them."""
    mail.outbox = []
    connection = get_connection("django.core.mail.backends.locmem.EmailBackend")
    for pk in (
        Notification.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True)
    ):
        deliver(pk, connection)
    return [
        (message, email.message_from_bytes(message.message().as_bytes())) for message in mail.outbox
    ]


def calendars(parsed):
    return [
        (
            part.get_content_type(),
            part.get_filename(),
            Calendar.from_ical(part.get_payload(decode=True)),
        )
        for part in parsed.walk()
        if part.get_content_type() in ("text/calendar", "application/ics")
    ]


def sign_in(page, live_server, address, password, code=None):
    page.goto(live_server.url + "/konto/login/")
    page.fill("input[name=login]", address)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        submit_button(page, "password").click()
    if code is not None:
        page.fill("input[name=code]", code())
        with page.expect_navigation():
            submit_button(page, "code").click()


def test_the_office_moves_ali_demir_and_the_firm_admin_gets_one_message(
    demo, browser_page, live_server, ical_js
):
    page = browser_page
    ali = Person.objects.get(first_name="Ali", last_name="Demir")
    firm_admin = ali.firm.people.get(role=Person.Role.ADMIN).user
    # Two robotics dates still open for enrolment, with seats.
    source, target = [
        date
        for date in WorkshopDate.objects.public_upcoming().filter(
            series__slug__contains="robotik", enrolment_deadline__gt=timezone.now()
        )
        if date.free_seats > 0
    ][-2:]

    [seat] = enrol(date_id=source.pk, person_ids=[ali.pk], by_user=firm_admin)
    deliver_all()

    staff = UserFactory(superuser=True, totp=True, email="leitung@verbund.example")
    sign_in(page, live_server, staff.email, DEFAULT_PASSWORD, code=lambda: totp_code(staff))
    page.goto(live_server.url + f"/admin/termine/{source.pk}/teilnehmende/")
    page.select_option("select[name='move-enrolment']", str(seat.pk))
    page.select_option("select[name='move-target']", str(target.pk))
    page.fill("textarea[name='move-reason']", "Wunsch der Firma")
    with page.expect_navigation():
        page.locator("button[value=move]").click()
    assert Enrolment.objects.get(date=target, person=ali).status == Enrolment.Status.CONFIRMED

    [(message, parsed)] = deliver_all()
    assert message.to == [FIRM_ADMIN]
    assert "umgebucht von" in message.body and "Ali Demir" in message.subject
    found = calendars(parsed)
    assert [kind for kind, _name, _calendar in found] == [
        "text/calendar",
        "application/ics",
        "text/calendar",
    ]
    assert ical_js(found[0][2].to_ical())["method"] == "REQUEST"
    assert ical_js(found[2][2].to_ical())["method"] == "CANCEL"
    (artefacts() / "umgebucht.eml").write_bytes(message.message().as_bytes())


def test_a_firm_enrols_cancels_and_enrols_again_with_rising_sequences(
    demo, browser_page, live_server, ical_js
):
    page = browser_page
    jana = Person.objects.get(email="j.schulte@kessler-feinmechanik.example")
    date = next(
        date
        for date in WorkshopDate.objects.public_upcoming().filter(
            enrolment_deadline__gt=timezone.now()
        )
        if seats_for_firms(date, [jana.firm])[0].can_book > 0
        and not date.enrolments.filter(person=jana).exists()
    )
    sign_in(page, live_server, FIRM_ADMIN, DEMO_PASSWORD)

    def enrol_jana():
        page.goto(live_server.url + f"/anmeldung/termine/{date.pk}/")
        page.check(f"#person-{jana.pk}")
        with page.expect_navigation():
            page.locator(f"form:has(#person-{jana.pk}) button[type=submit]").click()
        assert "Platz bestätigt" in page.content()

    # The worker sends each message right away, as it would after each step.
    def sent_to_jana():
        return [(m, p) for m, p in deliver_all() if m.to == [jana.email]]

    enrol_jana()
    sent = sent_to_jana()
    first = Enrolment.objects.get(date=date, person=jana, status="confirmed")
    page.goto(live_server.url + reverse("enrolment:cancel", args=[first.pk]))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    sent += sent_to_jana()
    enrol_jana()
    sent += sent_to_jana()

    assert len(sent) == 3
    sequences, methods = [], []
    for _message, parsed in sent:
        [(_kind, _name, itip), _attachment] = calendars(parsed)
        checked = ical_js(itip.to_ical())
        methods.append(checked["method"])
        sequences.append(checked["events"][0]["sequence"])
    assert methods == ["REQUEST", "CANCEL", "REQUEST"]
    assert sequences == sorted(set(sequences))


def test_the_buttons_of_the_teilnehmende_page_all_work(demo, browser_page, live_server):
    page = browser_page
    staff = UserFactory(superuser=True, totp=True, email="leitung@verbund.example")
    sign_in(page, live_server, staff.email, DEFAULT_PASSWORD, code=lambda: totp_code(staff))
    date = WorkshopDate.objects.filter(status=WorkshopDate.Status.DONE).first()

    page.goto(live_server.url + "/admin/termine/")
    with page.expect_navigation():
        page.locator(f"a[href='/admin/termine/{date.pk}/teilnehmende/']").first.click()
    assert urlsplit(page.url).path == f"/admin/termine/{date.pk}/teilnehmende/"
    page.screenshot(path=str(artefacts() / "teilnehmende.png"), full_page=True)

    for label, suffix in [
        ("Teilnehmendenliste (CSV)", ".csv"),
        ("Teilnehmendenliste (Excel)", ".xlsx"),
        ("Unterschriftenliste (PDF)", ".pdf"),
    ]:
        button = page.get_by_role("link", name=label)
        box = button.bounding_box()
        assert 30 < box["height"] < 80, (label, box)  # a button, not an empty box
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename.endswith(suffix)
    with page.expect_navigation():
        page.get_by_role("link", name="Anwesenheit erfassen").click()
    assert urlsplit(page.url).path == f"/trainer/termine/{date.pk}/"


def test_home_page_screenshots_at_1280_and_390(demo, browser_page, live_server):
    page = browser_page
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artefacts() / f"home-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    header = page.locator(".header-inner").bounding_box()
    assert header["height"] < 90  # brand and menu on one line
