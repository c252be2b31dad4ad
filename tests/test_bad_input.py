"""No input gives a 500: control characters, oversize bodies and impossible ids get a 4xx
with a message, before any view sees them, and change nothing.

The walk covers every URL of the project for anonymous visitors, a firm admin and staff; the
single cases below use real objects, so the view would have saved the input otherwise.
"""

import json
import re

import pytest
from django.test import Client
from wagtail.models import APIToken

from members.models import Firm, MembershipApplication, Person
from tests.factories import (
    DistrictFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
)
from tests.urlwalk import project_routes
from workshops.models import Enrolment

pytestmark = pytest.mark.django_db

NUL = "Müller\x00"
FIELD_NAMES = (
    "q",
    "page",
    "topic",
    "district",
    "format",
    "next",
    "firm",
    "date",
    "status",
    "person",
    "first_name",
    "last_name",
    "email",
    "name",
    "message",
    "action",
    "code",
)
MESSAGE_DE = "unzulässige Steuerzeichen"
# Failures inside Wagtail's admin that no input check can catch, for staff only.
UPSTREAM_FAILURES = {
    "/admin/failwhale/",  # Wagtail's deliberate error page for testing error reporting
    "/admin/choose-external-link/",  # an external-link form posted without its fields
}
ID_SEGMENT_BEYOND_RANGE = re.compile(r"/9{20}(?=[/.]|$)")
MESSAGE_EN = "control characters"


def staff_client():
    client = Client(raise_request_exception=False)  # /admin/failwhale/ fails on purpose
    client.force_login(UserFactory(staff=True, superuser=True, totp=True))
    return client


def firm_admin_client():
    client = Client(raise_request_exception=False)
    client.force_login(PersonFactory(role=Person.Role.ADMIN, with_account=True).user)
    return client


CLIENT_FOR = {
    "anonymous": lambda: Client(raise_request_exception=False),
    "firm admin": firm_admin_client,
    "staff": staff_client,
}


@pytest.fixture
def firm_admin():
    return PersonFactory(role=Person.Role.ADMIN, with_account=True)


@pytest.fixture
def token(firm_admin):
    _token, plaintext = APIToken.create_token(user=firm_admin.user, name="Personalsystem")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.mark.parametrize("who", CLIENT_FOR)
def test_control_characters_anywhere_are_refused_on_every_url(who):
    client = CLIENT_FOR[who]()
    routes, _ = project_routes()
    in_path, _ = project_routes({"str": "a%00b", "slug": "a%01b"})
    fields = dict.fromkeys(FIELD_NAMES, NUL)
    answers = {}
    for path, _module in routes:
        answers[("query", path)] = client.get(path, fields).status_code
        answers[("form", path)] = client.post(path, fields).status_code
        answers[("json", path)] = client.post(
            path,
            json.dumps({"items": [{"name": NUL}]}),
            content_type="application/json",
        ).status_code
    for path, _module in in_path:
        if "%0" in path:
            answers[("path", path)] = client.get(path).status_code
    wrong = {where: status for where, status in answers.items() if status != 400}
    assert wrong == {}
    assert len(answers) > 1000


@pytest.mark.parametrize("who", CLIENT_FOR)
def test_ids_beyond_64_bits_and_odd_values_give_no_500_on_any_url(who):
    client = CLIENT_FOR[who]()
    routes, _ = project_routes({"int": "99999999999999999999"})
    huge = dict.fromkeys(FIELD_NAMES, "99999999999999999999999")
    failures = []
    for path, module in routes:
        for response in (client.get(path), client.get(path, huge), client.post(path, huge)):
            if response.status_code >= 500 and path not in UPSTREAM_FAILURES:
                failures.append((path, module, response.status_code))
        if ID_SEGMENT_BEYOND_RANGE.search(path):
            assert client.get(path).status_code == 404, path
    assert failures == []


def test_a_nul_byte_in_a_form_changes_nothing_and_says_why(client, firm_admin):
    employee = PersonFactory(firm=firm_admin.firm, last_name="Schmidt")
    client.force_login(firm_admin.user)

    response = client.post(
        f"/firma/personen/{employee.pk}/bearbeiten/",
        {
            "first_name": "Eva",
            "last_name": NUL,
            "email": "",
            "department": "",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert MESSAGE_DE in html and "Es wurde nichts gespeichert" in html
    employee.refresh_from_db()
    assert employee.last_name == "Schmidt"


def test_a_nul_byte_in_the_membership_application_saves_nothing(client):
    district = DistrictFactory()
    response = client.post(
        "/mitglied-werden/",
        {
            "name": "Nullbyte\x00 GmbH",
            "legal_form": Firm.LegalForm.GMBH,
            "sector": Firm.Sector.C,
            "employee_count": "12",
            "district": str(district.pk),
            "contact_first_name": "Ina",
            "contact_last_name": "Test",
            "contact_email": "ina@nullbyte.example",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    assert not Firm.objects.exists() and not MembershipApplication.objects.exists()


def test_a_control_character_in_an_enrolment_changes_nothing(client, firm_admin):
    date = WorkshopDateFactory()
    client.force_login(firm_admin.user)
    response = client.post(f"/anmeldung/termine/{date.pk}/", {"person": ["1\x07"]})
    assert response.status_code in (400, 404)
    assert not Enrolment.objects.exists()


def test_the_message_is_in_english_when_chosen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/angebote/", {"q": "Robotik\x00"})
    assert response.status_code == 400
    assert MESSAGE_EN in response.content.decode()
    api = client.get("/api/v1/offers", {"q": "Robotik\x00"})
    assert MESSAGE_EN in api.json()["message"]


def test_tabs_and_line_breaks_are_ordinary_text(client):
    response = client.get("/angebote/", {"q": "Robotik\tSchweißen\r\nCNC"})
    assert response.status_code == 200


def test_the_api_refuses_control_characters_in_json_and_changes_nothing(client, firm_admin, token):
    employee = PersonFactory(firm=firm_admin.firm, first_name="Eva")

    response = client.patch(
        f"/api/v1/employees/{employee.pk}",
        json.dumps({"first_name": "Eva\u0000"}),
        content_type="application/json",
        **token,
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "control_characters" and MESSAGE_DE in body["message"]
    employee.refresh_from_db()
    assert employee.first_name == "Eva"

    keys = client.post(
        "/api/v1/employees",
        json.dumps({"first_name": "A", "last_name": "B", "\u0001": 1}),
        content_type="application/json",
        **token,
    )
    assert keys.status_code == 400
    assert Person.objects.count() == 2


def test_an_oversize_json_body_is_413_in_the_error_shape(client, firm_admin, token, settings):
    body = json.dumps(
        {"first_name": "A" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "last_name": "B"}
    )

    response = client.post(
        "/api/v1/employees",
        body,
        content_type="application/json",
        **token,
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["code"] == "too_large"
    assert "zu groß" in data["message"] and "2,5 MB" in data["message"]
    assert Person.objects.count() == 1


def test_an_oversize_form_is_413_with_a_page(client, firm_admin, settings):
    client.force_login(firm_admin.user)
    response = client.post(
        "/firma/personen/neu/",
        {
            "first_name": "A",
            "last_name": "B" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        },
    )
    assert response.status_code == 413
    assert "zu groß" in response.content.decode()
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/api/v1/offers", {"format": "praesenz"}, "format"),
        ("/api/v1/offers", {"date_from": "2027-02-31"}, "date_from"),
        ("/api/v1/offers", {"page": "99999999999999999999"}, "page"),
        ("/api/v1/offers", {"free_only": "vielleicht"}, "free_only"),
        ("/api/v1/enrolments", {"status": "storniert"}, "status"),
        ("/api/v1/enrolments", {"date": "99999999999999999999"}, "date"),
        ("/api/v1/enrolments", {"date": "-1"}, "date"),
        ("/api/v1/employees", {"firm": "99999999999999999999"}, "firm"),
        ("/api/v1/employees", {"page_size": "0"}, "page_size"),
    ],
)
def test_malformed_filter_values_on_list_endpoints_are_a_400_per_field(
    client, token, path, params, field
):
    response = client.get(path, params, **token)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/api/v1/offers", {"topic": "gibt-es-nicht"}, "topic"),
        ("/api/v1/offers", {"district": "mars"}, "district"),
        ("/api/v1/enrolments", {"date": "987654321"}, "date"),
        ("/api/v1/employees", {"firm": "987654321"}, "firm"),
    ],
)
def test_filter_values_naming_nothing_are_a_404_per_field(client, token, path, params, field):
    response = client.get(path, params, **token)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert response.json()["errors"][field][0]
