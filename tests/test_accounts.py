"""Accounts: login by email, verification, password reset, rate limits, logout, staff MFA."""

import re
import time
import uuid

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from members.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"


def log_in(client, email, password=DEFAULT_PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def current_totp_code(secret):
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def test_login_with_email_and_password(client):
    user = UserFactory(email="jana.schaefer@firma.example")

    response = log_in(client, "Jana.Schaefer@firma.example")

    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in_user_id(client) == str(user.pk)


def test_wrong_password_gives_a_german_message(client):
    UserFactory(email="jana.schaefer@firma.example")

    response = log_in(client, "jana.schaefer@firma.example", "falsch-falsch")

    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort sind nicht korrekt." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_unverified_address_cannot_log_in_and_gets_a_new_confirmation_mail(client, mailoutbox):
    UserFactory(email="neu@firma.example", email_verified=False)

    response = log_in(client, "neu@firma.example")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    assert [message.to for message in mailoutbox] == [["neu@firma.example"]]


def test_password_reset_mail_link_sets_a_new_password(client, mailoutbox):
    UserFactory(email="vergesslich@firma.example")

    response = client.post(
        reverse("account_reset_password"), {"email": "vergesslich@firma.example"}
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/konto/password/reset/key/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body

    # The link stores the key in the session and redirects to the form without it.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0]
    new_password = "Neues-Passwort-2026"
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302

    client.logout()
    assert logged_in_user_id(client) is None
    log_in(client, "vergesslich@firma.example", DEFAULT_PASSWORD)
    assert logged_in_user_id(client) is None
    log_in(client, "vergesslich@firma.example", new_password)
    assert logged_in_user_id(client) is not None


@pytest.fixture(params=["locmem", "file"])
def real_cache(request, settings, tmp_path):
    """Rate limits need a cache that remembers: in-memory or the file cache of the settings."""
    if request.param == "locmem":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"rate-limit-{uuid.uuid4().hex}",
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    return request.param


def test_login_is_rate_limited_after_repeated_failures(client, real_cache):
    UserFactory(email="ziel@firma.example")
    for _ in range(5):
        response = log_in(client, "ziel@firma.example", "falsch-falsch")
        assert "Zu viele fehlgeschlagene Anmeldeversuche" not in response.content.decode()

    # From this address even the right password is refused now.
    response = log_in(client, "ziel@firma.example")

    assert response.status_code == 200
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert logged_in_user_id(client) is None


def from_address(ip):
    return Client(REMOTE_ADDR=ip)


def test_a_stranger_cannot_lock_the_owner_out(real_cache):
    owner = UserFactory(email="ziel@firma.example")
    stranger = from_address("203.0.113.9")
    for _ in range(8):
        log_in(stranger, owner.email, "falsch-falsch")
    refused = log_in(stranger, owner.email)
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in refused.content.decode()
    assert logged_in_user_id(stranger) is None

    owner_client = from_address("198.51.100.20")
    log_in(owner_client, owner.email)
    assert logged_in_user_id(owner_client) == str(owner.pk)


def test_an_attack_from_many_addresses_is_slowed_down_not_locked(real_cache, settings):
    settings.VERBUND_LOGIN_GUARD = {**settings.VERBUND_LOGIN_GUARD, "PACE_SECONDS": 2}
    owner = UserFactory(email="ziel@firma.example")
    at_home = from_address("198.51.100.20")
    log_in(at_home, owner.email)  # the owner signed in from home before
    at_home.post(reverse("account_logout"))

    for n in range(10):  # ten addresses, one wrong password each
        log_in(from_address(f"203.0.113.{n}"), owner.email, "falsch-falsch")

    # Unknown addresses now get one try every few seconds: the next one goes through ...
    first = from_address("203.0.113.100")
    assert "viele fehlgeschlagene" not in log_in(first, owner.email, "rate").content.decode()
    # ... the one right after waits, even with the right password, and learns why.
    paced = from_address("203.0.113.101")
    message = log_in(paced, owner.email).content.decode()
    assert "nur alle paar Sekunden einen Versuch" in message
    assert logged_in_user_id(paced) is None

    # The owner at home is not held back.
    log_in(at_home, owner.email)
    assert logged_in_user_id(at_home) == str(owner.pk)

    # And from a new address the owner gets in after the short pause.
    time.sleep(2.1)
    travelling = from_address("192.0.2.55")
    log_in(travelling, owner.email)
    assert logged_in_user_id(travelling) == str(owner.pk)


def test_logout_ends_the_session_for_the_old_cookie(client):
    UserFactory(email="abmelden@firma.example")
    log_in(client, "abmelden@firma.example")
    old_session = client.cookies["sessionid"].value
    assert client.get(reverse("account_email")).status_code == 200

    # Logging out needs a POST; a GET only shows the confirmation page.
    client.get(reverse("account_logout"))
    assert logged_in_user_id(client) is not None
    client.post(reverse("account_logout"))

    replay = Client()
    replay.cookies["sessionid"] = old_session
    response = replay.get(reverse("account_email"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_public_signup_is_closed_without_invitation(client):
    response = client.get("/konto/signup/")

    assert response.status_code == 200
    assert "Registrierung geschlossen" in response.content.decode()
    assert "password1" not in response.content.decode()

    client.post(
        "/konto/signup/",
        {"email": "frech@firma.example", "password1": "Xy-123456789", "password2": "Xy-123456789"},
    )
    assert not User.objects.filter(email="frech@firma.example").exists()


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.status_code == 302
    assert response.url == "/konto/login/?next=/admin/pages/"

    anonymous = client.get("/admin/")
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/konto/login/")


def test_staff_without_totp_are_sent_to_set_it_up(client):
    staff = UserFactory(superuser=True)
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    [message] = list(get_messages(response.wsgi_request))
    assert "Zwei-Faktor-Authentifizierung Pflicht" in str(message)
    # The setup itself, the account pages and logging out stay reachable.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_staff_with_totp_reach_the_admin(client):
    staff = UserFactory(superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_non_staff_are_not_asked_for_totp(client):
    client.force_login(UserFactory())

    response = client.get("/admin/")

    assert response.url != reverse("mfa_activate_totp")


def test_staff_login_asks_for_the_code_and_then_opens_the_admin(client):
    staff = UserFactory(superuser=True, email="buero@verbund.example")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = log_in(client, "buero@verbund.example", next="/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert logged_in_user_id(client) is None

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert logged_in_user_id(client) is None

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_every_user_may_set_up_totp(client):
    user = UserFactory(email="mitarbeit@firma.example")
    log_in(client, "mitarbeit@firma.example")
    # Setting up a second factor asks for the password once more.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
