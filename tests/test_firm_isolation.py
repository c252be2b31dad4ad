"""A firm never reaches another firm's data: every URL with an id, the API, the query sets."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import get_resolver, reverse
from django.urls.converters import IntConverter
from wagtail.models import APIToken

from members.api import router as members_router
from members.models import Invitation, Person, SavedSearch, User
from members.services.invitations import create_invitation
from workshops.models import Enrolment

from .factories import EnrolmentFactory, FirmFactory, PersonFactory, UserFactory
from .urlwalk import walk


def build_firm(name):
    firm = FirmFactory(name=name)
    admin = PersonFactory(firm=firm, role=Person.Role.ADMIN, with_account=True)
    contact = PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True)
    employee = PersonFactory(firm=firm, role=Person.Role.EMPLOYEE, with_account=True)
    offline = PersonFactory(firm=firm, role=Person.Role.EMPLOYEE)
    enrolments = [EnrolmentFactory(person=employee), EnrolmentFactory(person=offline)]
    invitation, _token = create_invitation(
        firm=firm,
        email=f"neu@{firm.pk}.example",
        role=Person.Role.CONTACT,
        invited_by=admin.user,
    )
    token, _plaintext = APIToken.create_token(user=admin.user, name="Personalsystem")
    saved_search = SavedSearch.objects.create(
        user=admin.user, name="Robotik", query="topic=robotik"
    )
    return {
        "firm": firm,
        "admin": admin,
        "contact": contact,
        "employee": employee,
        "offline": offline,
        "enrolments": enrolments,
        "invitation": invitation,
        "token": token,
        "saved_search": saved_search,
    }


@pytest.fixture
def firms(db):
    return build_firm("Firma A GmbH"), build_firm("Firma B GmbH")


# URL name in members.urls -> (methods, URL kwargs built from firm B, the object they point to)
FIRM_SCOPED = {
    "dashboard_firm": (("get",), lambda b: {"firm_id": b["firm"].pk}, lambda b: b["firm"]),
    "person_edit": (
        ("get", "post"),
        lambda b: {"person_id": b["employee"].pk},
        lambda b: b["employee"],
    ),
    "person_left": (
        ("get", "post"),
        lambda b: {"person_id": b["employee"].pk},
        lambda b: b["employee"],
    ),
    "invite_person": (("post",), lambda b: {"pk": b["offline"].pk}, lambda b: b["offline"]),
    "revoke_invitation": (
        ("post",),
        lambda b: {"pk": b["invitation"].pk},
        lambda b: b["invitation"],
    ),
    "api_token_revoke": (
        ("get", "post"),
        lambda b: {"token_id": b["token"].pk},
        lambda b: b["token"],
    ),
    "saved_search_delete": (
        ("get", "post"),
        lambda b: {"search_id": b["saved_search"].pk},
        lambda b: b["saved_search"],
    ),
}

# Paths of the API with an id, and the methods they answer
API_SCOPED = {"/employees/{person_id}": ("get", "patch")}

POST_DATA = {
    "first_name": "Eindringling",
    "last_name": "Versuch",
    "email": "eindringling@firma-a.example",
    "department": "Fremd",
    "left_on": "2026-01-31",
    "action": "confirm",
}


def id_patterns():
    """Names of the members URL patterns that take a number."""
    return {
        pattern.name
        for pattern, _route in walk(get_resolver("members.urls").url_patterns)
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    }


def state(obj):
    obj.refresh_from_db()
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_every_url_with_an_id_is_in_the_table():
    """A new view taking an id must be added to FIRM_SCOPED (and so be tested)."""
    assert id_patterns() == set(FIRM_SCOPED)


def test_every_api_path_with_an_id_is_in_the_table():
    paths = {path for path in members_router.path_operations if "{" in path}
    assert paths == set(API_SCOPED)
    for path, methods in API_SCOPED.items():
        answered = {
            method.lower()
            for operation in members_router.path_operations[path].operations
            for method in operation.methods
        }
        assert answered == set(methods), path


def cases():
    return [
        pytest.param(name, method, id=f"{name}-{method}")
        for name, (methods, _kwargs, _target) in FIRM_SCOPED.items()
        for method in methods
    ]


@pytest.mark.parametrize("name, method", cases())
@pytest.mark.django_db
def test_firm_a_admin_gets_404_for_firm_b_objects(client, firms, name, method):
    a, b = firms
    _methods, kwargs, target = FIRM_SCOPED[name]
    url = reverse(f"members:{name}", kwargs=kwargs(b))
    before = state(target(b))
    client.force_login(a["admin"].user)

    response = getattr(client, method)(url, POST_DATA if method == "post" else None)

    assert response.status_code == 404, (url, response.status_code)
    assert state(target(b)) == before
    assert b["firm"].name not in response.content.decode()


@pytest.mark.parametrize("name, method", cases())
@pytest.mark.django_db
def test_firm_a_admin_reaches_own_objects(client, firms, name, method):
    """The same URLs answer for the firm's own objects, so the 404 above means something."""
    a, _b = firms
    _methods, kwargs, target = FIRM_SCOPED[name]
    url = reverse(f"members:{name}", kwargs=kwargs(a))
    client.force_login(a["admin"].user)

    response = client.get(url) if method == "get" else client.post(url, {})

    assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize("method, body", [("get", None), ("patch", {"department": "Fremd"})])
@pytest.mark.parametrize("who", ["admin", "contact"])
@pytest.mark.django_db
def test_api_answers_404_json_for_other_firms_people(client, firms, method, body, who):
    a, b = firms
    _token, plaintext = APIToken.create_token(user=a[who].user, name="Test")
    headers = {"Authorization": f"Bearer {plaintext}"}
    before = state(b["employee"])

    response = getattr(client, method)(
        f"/api/v1/employees/{b['employee'].pk}",
        body,
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]
    assert state(b["employee"]) == before

    own = client.get(f"/api/v1/employees/{a['employee'].pk}", headers=headers)
    assert own.status_code == 200
    assert own.json()["id"] == a["employee"].pk


@pytest.mark.django_db
def test_api_list_shows_only_the_own_firm(client, firms):
    a, b = firms
    _token, plaintext = APIToken.create_token(user=a["admin"].user, name="Test")

    response = client.get(
        "/api/v1/employees?page_size=100", headers={"Authorization": f"Bearer {plaintext}"}
    )

    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert ids == set(Person.objects.filter(firm=a["firm"]).values_list("pk", flat=True))


# --- FirmScopedQuerySet ------------------------------------------------------------------


def people(*items):
    return {item.pk for item in items}


@pytest.mark.django_db
def test_for_user_and_managed_by_per_role(firms):
    a, b = firms
    everyone_a = people(a["admin"], a["contact"], a["employee"], a["offline"])
    everyone_b = people(b["admin"], b["contact"], b["employee"], b["offline"])
    staff = UserFactory(is_staff=True)

    def scope(queryset, user):
        return set(queryset.for_user(user).values_list("pk", flat=True)), set(
            queryset.managed_by(user).values_list("pk", flat=True)
        )

    # Staff see and manage everything.
    assert scope(Person.objects, staff) == (everyone_a | everyone_b, everyone_a | everyone_b)
    all_enrolments = {e.pk for e in a["enrolments"] + b["enrolments"]}
    assert scope(Enrolment.objects, staff) == (all_enrolments, all_enrolments)

    # Admins and contacts: their own firm only.
    for who in ("admin", "contact"):
        user = a[who].user
        assert scope(Person.objects, user) == (everyone_a, everyone_a), who
        own_enrolments = {e.pk for e in a["enrolments"]}
        assert scope(Enrolment.objects, user) == (own_enrolments, own_enrolments), who
        invitations = {a["invitation"].pk}
        assert scope(Invitation.objects, user) == (invitations, invitations), who

    # Employees: only what is about them; they manage nothing.
    user = a["employee"].user
    assert scope(Person.objects, user) == (people(a["employee"]), set())
    assert scope(Enrolment.objects, user) == ({a["enrolments"][0].pk}, set())
    assert scope(Invitation.objects, user) == (set(), set())

    # Nobody signed in: nothing.
    anonymous = AnonymousUser()
    for queryset in (Person.objects, Enrolment.objects, Invitation.objects):
        assert scope(queryset, anonymous) == (set(), set())


@pytest.mark.django_db
def test_admin_who_left_or_of_a_non_member_firm_manages_nothing(firms):
    a, b = firms
    a["admin"].left_on = a["admin"].created_at.date()
    a["admin"].save()
    b["firm"].status = b["firm"].Status.APPLIED
    b["firm"].save()

    for user in (User.objects.get(pk=a["admin"].user_id), User.objects.get(pk=b["admin"].user_id)):
        assert not Person.objects.managed_by(user).exists()
        assert set(Person.objects.for_user(user)) == set(user.people.all())
