"""Turning non-essential emails off: the one-click link (GET and RFC 8058 POST) and the
account page "E-Mail-Benachrichtigungen"."""

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.urls import reverse

from tasks.models import Notification, Unsubscription
from tasks.services import outbox, preferences
from tests.factories import EnrolmentFactory, PersonFactory, UserFactory, WorkshopDateFactory
from workshops.services.notifications import Category, Kind

pytestmark = pytest.mark.django_db

PAGE = "/konto/benachrichtigungen/"


def unsubscribe_url(**recipient):
    token = preferences.make_token(category=Category.REMINDERS, **recipient)
    return reverse("notifications:unsubscribe", args=[token])


def test_opening_the_link_only_asks_so_link_scanners_unsubscribe_nobody(client):
    person = PersonFactory()
    url = unsubscribe_url(person_id=person.pk)
    for _ in range(2):  # a mail provider's scanner, then the person
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Möchten Sie diese E-Mails abbestellen" in html
        assert '<form method="post"' in html and 'value="unsubscribe"' in html
    assert not Unsubscription.objects.exists()


def test_the_button_unsubscribes_and_offers_to_undo_it(client):
    person = PersonFactory()
    url = unsubscribe_url(person_id=person.pk)
    response = client.post(url, {"action": "unsubscribe"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sie sind abgemeldet" in html and 'value="resubscribe"' in html
    assert Unsubscription.objects.filter(person=person, category=Category.REMINDERS).exists()
    assert client.post(url, {"action": "unsubscribe"}).status_code == 200  # twice: one row
    assert Unsubscription.objects.count() == 1
    again = client.get(url).content.decode()
    assert "bereits abbestellt" in again and 'value="resubscribe"' in again

    undone = client.post(url, {"action": "resubscribe"})
    assert undone.status_code == 200
    assert "Sie erhalten wieder" in undone.content.decode()
    assert not Unsubscription.objects.exists()


def test_the_page_speaks_english_when_chosen(client, settings):
    person = PersonFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(unsubscribe_url(person_id=person.pk)).content.decode()
    assert "Do you want to unsubscribe from these emails" in html


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=BoUnDaRy",
    ],
)
def test_the_one_click_post_of_mail_programs_unsubscribes(client, content_type):
    user = UserFactory()
    body = "List-Unsubscribe=One-Click"
    if content_type.startswith("multipart"):
        body = (
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
            "One-Click\r\n--BoUnDaRy--\r\n"
        )
    client_without_csrf_exemption = client.__class__(enforce_csrf_checks=True)
    response = client_without_csrf_exemption.post(
        unsubscribe_url(user_id=user.pk), body, content_type=content_type
    )
    assert response.status_code == 200
    assert Unsubscription.objects.filter(user=user, category=Category.REMINDERS).exists()


def test_bad_tokens_and_other_methods_change_nothing(client):
    person = PersonFactory()
    assert client.get(reverse("notifications:unsubscribe", args=["falsch"])).status_code == 404
    gone = unsubscribe_url(person_id=person.pk + 1000)
    assert client.get(gone).status_code == 404
    assert (
        client.post(
            gone, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 404
    )
    assert client.head(unsubscribe_url(person_id=person.pk)).status_code == 405
    assert client.put(unsubscribe_url(person_id=person.pk)).status_code == 405
    assert not Unsubscription.objects.exists()


def test_the_account_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_employees_choose_the_general_categories_only(client):
    person = PersonFactory(with_account=True)
    client.force_login(person.user)
    html = client.get(PAGE).content.decode()
    assert "E-Mail-Benachrichtigungen" in html
    assert 'value="reminders"' in html and 'value="follow_up"' in html
    assert 'value="firm_digest"' not in html and 'value="staff_digest"' not in html
    assert "Bestätigungen, Änderungen und Absagen" in html
    assert html.count("checked") == 3  # everything on to begin with
    # The page is in the account navigation, next to the calendar subscription.
    calendar_page = client.get(reverse("calendar:account")).content.decode()
    assert f'href="{PAGE}"' in calendar_page


def test_firm_admins_and_staff_also_see_their_digest(client):
    admin = PersonFactory(admin=True)
    client.force_login(admin.user)
    html = client.get(PAGE).content.decode()
    assert 'value="firm_digest"' in html and 'value="staff_digest"' not in html
    staff = UserFactory(staff=True, totp=True)
    client.force_login(staff)
    html = client.get(PAGE).content.decode()
    assert 'value="staff_digest"' in html and 'value="firm_digest"' not in html


def test_saving_turns_categories_off_and_on_for_account_and_person(client):
    person = PersonFactory(with_account=True)
    user = person.user
    # Turned off earlier through a link in an email to the person.
    Unsubscription.objects.create(person=person, category=Category.FOLLOW_UP)
    client.force_login(user)
    html = client.get(PAGE).content.decode()
    assert 'value="follow_up" id="receive-follow_up">' in html  # not checked

    response = client.post(PAGE, {"receive": ["follow_up", "saved_searches"]}, follow=True)
    assert "gespeichert" in response.content.decode()
    assert set(Unsubscription.objects.values_list("user_id", "person_id", "category")) == {
        (user.pk, None, Category.REMINDERS)
    }

    client.post(PAGE, {"receive": ["reminders", "follow_up", "saved_searches"]})
    assert not Unsubscription.objects.exists()


def test_an_unknown_choice_changes_nothing(client):
    person = PersonFactory(with_account=True)
    client.force_login(person.user)
    response = client.post(PAGE, {"receive": ["staff_digest"]}, follow=True)
    assert "nichts geändert" in response.content.decode()
    assert not Unsubscription.objects.exists()


def test_the_accounts_choice_holds_for_mail_to_its_person(client):
    """A thank-you note goes to the person; the account turned follow-ups off."""
    from workshops.models import Attendance

    person = PersonFactory(with_account=True)
    client.force_login(person.user)
    client.post(PAGE, {"receive": ["reminders", "saved_searches"]})
    date = WorkshopDateFactory()
    enrolment = EnrolmentFactory(date=date, person=person)
    Attendance.objects.create(enrolment=enrolment, part=date.parts.get(), status="attended")
    row = outbox.notify(Kind.THANK_YOU, person=person, about=enrolment)
    backend = get_connection("django.core.mail.backends.locmem.EmailBackend")
    assert outbox.deliver(row.pk, backend) == Notification.State.CANCELLED
    assert mail.outbox == []
