"""API v1, people part: /api/v1/me and /api/v1/employees."""

import json

import pytest
from wagtail.models import APIToken

from members.models import Person
from members.services.calendar_feeds import feed_url, personal_feed_token
from tests.factories import FirmFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, plaintext = APIToken.create_token(user=user, name="Test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def send(client, method, url, data=None, **headers):
    if method == "get":
        return client.get(url, **headers)
    body = data if isinstance(data, str | bytes) else json.dumps(data or {})
    return getattr(client, method)(url, body, content_type="application/json", **headers)


@pytest.fixture
def firm():
    return FirmFactory(name="Kessler Feinmechanik GmbH")


@pytest.fixture
def admin(firm):
    return PersonFactory(firm=firm, admin=True, email="chefin@kessler.example")


@pytest.fixture
def auth(admin):
    return bearer(admin.user)


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["message"]
    # Every error carries the machine-readable reason the schema documents.
    assert isinstance(data.get("code"), str) and data["code"], data
    return data


# --- /me ------------------------------------------------------------------------------------


def test_me_shows_user_role_and_firm(client, admin, auth, firm):
    response = client.get("/api/v1/me", **auth)
    assert response.status_code == 200
    assert response.json() == {
        "email": "chefin@kessler.example",
        "first_name": admin.user.first_name,
        "last_name": admin.user.last_name,
        "role": "admin",
        "firm": {"id": firm.pk, "name": "Kessler Feinmechanik GmbH"},
        "calendar_feed_url": feed_url(personal_feed_token(admin.user)),
    }
    assert "/kalender/person/" in response.json()["calendar_feed_url"]


def test_me_for_staff_and_for_an_account_without_firm(client):
    staff = UserFactory(staff=True)
    staff_data = client.get("/api/v1/me", **bearer(staff)).json()
    assert staff_data["role"] == "staff"
    assert staff_data["calendar_feed_url"] == feed_url(personal_feed_token(staff))
    loner = UserFactory()
    data = client.get("/api/v1/me", **bearer(loner)).json()
    assert data["role"] == "none"
    assert data["firm"] is None
    assert data["calendar_feed_url"] is None


def test_me_works_with_the_browser_session(client, admin):
    client.force_login(admin.user)
    assert client.get("/api/v1/me").json()["role"] == "admin"


def test_unauthenticated_requests_get_401_json(client):
    for method, url in [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/employees"),
        ("post", "/api/v1/employees"),
        ("patch", "/api/v1/employees/1"),
    ]:
        response = send(client, method, url, {"first_name": "A", "last_name": "B"})
        assert_json_error(response, 401)


def test_wrong_token_gets_401_even_with_a_session(client, admin):
    client.force_login(admin.user)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer wagtail_nonsense")
    assert_json_error(response, 401)


# --- list -----------------------------------------------------------------------------------


def test_list_shows_only_the_own_firm(client, admin, auth, firm):
    PersonFactory(firm=firm, first_name="Jana", last_name="Aigner", department="Fräserei")
    PersonFactory(first_name="Fremd", last_name="Firma")
    response = client.get("/api/v1/employees", **auth)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    names = {(item["first_name"], item["last_name"]) for item in data["items"]}
    assert ("Jana", "Aigner") in names
    assert ("Fremd", "Firma") not in names
    jana = next(item for item in data["items"] if item["first_name"] == "Jana")
    assert jana["department"] == "Fräserei"
    assert jana["has_login"] is False
    assert jana["role"] == "employee"
    assert jana["left_on"] is None
    assert set(jana) >= {
        "id",
        "first_name",
        "last_name",
        "email",
        "department",
        "personnel_number",
        "role",
        "has_login",
        "left_on",
    }


def test_list_is_paginated(client, auth, firm):
    PersonFactory.create_batch(24, firm=firm)
    first = client.get("/api/v1/employees?page_size=10", **auth).json()
    third = client.get("/api/v1/employees?page_size=10&page=3", **auth).json()
    assert first["count"] == 25
    assert len(first["items"]) == 10
    assert len(third["items"]) == 5
    default = client.get("/api/v1/employees", **auth).json()
    assert len(default["items"]) == 20
    capped = client.get("/api/v1/employees?page_size=500", **auth).json()
    assert len(capped["items"]) == 25
    ids = [
        item["id"]
        for page in (1, 2, 3)
        for item in client.get(f"/api/v1/employees?page_size=10&page={page}", **auth).json()[
            "items"
        ]
    ]
    assert len(set(ids)) == 25


def test_invalid_page_is_a_400_with_field_errors(client, auth):
    data = assert_json_error(client.get("/api/v1/employees?page=0", **auth), 400)
    assert "page" in data["errors"]


def test_list_by_email(client, auth, firm):
    PersonFactory(firm=firm, email="jana@kessler.example")
    data = client.get("/api/v1/employees?email=JANA@kessler.example", **auth).json()
    assert [item["email"] for item in data["items"]] == ["jana@kessler.example"]


def test_contact_may_list(client, firm):
    contact = PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True)
    assert client.get("/api/v1/employees", **bearer(contact.user)).status_code == 200


def test_employee_gets_403_json(client, firm):
    employee = PersonFactory(firm=firm, with_account=True)
    headers = bearer(employee.user)
    assert_json_error(client.get("/api/v1/employees", **headers), 403)
    response = send(
        client, "post", "/api/v1/employees", {"first_name": "A", "last_name": "B"}, **headers
    )
    assert_json_error(response, 403)
    response = send(
        client, "patch", f"/api/v1/employees/{employee.pk}", {"first_name": "Chef"}, **headers
    )
    assert_json_error(response, 403)
    employee.refresh_from_db()
    assert employee.first_name != "Chef"


def test_admin_who_left_loses_access(client, admin, auth):
    import datetime

    Person.objects.filter(pk=admin.pk).update(left_on=datetime.date(2025, 1, 31))
    assert_json_error(client.get("/api/v1/employees", **auth), 403)


# --- create ---------------------------------------------------------------------------------


def test_create_employee(client, auth, firm):
    response = send(
        client,
        "post",
        "/api/v1/employees",
        {
            "first_name": " Sören ",
            "last_name": "Weiß",
            "email": "Soeren.Weiss@Kessler.example",
            "department": "Instandhaltung",
            "personnel_number": "4711",
        },
        **auth,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    person = Person.objects.get(pk=data["id"])
    assert person.firm == firm
    assert (person.first_name, person.last_name) == ("Sören", "Weiß")
    assert person.email == "soeren.weiss@kessler.example"
    assert person.role == Person.Role.EMPLOYEE
    assert data["personnel_number"] == "4711"
    assert data["has_login"] is False


def test_create_with_missing_and_invalid_fields_is_a_400(client, auth, firm):
    before = Person.objects.count()
    response = send(
        client,
        "post",
        "/api/v1/employees",
        {"first_name": "  ", "email": "kein-at-zeichen"},
        **auth,
    )
    data = assert_json_error(response, 400)
    assert set(data["errors"]) == {"first_name", "last_name", "email"}
    assert all(isinstance(messages, list) and messages for messages in data["errors"].values())
    assert Person.objects.count() == before


def test_bad_json_body_is_a_400_json(client, auth):
    response = send(client, "post", "/api/v1/employees", "{kein json", **auth)
    assert_json_error(response, 400)
    response = send(client, "post", "/api/v1/employees", "[1, 2]", **auth)
    assert_json_error(response, 400)


def test_empty_body_is_a_400(client, auth):
    response = client.post("/api/v1/employees", content_type="application/json", **auth)
    assert_json_error(response, 400)


def test_duplicate_email_in_the_firm_is_a_409(client, auth, firm):
    PersonFactory(firm=firm, email="jana@kessler.example")
    response = send(
        client,
        "post",
        "/api/v1/employees",
        {
            "first_name": "Jana",
            "last_name": "Zwei",
            "email": "JANA@kessler.example",
        },
        **auth,
    )
    data = assert_json_error(response, 409)
    assert "email" in data["errors"]
    assert Person.objects.filter(email__iexact="jana@kessler.example").count() == 1


def test_same_email_in_another_firm_is_fine(client, auth):
    PersonFactory(email="jana@kessler.example")
    response = send(
        client,
        "post",
        "/api/v1/employees",
        {
            "first_name": "Jana",
            "last_name": "Zwei",
            "email": "jana@kessler.example",
        },
        **auth,
    )
    assert response.status_code == 201


def test_firm_admin_cannot_create_in_another_firm(client, auth, firm):
    other = FirmFactory()
    response = send(
        client,
        "post",
        "/api/v1/employees",
        {
            "first_name": "Jana",
            "last_name": "Fremd",
            "firm": other.pk,
        },
        **auth,
    )
    data = assert_json_error(response, 404)
    assert data["code"] == "not_found"
    assert "firm" in data["errors"]
    assert not other.people.exists()
    response = send(
        client,
        "post",
        "/api/v1/employees",
        {
            "first_name": "Jana",
            "last_name": "Eigen",
            "firm": firm.pk,
        },
        **auth,
    )
    assert response.status_code == 201


def test_staff_creates_in_the_firm_they_name(client):
    headers = bearer(UserFactory(staff=True))
    other = FirmFactory()
    data = assert_json_error(
        send(client, "post", "/api/v1/employees", {"first_name": "A", "last_name": "B"}, **headers),
        400,
    )
    assert "firm" in data["errors"]
    response = send(
        client,
        "post",
        "/api/v1/employees",
        {"first_name": "A", "last_name": "B", "firm": other.pk},
        **headers,
    )
    assert response.status_code == 201
    assert Person.objects.get(pk=response.json()["id"]).firm == other


# --- patch ----------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent(client, auth, firm):
    person = PersonFactory(firm=firm, department="Fräserei", personnel_number="12")
    response = send(
        client,
        "patch",
        f"/api/v1/employees/{person.pk}",
        {"department": "Montage", "left_on": "2026-03-31"},
        **auth,
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.department == "Montage"
    assert person.personnel_number == "12"
    assert str(person.left_on) == "2026-03-31"
    assert response.json()["left_on"] == "2026-03-31"


def test_patch_another_firms_person_is_a_404(client, auth):
    stranger = PersonFactory(first_name="Fremd")
    response = send(
        client, "patch", f"/api/v1/employees/{stranger.pk}", {"first_name": "Geändert"}, **auth
    )
    assert assert_json_error(response, 404)["message"] == "Nicht gefunden."
    stranger.refresh_from_db()
    assert stranger.first_name == "Fremd"
    assert_json_error(client.get(f"/api/v1/employees/{stranger.pk}", **auth), 404)


def test_patch_cannot_move_a_person_to_another_firm(client, auth, firm):
    person = PersonFactory(firm=firm)
    other = FirmFactory()
    for body in ({"firm": other.pk}, {"firm_id": other.pk}, {"role": "admin"}):
        response = send(client, "patch", f"/api/v1/employees/{person.pk}", body, **auth)
        assert_json_error(response, 400)
    person.refresh_from_db()
    assert person.firm == firm
    assert person.role == Person.Role.EMPLOYEE


def test_staff_cannot_move_a_person_either(client, firm):
    person = PersonFactory(firm=firm)
    headers = bearer(UserFactory(staff=True))
    response = send(
        client, "patch", f"/api/v1/employees/{person.pk}", {"firm": FirmFactory().pk}, **headers
    )
    assert_json_error(response, 400)
    person.refresh_from_db()
    assert person.firm == firm


def test_patch_to_a_duplicate_email_is_a_409(client, auth, firm):
    PersonFactory(firm=firm, email="jana@kessler.example")
    person = PersonFactory(firm=firm, email="hans@kessler.example")
    response = send(
        client, "patch", f"/api/v1/employees/{person.pk}", {"email": "jana@kessler.example"}, **auth
    )
    assert_json_error(response, 409)
    person.refresh_from_db()
    assert person.email == "hans@kessler.example"


def test_patch_with_empty_name_is_a_400(client, auth, firm):
    person = PersonFactory(firm=firm, first_name="Jana")
    response = send(
        client,
        "patch",
        f"/api/v1/employees/{person.pk}",
        {"first_name": "", "left_on": "gestern"},
        **auth,
    )
    data = assert_json_error(response, 400)
    assert set(data["errors"]) == {"first_name", "left_on"}
    person.refresh_from_db()
    assert person.first_name == "Jana"


def test_patch_unknown_id_is_a_404(client, auth):
    response = send(client, "patch", "/api/v1/employees/999999", {"first_name": "X"}, **auth)
    assert_json_error(response, 404)


# --- errors and documentation ---------------------------------------------------------------


def test_unknown_api_address_is_a_404_json(client, auth):
    assert_json_error(client.get("/api/v1/gibt-es-nicht", **auth), 404)
    assert_json_error(client.get("/api/v1/", **auth), 404)


def test_wrong_method_is_a_405_json(client, auth):
    response = client.delete("/api/v1/me", **auth)
    assert assert_json_error(response, 405)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_the_schema_states_what_the_api_refuses(client):
    import re

    schema = client.get("/api/v1/openapi.json").json()
    new_person = schema["components"]["schemas"]["EmployeeIn"]["properties"]
    name = re.compile(new_person["first_name"]["pattern"])
    assert name.search("Jana") and name.search(" Ömer ")
    assert not name.search("") and not name.search("   ") and not name.search("Ja\x00na")
    assert new_person["firm"]["anyOf"][0]["minimum"] == 1
    change = schema["components"]["schemas"]["EmployeePatch"]["properties"]
    assert "null" not in json.dumps(change["first_name"])
    employees = schema["paths"]["/api/v1/employees"]
    for operation in employees.values():
        assert {"400", "401", "403", "404"} <= set(operation["responses"])
        error = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert error["$ref"].endswith("/ErrorOut")
    error_out = schema["components"]["schemas"]["ErrorOut"]
    assert set(error_out["required"]) == {"message", "code"}


def test_session_writes_need_the_csrf_token(admin):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin.user)
    response = send(browser, "post", "/api/v1/employees", {"first_name": "A", "last_name": "B"})
    assert_json_error(response, 403)
    assert not Person.objects.filter(first_name="A", last_name="B").exists()


def test_bearer_requests_need_no_csrf_token(auth):
    from django.test import Client

    response = send(
        Client(enforce_csrf_checks=True),
        "post",
        "/api/v1/employees",
        {"first_name": "A", "last_name": "B"},
        **auth,
    )
    assert response.status_code == 201


def test_unexpected_errors_are_json_500(client, auth, monkeypatch):
    from members import api

    def broken(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(api, "_employees", broken)
    response = client.get("/api/v1/employees", **auth)
    data = assert_json_error(response, 500)
    assert "kaputt" not in data["message"]


def test_openapi_and_docs_load(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/me", "/api/v1/employees", "/api/v1/employees/{person_id}"} <= set(paths)
    assert "bearer" in json.dumps(schema.json()["components"]["securitySchemes"]).lower()
    assert client.get("/api/v1/docs").status_code == 200


# --- The API changes people through the same rules as the web pages ------------------------


def test_recording_a_leaving_over_the_api_revokes_pending_invitations(client, auth, admin, firm):
    from members.models import Invitation
    from members.services.invitations import create_invitation

    person = PersonFactory(firm=firm, email="lea@firma.example")
    invitation, _token = create_invitation(
        firm=firm, email=person.email, role=person.role, invited_by=admin.user, person=person
    )

    response = send(
        client, "patch", f"/api/v1/employees/{person.pk}", {"left_on": "2026-03-31"}, **auth
    )

    assert response.status_code == 200, response.content
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not Invitation.objects.filter(person=person).pending().exists()


def test_recording_ones_own_leaving_over_the_api_is_refused_and_changes_nothing(
    client, auth, admin
):
    response = send(
        client,
        "patch",
        f"/api/v1/employees/{admin.pk}",
        {"department": "Vertrieb", "left_on": "2026-03-31"},
        **auth,
    )

    data = assert_json_error(response, 403)
    assert data["code"] == "own_leaving"
    admin.refresh_from_db()
    assert admin.left_on is None and admin.department != "Vertrieb"


def test_the_api_and_the_web_form_write_the_same_audit_entry(client, auth, firm):
    from wagtail.models import ModelLogEntry

    response = send(
        client,
        "post",
        "/api/v1/employees",
        {"first_name": "Lea", "last_name": "Ott", "email": "LEA@firma.example"},
        **auth,
    )

    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.email == "lea@firma.example"  # stored as the web form stores it
    entry = ModelLogEntry.objects.filter(
        action="verbund.person.created", object_id=str(person.pk)
    ).get()
    assert entry.data == {"role": "employee", "source": "api"}
