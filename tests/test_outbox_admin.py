"""The outbox in the admin ("Postausgang"): staff only, filters, errors, send again."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks.models import Notification
from tasks.services import outbox
from tests.factories import EnrolmentFactory, PersonFactory, UserFactory
from workshops.services.notifications import Kind

pytestmark = pytest.mark.django_db

State = Notification.State
LISTING = "/admin/postausgang/"


@pytest.fixture
def staff(client):
    user = UserFactory(staff=True, totp=True)
    group, _ = Group.objects.get_or_create(name="Koordinierungsstelle")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    return client


def row(kind=Kind.REMINDER, state=State.PENDING, error="", **kwargs):
    enrolment = EnrolmentFactory()
    created = outbox.notify(kind, person=enrolment.person, about=enrolment, **kwargs)
    Notification.objects.filter(pk=created.pk).update(
        state=state, last_error=error, attempts=8 if error else 0
    )
    created.refresh_from_db()
    return created


def test_staff_see_the_outbox_with_errors(staff):
    failed = row(state=State.FAILED, error="SMTPRecipientsRefused: 550 Postfach unbekannt")
    sent = row(kind=Kind.ENROLMENT_CONFIRMED, state=State.SENT)
    html = staff.get(LISTING).content.decode()
    assert "Postausgang" in html
    assert "550 Postfach unbekannt" in html
    assert failed.person.full_name in html and sent.person.full_name in html
    assert "fehlgeschlagen" in html and "gesendet" in html


def test_the_listing_filters_by_state_and_kind(staff):
    failed = row(state=State.FAILED, error="kaputt")
    pending = row(kind=Kind.ENROLMENT_CONFIRMED)
    only_failed = staff.get(LISTING, {"state": "failed"}).context["object_list"]
    assert list(only_failed) == [failed]
    by_kind = staff.get(LISTING, {"kind": "enrolment_confirmed"}).context["object_list"]
    assert list(by_kind) == [pending]


def test_send_again_puts_a_failed_row_back_in_the_queue(staff):
    failed = row(state=State.FAILED, error="SMTPServerDisconnected")
    listing = staff.get(LISTING).content.decode()
    action = f"{LISTING}{failed.pk}/erneut-senden/"
    assert f'action="{action}"' in listing
    assert staff.get(action).status_code == 405
    response = staff.post(action, follow=True)
    assert "wird erneut gesendet" in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == State.PENDING and failed.attempts == 0
    assert failed.due_at <= timezone.now()


def test_send_again_returns_only_to_pages_of_this_site(staff):
    failed = row(state=State.FAILED, error="SMTPServerDisconnected")
    action = f"{LISTING}{failed.pk}/erneut-senden/"
    response = staff.post(action, {"next": "https://boese.example/admin/"})
    assert response.status_code == 302 and response["Location"] == LISTING
    filtered = f"{LISTING}?state=failed"
    assert staff.post(action, {"next": filtered})["Location"] == filtered


def test_a_sent_row_is_not_sent_again(staff):
    sent = row(state=State.SENT)
    listing = staff.get(LISTING).content.decode()
    assert f"{sent.pk}/erneut-senden/" not in listing
    response = staff.post(f"{LISTING}{sent.pk}/erneut-senden/", follow=True)
    assert "Nur fehlgeschlagene oder verworfene" in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == State.SENT


def test_rows_cannot_be_added_edited_or_deleted(staff):
    pending = row()
    for url in (f"{LISTING}new/", f"{LISTING}edit/{pending.pk}/", f"{LISTING}delete/{pending.pk}/"):
        assert staff.get(url).status_code in (302, 403), url
    assert staff.post(f"{LISTING}delete/{pending.pk}/").status_code in (302, 403)
    assert Notification.objects.filter(pk=pending.pk).exists()
    assert staff.get(f"{LISTING}inspect/{pending.pk}/").status_code == 200


def test_people_who_are_not_staff_get_no_access(client):
    failed = row(state=State.FAILED, error="kaputt")
    firm_admin = PersonFactory(admin=True)
    trainer = UserFactory()
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for user in (firm_admin.user, trainer):
        client.force_login(user)
        assert client.get(LISTING).status_code in (302, 403)
        assert client.post(f"{LISTING}{failed.pk}/erneut-senden/").status_code in (302, 403)
    failed.refresh_from_db()
    assert failed.state == State.FAILED
    client.force_login(trainer)
    assert "postausgang" not in client.get("/admin/").content.decode()


def listing_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LISTING).status_code == 200
    return len(queries)


def test_the_listing_needs_the_same_number_of_queries_for_more_rows(staff):
    row(state=State.FAILED, error="kaputt")
    listing_queries(staff)  # warms the caches
    few = listing_queries(staff)
    for _ in range(6):
        row(state=State.FAILED, error="kaputt")
        row(kind=Kind.ENROLMENT_CONFIRMED, state=State.SENT)
    assert listing_queries(staff) == few
