"""Every way in asks for the second factor: only the allauth login accepts a password.

The guard walks the whole URL configuration (Wagtail's, Django's, allauth's and ours, and
whatever is added later), so a new login form anywhere fails here.
"""

import re

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code
from tests.urlwalk import project_routes

pytestmark = pytest.mark.django_db

# The one place where a password may be entered: allauth's account and MFA views.
ALLOWED_VIEW_MODULES = ("allauth.",)
PASSWORD_INPUT = re.compile(r"<input[^>]*type=[\"']?password", re.IGNORECASE)


def is_allowed(module):
    return module.startswith(ALLOWED_VIEW_MODULES)


def test_the_walk_reaches_nearly_every_route():
    routes, unreachable = project_routes()
    # Patterns shadowed by an earlier one (the catch-alls of Wagtail) are all that is left.
    assert len(routes) > 300
    assert len(unreachable) < 10, unreachable


def test_no_url_but_the_allauth_login_signs_in_with_a_password(client):
    staff = UserFactory(staff=True, superuser=True, totp=True, email="buero@verbund.example")
    credentials = {
        "login": staff.email,
        "username": staff.email,
        "email": staff.email,
        "password": DEFAULT_PASSWORD,
        "next": "/admin/",
    }
    routes, _unreachable = project_routes()
    signed_in, password_forms = [], []
    for path, module in routes:
        response = client.post(path, credentials)
        if client.session.get("_auth_user_id"):
            signed_in.append(path)
            client.logout()
        if is_allowed(module):
            continue
        page = client.get(path, follow=False)
        if PASSWORD_INPUT.search(page.content.decode(errors="replace")):
            password_forms.append(path)
        assert response.status_code < 500, path

    assert signed_in == []  # not even the allauth login: it asks for the code first
    assert password_forms == []


def test_signed_in_staff_find_no_password_form_outside_allauth():
    client = Client(raise_request_exception=False)  # /admin/failwhale/ fails on purpose
    staff = UserFactory(staff=True, superuser=True, totp=True)
    client.force_login(staff)
    routes, _unreachable = project_routes()
    password_forms = [
        path
        for path, module in routes
        if not is_allowed(module)
        and PASSWORD_INPUT.search(client.get(path).content.decode(errors="replace"))
    ]
    assert password_forms == []


@pytest.mark.parametrize(
    "path",
    [
        "/_util/login/?next=/admin/pages/",
        "/_util/authenticate_with_password/1/2/?next=/admin/pages/",
        "/admin/login/?next=/admin/pages/",
    ],
)
def test_wagtail_and_admin_logins_lead_to_the_site_login(client, path):
    credentials = {"username": "a@b.example", "password": "geheim"}
    for response in (
        client.get(path + "&username=a%40b.example&password=geheim"),
        client.post(path, credentials),
    ):
        assert response.status_code == 302
        # Only next= goes along: a password in the address is not passed on.
        assert response.url == "/konto/login/?next=/admin/pages/"

    evil = client.get("/_util/login/?next=https://angreifer.example/")
    assert evil.url == "/konto/login/"


def test_staff_with_a_password_alone_never_reach_the_admin(client):
    staff = UserFactory(staff=True, superuser=True, totp=True, email="buero@verbund.example")
    for path in ("/_util/login/", "/admin/login/", "/konto/login/"):
        client.post(
            path,
            {
                "login": staff.email,
                "username": staff.email,
                "password": DEFAULT_PASSWORD,
            },
        )
        response = client.get("/admin/")
        assert response.status_code == 302 and response.url.startswith("/konto/login/")


def test_after_the_code_staff_land_where_they_were_going(client):
    staff = UserFactory(staff=True, superuser=True, totp=True, email="buero@verbund.example")

    response = client.get("/admin/pages/", follow=True)
    login_page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/konto/login/?next=/admin/pages/"
    assert 'name="next" value="/admin/pages/"' in login_page

    response = client.post(
        "/konto/login/?next=/admin/pages/",
        {
            "login": staff.email,
            "password": DEFAULT_PASSWORD,
            "next": "/admin/pages/",
        },
    )
    assert response.status_code == 302 and response.url == "/konto/2fa/authenticate/"
    response = client.post(response.url, {"code": totp_code(staff)})

    assert response.status_code == 302
    assert response.url == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


def test_a_private_page_sends_visitors_to_the_site_login(client):
    home = Page.objects.get(depth=2)
    page = home.get_children().live().first() or home
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(page.url)

    assert response.status_code == 302
    assert response.url.startswith("/konto/login/?next=")
