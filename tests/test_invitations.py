"""Invitations: firm admins invite colleagues and employees; the link creates the login."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from members.models import Invitation, Person, User
from members.services.invitations import create_invitation
from tests.factories import DEFAULT_PASSWORD, FirmFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Einladung-Angenommen-2026"
INVITE = "/firma/einladungen/"


@pytest.fixture
def admin():
    return PersonFactory(admin=True, email="chefin@mueller.example")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin.user)
    return client


def link_path(message):
    match = re.search(r"https?://[^/\s]+(/einladung/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, **data):
    return client.post(
        "/konto/signup/",
        {
            "first_name": "Aylin",
            "last_name": "Öztürk",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **data,
        },
    )


def invitation_for(firm, email, role=Person.Role.CONTACT, **changes):
    invitation, token = create_invitation(firm=firm, email=email, role=role, invited_by=None)
    if changes:
        Invitation.objects.filter(pk=invitation.pk).update(**changes)
    return invitation, token


# --- The whole way -------------------------------------------------------------------------


def test_colleague_invited_by_email_signs_up_and_gets_the_role(
    admin, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            INVITE, {"email": "A.Oeztuerk@Mueller.example", "role": "admin"}
        )
    assert response.status_code == 302
    follow = admin_client.get(INVITE).content.decode()
    assert "Die Einladung an a.oeztuerk@mueller.example ist verschickt." in follow
    assert "a.oeztuerk@mueller.example" in follow  # listed as pending

    [mail] = mailoutbox
    assert mail.to == ["a.oeztuerk@mueller.example"]
    assert admin.firm.name in mail.subject
    link = link_path(mail)

    invitee = Client()
    response = invitee.get(link)
    assert response.status_code == 302
    assert response.url == reverse("account_signup")

    form = invitee.get(response.url)
    html = form.content.decode()
    assert 'value="a.oeztuerk@mueller.example"' in html
    assert re.search(r'<input[^>]*name="email"[^>]*readonly', html)

    # A changed address in the request is ignored: the invited one is used.
    response = sign_up(invitee, email="jemand.anders@example.org")
    assert response.status_code == 302
    assert not User.objects.filter(email="jemand.anders@example.org").exists()

    user = User.objects.get(email="a.oeztuerk@mueller.example")
    assert invitee.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified
    person = Person.objects.get(user=user)
    assert (person.firm, person.role, person.first_name) == (admin.firm, "admin", "Aylin")
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None
    assert invitation.person == person
    assert ModelLogEntry.objects.filter(action="verbund.invitation.accepted").exists()

    # The link works once only.
    again = Client().get(link)
    assert again.status_code == 410
    assert "bereits angenommen" in again.content.decode()
    assert invitee.get(link).status_code == 410


def test_employee_without_login_gets_one_and_keeps_the_record(admin, admin_client, mailoutbox):
    employee = PersonFactory(
        firm=admin.firm, first_name="Sören", last_name="Weiß", email="soeren@mueller.example"
    )

    response = admin_client.post(
        reverse("members:invite_person", args=[employee.pk]), {"next": "/firma/personen/"}
    )

    assert response.status_code == 302
    assert response.url == "/firma/personen/"
    [mail] = mailoutbox
    invitee = Client()
    signup_url = invitee.get(link_path(mail)).url
    assert 'value="Sören"' in invitee.get(signup_url).content.decode()
    sign_up(invitee, first_name="Sören", last_name="Weiß")

    employee.refresh_from_db()
    assert employee.user.email == "soeren@mueller.example"
    assert employee.role == Person.Role.EMPLOYEE
    assert Person.objects.filter(firm=admin.firm).count() == 2


def test_existing_account_logs_in_and_accepts(client, admin):
    UserFactory(email="wechsel@mueller.example")
    invitation, token = invitation_for(admin.firm, "wechsel@mueller.example")
    link = reverse("members:invitation", args=[token])

    page = client.get(link)
    assert page.status_code == 200
    assert f'href="/konto/login/?next={link.replace("/", "%2F")}"' in page.content.decode()

    response = client.post(
        "/konto/login/",
        {"login": "wechsel@mueller.example", "password": DEFAULT_PASSWORD, "next": link},
    )
    assert response.url == link
    assert "Einladung annehmen" in client.get(link).content.decode()
    client.post(link)

    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.person.user.email == "wechsel@mueller.example"


def test_logged_in_with_another_address_is_asked_to_log_out(client, admin):
    invitation, token = invitation_for(admin.firm, "eingeladen@mueller.example")
    client.force_login(UserFactory(email="falsch@example.org"))
    link = reverse("members:invitation", args=[token])

    html = client.get(link).content.decode()
    client.post(link)

    assert "Bitte melden Sie sich ab" in html
    assert reverse("account_logout") in html
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Person.objects.filter(user__email="falsch@example.org").exists()


# --- Links that cannot be used ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, 410, "abgelaufen"),
        ({"revoked_at": timezone.now()}, 410, "zurückgezogen"),
        ({"accepted_at": timezone.now()}, 410, "bereits angenommen"),
    ],
    ids=["expired", "revoked", "used"],
)
def test_unusable_link_explains_and_changes_nothing(client, admin, changes, status, message):
    invitation, token = invitation_for(admin.firm, "spaet@mueller.example", **changes)

    response = client.get(reverse("members:invitation", args=[token]))

    assert response.status_code == status
    assert message in response.content.decode()
    assert client.session.get("verbund_invitation_id") is None
    assert "Registrierung geschlossen" in client.get("/konto/signup/").content.decode()
    sign_up(client, email="spaet@mueller.example")
    assert not User.objects.filter(email="spaet@mueller.example").exists()
    assert Person.objects.count() == 1


def test_unknown_link_is_404_with_a_german_message(client):
    response = client.get(reverse("members:invitation", args=["gibt-es-nicht"]))

    assert response.status_code == 404
    assert "Dieser Einladungslink ist ungültig" in response.content.decode()


def test_invitation_revoked_after_opening_the_link_stops_the_signup(client, admin):
    invitation, token = invitation_for(admin.firm, "zoe@mueller.example")
    client.get(reverse("members:invitation", args=[token]))
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    sign_up(client, email="zoe@mueller.example")

    assert not User.objects.filter(email="zoe@mueller.example").exists()


def test_admin_revokes_a_pending_invitation(admin, admin_client):
    invitation, token = invitation_for(admin.firm, "widerruf@mueller.example")

    admin_client.post(reverse("members:revoke_invitation", args=[invitation.pk]))

    assert Client().get(reverse("members:invitation", args=[token])).status_code == 410
    page = admin_client.get(INVITE).content.decode()
    assert "Die Einladung an widerruf@mueller.example ist zurückgezogen." in page
    assert "Zurzeit sind keine Einladungen offen." in page


def test_a_newer_invitation_replaces_the_older_link(admin, admin_client):
    first, first_token = invitation_for(admin.firm, "doppelt@mueller.example")

    admin_client.post(INVITE, {"email": "doppelt@mueller.example", "role": "contact"})

    assert Client().get(reverse("members:invitation", args=[first_token])).status_code == 410
    assert Invitation.objects.pending().filter(email="doppelt@mueller.example").count() == 1


# --- Who may invite whom ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Person.Role.CONTACT, Person.Role.EMPLOYEE])
def test_contacts_and_employees_cannot_invite(client, role, mailoutbox):
    person = PersonFactory(role=role, with_account=True)
    colleague = PersonFactory(firm=person.firm)
    client.force_login(person.user)

    assert client.get(INVITE).status_code == 403
    assert client.post(INVITE, {"email": "x@example.org", "role": "admin"}).status_code == 403
    invite = client.post(reverse("members:invite_person", args=[colleague.pk]))
    assert invite.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(INVITE)

    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


def test_admin_of_another_firm_cannot_invite_or_revoke(admin_client):
    other_person = PersonFactory(firm=FirmFactory(), email="fremd@andere.example")
    other_invitation, _ = invitation_for(other_person.firm, "neu@andere.example")

    invite = admin_client.post(reverse("members:invite_person", args=[other_person.pk]))
    revoke = admin_client.post(reverse("members:revoke_invitation", args=[other_invitation.pk]))

    assert (invite.status_code, revoke.status_code) == (404, 404)
    assert Invitation.objects.count() == 1
    other_invitation.refresh_from_db()
    assert other_invitation.revoked_at is None
    assert "neu@andere.example" not in admin_client.get(INVITE).content.decode()


def test_admin_of_an_applicant_firm_cannot_invite(client):
    person = PersonFactory(admin=True, firm__status="applied")
    client.force_login(person.user)

    assert client.get(INVITE).status_code == 403


# --- Bad input ------------------------------------------------------------------------------


def test_address_with_an_account_at_another_firm_is_refused(admin_client, mailoutbox):
    PersonFactory(email="vergeben@andere.example", with_account=True)

    response = admin_client.post(INVITE, {"email": "vergeben@andere.example", "role": "contact"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "gehört bereits zu einem Zugang bei einem anderen Unternehmen" in html
    assert 'value="vergeben@andere.example"' in html
    assert re.search(r'<input[^>]*value="contact"[^>]*checked', html)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_colleague_who_already_has_the_role_is_not_invited_again(admin, admin_client):
    response = admin_client.post(INVITE, {"email": admin.email, "role": "admin"})

    assert "hat bereits Zugang als Firmenadministration" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invalid_form_shows_errors_next_to_the_fields(admin_client):
    response = admin_client.post(INVITE, {"email": "kein-at-zeichen", "role": "employee"})

    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert 'value="kein-at-zeichen"' in html
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("person_kwargs", "message"),
    [
        ({"email": ""}, "keine E-Mail-Adresse hinterlegt"),
        ({"with_account": True}, "hat bereits einen Zugang"),
    ],
    ids=["no-email", "has-login"],
)
def test_person_without_email_or_with_login_is_not_invited(
    admin, admin_client, person_kwargs, message, mailoutbox
):
    person = PersonFactory(firm=admin.firm, **person_kwargs)

    response = admin_client.post(reverse("members:invite_person", args=[person.pk]), follow=True)

    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []
