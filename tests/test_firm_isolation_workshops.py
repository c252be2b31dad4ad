"""Firm isolation for enrolments: the enrolment pages, certificates and the workshop API."""

import pytest
from django.urls import reverse
from django.urls.converters import IntConverter
from wagtail.models import APIToken

from workshops import urls as workshops_urls
from workshops.api import router as workshops_router
from workshops.models import Attendance, Enrolment

from .factories import EnrolmentFactory, FirmFactory, PersonFactory, WorkshopDateFactory
from .urlwalk import walk

# URL name -> (namespace, methods); every such URL acts on one enrolment of a firm.
ENROLMENT_SCOPED = {
    "cancel": ("enrolment", ("get", "post")),
    "accept": ("enrolment", ("post",)),
    "decline": ("enrolment", ("post",)),
    "certificate": ("documents", ("get",)),
    "enrolment": ("calendar", ("get",)),
}
# URLs with an id that are not firm data: a public date, or staff-only documents.
NOT_FIRM_SCOPED = {
    ("enrolment", "enrol"),
    ("enrolment", "self"),
    ("enrolment", "result"),
    ("documents", "participants_csv"),
    ("documents", "participants_xlsx"),
    ("documents", "sign_in_sheet"),
    # Calendar files: public dates, series and topics, and feeds whose secret token is
    # the only key (one person's or one firm's, never chosen by a firm's id).
    ("calendar", "date"),
    ("calendar", "series"),
    ("calendar", "topic"),
    ("calendar", "person"),
    ("calendar", "firm"),
}
API_SCOPED = {
    "/enrolments/{enrolment_id}/cancel",
    "/enrolments/{enrolment_id}/accept",
    "/enrolments/{enrolment_id}/decline",
}
API_PUBLIC = {"/offers/{offer_id}"}


def id_patterns(patterns):
    urlpatterns, namespace = patterns
    return {
        (namespace, pattern.name)
        for pattern, _route in walk(urlpatterns)
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    }


def parameter_patterns(patterns):
    """Every pattern that takes any parameter (an id, a slug or a token)."""
    urlpatterns, namespace = patterns
    return {
        (namespace, pattern.name)
        for pattern, _route in walk(urlpatterns)
        if pattern.pattern.converters
    }


def test_every_enrolment_url_with_an_id_is_classified():
    found = (
        id_patterns(workshops_urls.enrolment_patterns)
        | id_patterns(workshops_urls.documents_patterns)
        | parameter_patterns(workshops_urls.calendar_patterns)
    )
    scoped = {(namespace, name) for name, (namespace, _m) in ENROLMENT_SCOPED.items()}
    assert found == scoped | NOT_FIRM_SCOPED


def test_every_workshop_api_path_with_an_id_is_classified():
    paths = {path for path in workshops_router.path_operations if "{" in path}
    assert paths == API_SCOPED | API_PUBLIC


@pytest.fixture
def other_firms_enrolment(db):
    """Firm B's employee, confirmed on a date that has started, attended its first part."""
    date = WorkshopDateFactory(capacity=5)
    enrolment = EnrolmentFactory(date=date, person__firm=FirmFactory(name="Firma B GmbH"))
    Attendance.objects.create(
        enrolment=enrolment, part=date.parts.first(), status=Attendance.Status.ATTENDED
    )
    return enrolment


def url_for(name, enrolment):
    namespace, _methods = ENROLMENT_SCOPED[name]
    kwarg = "enrolment_id" if name in ("certificate", "enrolment") else "pk"
    return reverse(f"{namespace}:{name}", kwargs={kwarg: enrolment.pk})


@pytest.mark.parametrize(
    "name, method",
    [(name, method) for name, (_ns, methods) in ENROLMENT_SCOPED.items() for method in methods],
)
@pytest.mark.django_db
def test_firm_a_admin_gets_404_for_firm_b_enrolments(client, other_firms_enrolment, name, method):
    firm_a_admin = PersonFactory(admin=True, firm=FirmFactory(name="Firma A GmbH"))
    client.force_login(firm_a_admin.user)
    before = Enrolment.objects.get(pk=other_firms_enrolment.pk).status

    response = getattr(client, method)(url_for(name, other_firms_enrolment))

    assert response.status_code == 404
    assert Enrolment.objects.get(pk=other_firms_enrolment.pk).status == before


@pytest.mark.parametrize("path", sorted(API_SCOPED))
@pytest.mark.django_db
def test_api_answers_404_json_for_other_firms_enrolments(client, other_firms_enrolment, path):
    firm_a_admin = PersonFactory(admin=True, firm=FirmFactory(name="Firma A GmbH"))
    _token, plaintext = APIToken.create_token(user=firm_a_admin.user, name="Test")

    response = client.post(
        "/api/v1" + path.format(enrolment_id=other_firms_enrolment.pk),
        headers={"Authorization": f"Bearer {plaintext}"},
    )

    assert response.status_code == 404
    assert response.json()["message"]
    assert Enrolment.objects.get(pk=other_firms_enrolment.pk).status == "confirmed"


@pytest.mark.django_db
def test_firm_b_admin_reaches_the_same_certificate(client, other_firms_enrolment):
    """The 404s above come from the firm scope, not from a missing certificate."""
    firm_b_admin = PersonFactory(admin=True, firm=other_firms_enrolment.person.firm)
    client.force_login(firm_b_admin.user)

    assert client.get(url_for("certificate", other_firms_enrolment)).status_code == 200


@pytest.mark.django_db
def test_firm_b_admin_downloads_the_same_enrolment_file(client, other_firms_enrolment):
    firm_b_admin = PersonFactory(admin=True, firm=other_firms_enrolment.person.firm)
    client.force_login(firm_b_admin.user)

    response = client.get(url_for("enrolment", other_firms_enrolment))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
