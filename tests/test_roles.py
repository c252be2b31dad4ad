"""Every "nein" of docs/roles.md for a feature that exists: the role is refused."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import APIToken

from members.models import Invitation, Person

from .factories import FirmFactory, PersonFactory, UserFactory

LOGIN_PATHS = ("/konto/login/", "/admin/login/")

# Roles as docs/roles.md names them; "public" is nobody signed in.
STAFF = "Koordinierungsstelle"
ADMIN = "Firmenadministration"
CONTACT = "Ansprechperson"
EMPLOYEE = "Beschäftigte/r"
TRAINER = "Trainer/in"
ADVISOR = "Lotse/Lotsin"
PUBLIC = "Öffentlichkeit"

CSV_FILE = object()  # replaced by a fresh upload of a one-person CSV file

# (capability, method, path, POST data, roles that are refused)
REFUSED = [
    ("Firmenübersicht", "get", "/firma/", None, [EMPLOYEE, TRAINER, ADVISOR, PUBLIC]),
    ("Personen ansehen", "get", "/firma/personen/", None, [EMPLOYEE, TRAINER, ADVISOR, PUBLIC]),
    ("Person anlegen", "get", "/firma/personen/neu/", None, [EMPLOYEE, TRAINER, ADVISOR, PUBLIC]),
    (
        "Person anlegen",
        "post",
        "/firma/personen/neu/",
        {"first_name": "Erika", "last_name": "Neumann", "email": "e.neumann@firma.example"},
        [EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "CSV-Import",
        "get",
        "/firma/personen/import/",
        None,
        [STAFF, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "CSV-Import",
        "post",
        "/firma/personen/import/",
        {"action": "upload", "file": CSV_FILE},
        [STAFF, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    ("Einladen", "get", "/firma/einladungen/", None, [CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC]),
    (
        "Einladen",
        "post",
        "/firma/einladungen/",
        {"email": "e.neumann@firma.example", "role": "employee"},
        [CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "API-Tokens",
        "get",
        "/konto/api-tokens/",
        None,
        [CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "API-Tokens",
        "post",
        "/konto/api-tokens/",
        {"name": "Personalsystem"},
        [CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "Verwaltungsbereich",
        "get",
        "/admin/",
        None,
        [ADMIN, CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "Mitglieder im Verwaltungsbereich",
        "get",
        "/admin/personen/",
        None,
        [ADMIN, CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "Person anonymisieren",
        "get",
        "/admin/personen/anonymisieren/{employee}/",
        None,
        [ADMIN, CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "Person anonymisieren",
        "post",
        "/admin/personen/anonymisieren/{employee}/",
        {"full_name": "{employee_name}"},
        [ADMIN, CONTACT, EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    ("Eigene Daten", "get", "/konto/daten/", None, [PUBLIC]),
    ("Eigene Daten", "get", "/konto/daten/export.json", None, [PUBLIC]),
]

# (capability, method, path, JSON body, roles that are refused)
API_REFUSED = [
    (
        "API: Beschäftigte lesen",
        "get",
        "/api/v1/employees",
        None,
        [EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "API: Beschäftigte anlegen",
        "post",
        "/api/v1/employees",
        {"first_name": "Erika", "last_name": "Neumann", "email": "e.neumann@firma.example"},
        [EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "API: eine Person",
        "get",
        "/api/v1/employees/{employee}",
        None,
        [EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
    (
        "API: Person ändern",
        "patch",
        "/api/v1/employees/{employee}",
        {"department": "Lager"},
        [EMPLOYEE, TRAINER, ADVISOR, PUBLIC],
    ),
]


def cases(table):
    return [
        pytest.param(role, method, path, data, id=f"{capability}-{method}-{role}")
        for capability, method, path, data, roles in table
        for role in roles
    ]


@pytest.fixture
def network(db):
    """One member firm with a person in every firm role, plus staff, trainer and advisor."""
    firm = FirmFactory()
    people = {
        ADMIN: PersonFactory(firm=firm, role=Person.Role.ADMIN, with_account=True),
        CONTACT: PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True),
        EMPLOYEE: PersonFactory(firm=firm, role=Person.Role.EMPLOYEE, with_account=True),
    }
    users = {role: person.user for role, person in people.items()}
    staff = UserFactory(is_staff=True, totp=True)
    staff.groups.add(Group.objects.get_or_create(name="Koordinierungsstelle")[0])
    users[STAFF] = staff
    trainer = UserFactory()
    trainer.groups.add(Group.objects.get_or_create(name="Trainer")[0])
    users[TRAINER] = trainer
    advisor = UserFactory()
    advisor.groups.add(Group.objects.get_or_create(name="Lotsen")[0])
    users[ADVISOR] = advisor
    users[PUBLIC] = None
    return {"firm": firm, "people": people, "users": users}


def fill(value, network):
    employee = network["people"][EMPLOYEE]
    if value is CSV_FILE:
        return SimpleUploadedFile(
            "personen.csv",
            b"Vorname;Nachname;E-Mail\nErika;Neumann;e.neumann@firma.example\n",
            content_type="text/csv",
        )
    if isinstance(value, str):
        return value.format(employee=employee.pk, employee_name=employee.full_name)
    if isinstance(value, dict):
        return {key: fill(item, network) for key, item in value.items()}
    return value


def snapshot():
    return (
        list(Person.objects.order_by("pk").values()),
        list(Invitation.objects.order_by("pk").values()),
        list(APIToken.objects.order_by("pk").values("pk", "user", "name", "revoked_at")),
    )


def is_refused(response):
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code == 302:
        return response["Location"].startswith(LOGIN_PATHS)
    return False


@pytest.mark.parametrize("role, method, path, data", cases(REFUSED))
@pytest.mark.django_db
def test_role_is_refused(client, network, role, method, path, data):
    user = network["users"][role]
    if user is not None:
        client.force_login(user)
    before = snapshot()

    response = getattr(client, method)(fill(path, network), fill(data, network) or {})

    assert is_refused(response), (response.status_code, response.get("Location"))
    if role == PUBLIC:
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_PATHS)
    assert snapshot() == before


@pytest.mark.parametrize("role, method, path, data", cases(API_REFUSED))
@pytest.mark.django_db
def test_api_role_is_refused(client, network, role, method, path, data):
    user = network["users"][role]
    headers = {}
    if user is not None:
        _token, plaintext = APIToken.create_token(user=user, name="Test")
        headers["Authorization"] = f"Bearer {plaintext}"
    before = snapshot()

    response = getattr(client, method)(
        fill(path, network),
        fill(data, network),
        content_type="application/json",
        headers=headers,
    )

    expected = 401 if role == PUBLIC else 403
    assert response.status_code == expected, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]
    assert snapshot() == before


@pytest.mark.django_db
def test_former_admin_loses_the_firm_pages(client, network):
    """Firm rights follow the data: an admin marked as left is refused like an outsider."""
    admin = network["people"][ADMIN]
    client.force_login(admin.user)
    assert client.get("/firma/personen/").status_code == 200

    admin.left_on = admin.created_at.date()
    admin.save()
    client.force_login(admin.user)

    assert client.get("/firma/personen/").status_code == 403
    assert client.get("/konto/daten/").status_code == 200


@pytest.mark.django_db
def test_office_changes_a_role_in_the_admin_and_the_rights_follow(client, network):
    """Roles are data: staff make the employee a contact in the People admin."""
    employee = network["people"][EMPLOYEE]
    client.force_login(employee.user)
    assert client.get("/firma/personen/").status_code == 403

    staff_client = client_class_for(client)
    staff_client.force_login(UserFactory(superuser=True, totp=True))
    edit_url = f"/admin/personen/edit/{employee.pk}/"
    form = staff_client.get(edit_url)
    assert form.status_code == 200
    response = staff_client.post(
        edit_url,
        {
            "firm": employee.firm_id,
            "role": Person.Role.CONTACT,
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "email": employee.email,
            "department": "",
            "personnel_number": "",
            "user": employee.user_id,
            "left_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    employee.refresh_from_db()
    assert employee.role == Person.Role.CONTACT

    client.force_login(employee.user)
    assert client.get("/firma/personen/").status_code == 200


def client_class_for(client):
    return client.__class__()
