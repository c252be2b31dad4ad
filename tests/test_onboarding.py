"""Firm onboarding: the public application form and the office's decision."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from members.models import Firm, Invitation, MembershipApplication, Person
from members.services import onboarding
from tests.factories import DistrictFactory, FirmFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLY_URL = "/mitglied-werden/"
REVIEW_URL = "/admin/mitgliedsantraege/"


@pytest.fixture
def district():
    return DistrictFactory(name="Landkreis Reutlingen")


def form_data(district, **overrides):
    data = {
        "name": "Schäfer Zerspanung GmbH & Co. KG",
        "legal_form": Firm.LegalForm.GMBH_CO_KG,
        "sector": Firm.Sector.C,
        "employee_count": "37",
        "district": str(district.pk),
        "street": "Gewerbestraße 12",
        "postal_code": "72764",
        "city": "Reutlingen",
        "phone": "07121 12345",
        "website": "https://www.schaefer-zerspanung.example",
        "contact_first_name": "Jürgen",
        "contact_last_name": "Weiß",
        "contact_email": "J.Weiss@Schaefer-Zerspanung.example",
        "contact_phone": "07121 12346",
        "consent": "on",
        "fax": "",
    }
    data.update(overrides)
    return data


def apply(client, district, **overrides):
    return client.post(APPLY_URL, form_data(district, **overrides))


@pytest.fixture
def application(district, client):
    response = apply(client, district)
    assert response.status_code == 302
    return MembershipApplication.objects.get()


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(superuser=True, totp=True, email="buero@verbund.example"))
    return client


# --- Public form ------------------------------------------------------------------------------


def test_form_shows_fields_and_consent_text(client, district):
    response = client.get(APPLY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'for="id_postal_code"' in html
    assert "Landkreis Reutlingen" in html
    assert "C – Verarbeitendes Gewerbe" in html
    assert str(onboarding.CONSENT_TEXT) in html
    assert reverse("members:apply") == APPLY_URL


def test_application_creates_applied_firm_with_consent(client, district, mailoutbox):
    response = apply(client, district)

    assert response.status_code == 302
    assert response["Location"] == reverse("members:apply_done")
    firm = Firm.objects.get()
    assert firm.status == Firm.Status.APPLIED
    assert firm.name == "Schäfer Zerspanung GmbH & Co. KG"
    assert firm.district == district
    assert firm.employee_count == 37
    application = firm.application
    assert application.contact_email == "j.weiss@schaefer-zerspanung.example"
    assert application.consent_text == str(onboarding.CONSENT_TEXT)
    assert application.consent_given_at is not None
    assert firm.people.count() == 0
    assert ModelLogEntry.objects.filter(action="verbund.firm.applied").count() == 1
    assert [m.to for m in mailoutbox] == [["j.weiss@schaefer-zerspanung.example"]]
    assert "GmbH & Co. KG" in mailoutbox[0].subject
    assert "Thank you" not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"postal_code": "7276"}, "postal_code", "genau fünf Ziffern"),
        ({"postal_code": "72a64"}, "postal_code", "genau fünf Ziffern"),
        ({"consent": ""}, "consent", "Bitte stimmen Sie der Verarbeitung"),
        ({"fax": "+49 7121 999"}, "fax", "Bitte lassen Sie das Feld „Fax“ leer"),
        ({"employee_count": "0"}, "employee_count", "mindestens eine beschäftigte Person"),
        ({"sector": ""}, "sector", "Dieses Feld muss ausgefüllt werden."),
        ({"contact_email": "keine-adresse"}, "contact_email", "gültige E-Mail-Adresse"),
    ],
)
def test_invalid_application_rerenders_with_german_errors(
    client, district, mailoutbox, overrides, field, message
):
    response = apply(client, district, **overrides)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert message in html
    assert re.search(f'aria-describedby="[^"]*id_{field}_error"', html)
    # What the user typed is still there.
    assert "Gewerbestraße 12" in html
    assert 'value="Jürgen"' in html
    assert Firm.objects.count() == 0
    assert MembershipApplication.objects.count() == 0
    assert mailoutbox == []


def test_second_open_application_for_same_address_is_refused(client, district, application):
    response = apply(client, district, name="Noch eine Firma GmbH")
    assert response.status_code == 200
    assert "bereits ein Antrag vor" in response.content.decode()
    assert Firm.objects.count() == 1


# --- Staff review -----------------------------------------------------------------------------


def test_staff_sees_pending_applications_and_dashboard_count(staff_client, application):
    FirmFactory(name="Bereits Mitglied AG")

    listing = staff_client.get(REVIEW_URL)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Schäfer Zerspanung GmbH &amp; Co. KG" in html
    assert "Bereits Mitglied AG" not in html
    assert "Mitgliedsanträge" in html

    dashboard = staff_client.get("/admin/").content.decode()
    assert "1 offener Mitgliedsantrag" in dashboard
    assert REVIEW_URL in dashboard

    detail = staff_client.get(f"{REVIEW_URL}{application.pk}/")
    assert detail.status_code == 200
    assert "j.weiss@schaefer-zerspanung.example" in detail.content.decode()
    assert "Antrag bestätigen" in detail.content.decode()
    # The legal form is part of the name here, and shown once.
    assert firm_details(detail)["Firmenname"] == "Schäfer Zerspanung GmbH & Co. KG"


def test_approve_creates_admin_person_and_invitation(
    staff_client, application, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{REVIEW_URL}{application.pk}/", {"action": "approve"})

    assert response.status_code == 302
    firm = Firm.objects.get()
    assert firm.status == Firm.Status.ACTIVE
    person = Person.objects.get(firm=firm)
    assert person.role == Person.Role.ADMIN
    assert (person.first_name, person.last_name) == ("Jürgen", "Weiß")
    assert person.email == "j.weiss@schaefer-zerspanung.example"
    invitation = Invitation.objects.get(firm=firm)
    assert invitation.person == person
    assert invitation.role == Person.Role.ADMIN
    assert invitation.is_usable
    assert sorted(m.to[0] for m in mailoutbox) == [
        "j.weiss@schaefer-zerspanung.example",
        "j.weiss@schaefer-zerspanung.example",
    ]
    bodies = "\n".join(m.body for m in mailoutbox)
    assert "/einladung/" in bodies or "http" in bodies
    assert any("bestätigt" in m.body for m in mailoutbox)
    application.refresh_from_db()
    assert application.decided_by.email == "buero@verbund.example"
    assert ModelLogEntry.objects.filter(action="verbund.firm.approved").count() == 1

    # Deciding twice is refused and changes nothing.
    again = staff_client.post(f"{REVIEW_URL}{application.pk}/", {"action": "approve"}, follow=True)
    assert "bereits entschieden" in again.content.decode()
    assert Person.objects.count() == 1


def test_approve_reuses_a_person_already_recorded_for_the_contact(staff_client, application):
    firm = application.firm
    existing = Person.objects.create(
        firm=firm,
        first_name="Jürgen",
        last_name="Weiß",
        role=Person.Role.CONTACT,
        email="J.Weiss@schaefer-zerspanung.example",
    )

    response = staff_client.post(f"{REVIEW_URL}{application.pk}/", {"action": "approve"})

    assert response.status_code == 302
    assert list(Person.objects.filter(firm=firm)) == [existing]
    existing.refresh_from_db()
    assert existing.role == Person.Role.ADMIN
    assert Invitation.objects.get(firm=firm).person == existing


def test_decline_requires_reason_and_emails_it(staff_client, application, mailoutbox):
    mailoutbox.clear()
    url = f"{REVIEW_URL}{application.pk}/"

    response = staff_client.post(url, {"action": "decline", "reason": "   "})
    assert response.status_code == 200
    assert "Bitte geben Sie eine Begründung an." in response.content.decode()
    assert Firm.objects.get().status == Firm.Status.APPLIED
    assert mailoutbox == []

    reason = "Ihr Unternehmen liegt außerhalb unserer Region."
    response = staff_client.post(url, {"action": "decline", "reason": reason})
    assert response.status_code == 302
    firm = Firm.objects.get()
    assert firm.status == Firm.Status.DECLINED
    assert firm.application.decline_reason == reason
    assert Person.objects.count() == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["j.weiss@schaefer-zerspanung.example"]
    assert reason in mailoutbox[0].body
    assert "&amp;" not in mailoutbox[0].body + mailoutbox[0].subject


def test_decline_service_refuses_empty_reason(application):
    staff = UserFactory(staff=True)
    with pytest.raises(onboarding.OnboardingError, match="Begründung"):
        onboarding.decline_application(application, staff, "")
    assert Firm.objects.get().status == Firm.Status.APPLIED


def test_non_staff_cannot_reach_review_views(client, application, mailoutbox):
    mailoutbox.clear()
    member = PersonFactory(admin=True).user
    # Even with access to the admin, only the coordination office reviews applications.
    member.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for user in (None, member):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(REVIEW_URL).status_code == 302
        assert client.get(f"{REVIEW_URL}{application.pk}/").status_code == 302
        response = client.post(f"{REVIEW_URL}{application.pk}/", {"action": "approve"})
        assert response.status_code == 302
        dashboard = client.get("/admin/", follow=True).content.decode()
        assert "offener Mitgliedsantrag" not in dashboard
    assert Firm.objects.get(pk=application.firm_id).status == Firm.Status.APPLIED
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_a_legal_form_missing_from_the_name_is_shown_beside_it(staff_client, district):
    apply(staff_client, district, name="Schäfer Zerspanung", legal_form=Firm.LegalForm.GMBH)
    application = MembershipApplication.objects.get()

    detail = staff_client.get(f"{REVIEW_URL}{application.pk}/")

    assert firm_details(detail)["Firmenname"] == "Schäfer Zerspanung (GmbH)"


def firm_details(response):
    """The review page's facts about the firm, by label."""
    from bs4 import BeautifulSoup

    facts = BeautifulSoup(response.content, "html.parser").select_one("main dl")
    return {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in facts.select("dt")
    }
