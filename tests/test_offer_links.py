"""Answering a waiting-list offer from the email's links, without an account."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection

from tasks.services.outbox import deliver, rows_about
from tests.factories import FirmFactory, PersonFactory, WorkshopDateFactory
from workshops.models import Enrolment
from workshops.services.enrolment import cancel, enrol
from workshops.services.notifications import Kind

pytestmark = pytest.mark.django_db

Status = Enrolment.Status
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def offer(settings):
    """(the offered enrolment, the firm admin) after the only seat was given back."""
    settings.SITE_URL = "http://testserver"
    firm = FirmFactory()
    admin = PersonFactory(firm=firm, admin=True).user
    date = WorkshopDateFactory(capacity=1, offer_hours=48)
    first = PersonFactory(firm=firm)
    waiting_person = PersonFactory(firm=firm, user=None)
    seat, waiting = enrol(date_id=date.pk, person_ids=[first.pk, waiting_person.pk], by_user=admin)
    cancel(enrolment_id=seat.pk, by_user=admin)
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    return waiting, admin


def links_in_offer_email(enrolment):
    row = rows_about(enrolment).get(kind=Kind.WAITLIST_OFFER)
    mail.outbox = []
    deliver(row.pk, get_connection(LOCMEM))
    [message] = mail.outbox
    accept = re.search(r"Platz annehmen: (\S+)", message.body).group(1)
    decline = re.search(r"Platz ablehnen: (\S+)", message.body).group(1)
    return accept.removeprefix("http://testserver"), decline.removeprefix("http://testserver")


def test_a_person_without_an_account_accepts_from_the_email(client, offer):
    enrolment, _admin = offer
    accept, _decline = links_in_offer_email(enrolment)

    page = client.get(accept)
    assert page.status_code == 200
    assert "Platz annehmen" in page.text
    assert "Platz ablehnen" not in page.text  # the link names one answer
    enrolment.refresh_from_db()
    assert enrolment.status == Status.OFFERED, "opening the link changes nothing"

    done = client.post(accept, {"action": "accept"})
    assert done.status_code == 200
    assert "jetzt fest angemeldet" in done.text
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CONFIRMED
    confirmation = rows_about(enrolment).filter(kind=Kind.ENROLMENT_CONFIRMED)
    assert confirmation.count() == 1


def test_declining_from_the_email_passes_the_seat_on(client, offer):
    enrolment, _admin = offer
    _accept, decline = links_in_offer_email(enrolment)

    done = client.post(decline, {"action": "decline"})
    assert "nächste Person auf der Warteliste" in done.text
    enrolment.refresh_from_db()
    assert enrolment.status == Status.DECLINED
    # The same link again: the offer is answered, nothing changes, no error page.
    again = client.post(decline, {"action": "accept"})
    assert again.status_code == 200
    assert "nicht mehr offen" in again.text
    enrolment.refresh_from_db()
    assert enrolment.status == Status.DECLINED


def test_an_expired_offer_cannot_be_accepted(client, offer, time_machine):
    enrolment, _admin = offer
    accept, _decline = links_in_offer_email(enrolment)
    time_machine.move_to(enrolment.offer_expires_at + timedelta(minutes=1))

    page = client.post(accept, {"action": "accept"})
    assert page.status_code == 200
    assert "abgelaufen" in page.text
    enrolment.refresh_from_db()
    assert enrolment.status == Status.EXPIRED


def test_a_forged_or_foreign_link_is_not_found(client, offer):
    enrolment, _admin = offer
    accept, _decline = links_in_offer_email(enrolment)
    token = accept.split("/")[-2]
    assert client.get(f"/anmeldung/angebot/{token[:-2]}xy/").status_code == 404
    assert client.get("/anmeldung/angebot/nonsense/").status_code == 404
