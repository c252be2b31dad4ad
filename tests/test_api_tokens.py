"""Personal API tokens: created in the account area or on the command line, shown once,
stored as a digest, used as Bearer token, revoked by their owner."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import APIToken

from members.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"wagtail_[0-9A-Za-z]{20,}")
URL = "/konto/api-tokens/"


@pytest.fixture
def admin():
    return PersonFactory(admin=True, email="chefin@kessler.example")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin.user)
    return client


def create_in_ui(client, name="Personalsystem"):
    response = client.post(URL, {"name": name})
    assert response.status_code == 200
    match = TOKEN_RE.search(response.content.decode())
    assert match, "the new token is shown"
    return response, match.group(0)


def test_url_name():
    assert reverse("members:api_tokens") == URL


def test_token_created_in_the_ui_is_shown_once_and_stored_hashed(admin_client, admin):
    response, plaintext = create_in_ui(admin_client)
    page = response.content.decode()
    assert "nur dieses eine Mal" in page
    token = APIToken.objects.get(user=admin.user)
    assert token.name == "Personalsystem"
    assert plaintext.startswith(token.prefix)
    # Nothing in the database contains the plaintext.
    assert plaintext not in (token.key_hash, token.prefix, token.name)
    assert token.key_hash == APIToken.hash_token(plaintext)
    listing = admin_client.get(URL)
    assert listing.status_code == 200
    assert plaintext not in listing.content.decode()
    assert "Personalsystem" in listing.content.decode()
    assert token.prefix in listing.content.decode()


def test_token_from_the_ui_works_as_bearer(admin_client, admin):
    _response, plaintext = create_in_ui(admin_client)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200
    assert response.json()["email"] == admin.user.email
    assert response.json()["role"] == "admin"
    assert APIToken.objects.get(user=admin.user).last_used_at is not None


def test_empty_name_is_refused_and_nothing_created(admin_client, admin):
    response = admin_client.post(URL, {"name": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bitte geben Sie eine Bezeichnung ein." in page
    assert 'aria-invalid="true"' in page
    assert not APIToken.objects.filter(user=admin.user).exists()


def test_revoked_token_gets_401_json(admin_client, admin):
    _response, plaintext = create_in_ui(admin_client)
    token = APIToken.objects.get(user=admin.user)
    confirm = admin_client.get(reverse("members:api_token_revoke", args=[token.pk]))
    assert confirm.status_code == 200
    assert APIToken.objects.get(pk=token.pk).revoked_at is None
    response = admin_client.post(reverse("members:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert APIToken.objects.get(pk=token.pk).revoked_at is not None
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]
    assert "widerrufen" in admin_client.get(URL).content.decode()


def test_users_see_and_revoke_only_their_own_tokens(admin_client, admin):
    other_admin = PersonFactory(admin=True)
    other_token, other_plaintext = APIToken.create_token(user=other_admin.user, name="Fremd-HR")
    page = admin_client.get(URL).content.decode()
    assert "Fremd-HR" not in page
    url = reverse("members:api_token_revoke", args=[other_token.pk])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url).status_code == 404
    other_token.refresh_from_db()
    assert other_token.revoked_at is None


@pytest.mark.parametrize("role", [Person.Role.CONTACT, Person.Role.EMPLOYEE])
def test_contacts_and_employees_get_403(client, role):
    person = PersonFactory(role=role, with_account=True)
    client.force_login(person.user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Versuch"}).status_code == 403
    assert not APIToken.objects.exists()


def test_staff_may_create_tokens(client):
    client.force_login(UserFactory(staff=True))
    create_in_ui(client, name="Auswertung")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


# --- create_api_token -------------------------------------------------------------------------


def test_command_prints_a_working_token(client, admin):
    out = StringIO()
    call_command(
        "create_api_token", admin.user.email.upper(), "--name", "Lohnbuchhaltung", stdout=out
    )
    plaintext = out.getvalue().strip()
    assert TOKEN_RE.fullmatch(plaintext)
    token = APIToken.objects.get(user=admin.user)
    assert token.name == "Lohnbuchhaltung"
    response = client.get("/api/v1/employees", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200


def test_command_token_carries_exactly_the_users_rights(client):
    employee = PersonFactory(with_account=True)
    out = StringIO()
    call_command("create_api_token", employee.user.email, stdout=out)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}
    assert client.get("/api/v1/me", **headers).json()["role"] == "employee"
    assert client.get("/api/v1/employees", **headers).status_code == 403


def test_command_refuses_an_unknown_email():
    with pytest.raises(CommandError, match="kein Konto.*no account"):
        call_command("create_api_token", "niemand@example.org", stdout=StringIO())
    assert not APIToken.objects.exists()
