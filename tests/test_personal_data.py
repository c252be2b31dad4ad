"""Data protection: a person downloads their own data; the office anonymises a person."""

import json
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client
from wagtail.models import APIToken, ModelLogEntry

from members.models import Person, User
from members.services.invitations import create_invitation
from members.services.personal_data import ErasureError, erase_person, export_person_data
from tasks.models import MessageKind
from verbund import audit
from workshops.models import Enrolment
from workshops.services.notifications import Kind

from .factories import (
    DEFAULT_PASSWORD,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
)


@pytest.fixture
def firm(db):
    return FirmFactory(name="Kessler Feinmechanik GmbH")


@pytest.fixture
def admin(firm):
    return PersonFactory(
        firm=firm,
        role=Person.Role.ADMIN,
        with_account=True,
        first_name="Claudia",
        last_name="Hartmann",
        email="personal@kessler.example",
    )


@pytest.fixture
def markus(firm, admin):
    """An employee with a login, two enrolments, an API token and audit entries."""
    person = PersonFactory(
        firm=firm,
        with_account=True,
        first_name="Markus",
        last_name="Weber",
        email="m.weber@kessler.example",
        department="Fertigung (CNC-Fräsen)",
        personnel_number="P-4711",
    )
    series = WorkshopSeriesPageFactory(title="Einstieg in die Robotik")
    start = berlin(date.today() + timedelta(days=30), 9)
    EnrolmentFactory(
        person=person, date=WorkshopDateFactory(series=series, starts_at=start, parts=2)
    )
    EnrolmentFactory(person=person, status=Enrolment.Status.WAITLISTED)
    APIToken.create_token(user=person.user, name="Mein Kalender")
    audit.record(person, "verbund.person.changed", user=admin.user, department="Fertigung")
    return person


@pytest.fixture
def colleague(firm):
    person = PersonFactory(
        firm=firm,
        with_account=True,
        first_name="Jana",
        last_name="Schulte",
        email="j.schulte@kessler.example",
        personnel_number="P-0815",
    )
    EnrolmentFactory(person=person)
    return person


@pytest.fixture
def staff(db):
    return UserFactory(superuser=True, totp=True, email="buero@verbund.example")


def erase_url(person):
    return f"/admin/personen/anonymisieren/{person.pk}/"


# --- Export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_is_a_json_download_with_the_own_data(client, markus, colleague):
    client.force_login(markus.user)

    response = client.get("/konto/daten/export.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "m.weber@kessler.example"
    assert data["person"]["firm"] == "Kessler Feinmechanik GmbH"
    assert data["person"]["department"] == "Fertigung (CNC-Fräsen)"
    assert data["person"]["personnel_number"] == "P-4711"
    assert len(data["enrolments"]) == 2
    robotik = next(e for e in data["enrolments"] if e["series"] == "Einstieg in die Robotik")
    assert len(robotik["parts"]) == 2
    assert robotik["parts"][0]["starts_at"].startswith(
        (date.today() + timedelta(days=30)).isoformat()
    )
    assert [token["name"] for token in data["api_tokens"]] == ["Mein Kalender"]
    assert "verbund.person.changed" in [entry["action"] for entry in data["audit_log"]]

    text = response.content.decode()
    token = APIToken.objects.get(user=markus.user)
    assert token.key_hash not in text
    for other in ("Schulte", "j.schulte@kessler.example", "P-0815", "Hartmann"):
        assert other not in text


@pytest.mark.django_db
def test_export_lists_invitations_to_the_own_address(admin, firm):
    invitation, _token = create_invitation(
        firm=firm, email="neu@kessler.example", role=Person.Role.CONTACT, invited_by=admin.user
    )
    user = UserFactory(email="neu@kessler.example")

    data = export_person_data(user)

    assert data["person"] is None
    assert [item["email"] for item in data["invitations"]] == [invitation.email]
    assert data["invitations"][0]["firm"] == "Kessler Feinmechanik GmbH"


@pytest.mark.django_db
def test_export_of_an_account_in_two_firms_holds_both_records_and_their_enrolments():
    carola = UserFactory(email="c.brandt@brandt.example")
    antriebe = PersonFactory(
        firm=FirmFactory(name="Brandt Antriebe GmbH"), role=Person.Role.ADMIN, user=carola
    )
    service = PersonFactory(
        firm=FirmFactory(name="Brandt Service GmbH"), role=Person.Role.CONTACT, user=carola
    )
    for person in (antriebe, service):
        EnrolmentFactory(person=person, status=Enrolment.Status.CONFIRMED)

    data = export_person_data(carola)

    assert [record["firm"] for record in data["people"]] == [
        "Brandt Antriebe GmbH",
        "Brandt Service GmbH",
    ]
    assert data["person"]["firm"] == "Brandt Antriebe GmbH"
    assert len(data["enrolments"]) == 2


@pytest.mark.django_db
def test_page_explains_the_export_and_json_also_via_format(client, markus):
    client.force_login(markus.user)

    page = client.get("/konto/daten/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert 'href="/konto/daten/export.json"' in html

    response = client.get("/konto/daten/?format=json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["email"] == markus.user.email


@pytest.mark.django_db
def test_export_is_logged(client, markus):
    client.force_login(markus.user)

    client.get("/konto/daten/export.json")

    entry = ModelLogEntry.objects.get(action="verbund.person.exported")
    assert entry.object_id == str(markus.pk)
    assert entry.user == markus.user


@pytest.mark.django_db
def test_export_needs_a_login(client):
    response = client.get("/konto/daten/export.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert not ModelLogEntry.objects.filter(action="verbund.person.exported").exists()


# --- Erasure ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_erase_anonymises_every_personal_field_and_keeps_the_enrolments(markus, staff):
    user = markus.user
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={})
    enrolments = Enrolment.objects.filter(person=markus).count()

    erase_person(markus, staff)

    markus.refresh_from_db()
    assert (markus.first_name, markus.last_name) == ("Gelöschte", "Person")
    assert markus.email == markus.department == markus.personnel_number == ""
    assert markus.erased_at is not None
    assert Enrolment.objects.filter(person=markus).count() == enrolments == 2

    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.first_name == user.last_name == ""
    assert user.email.endswith("@invalid.example")
    assert "weber" not in user.email
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not APIToken.objects.filter(user=user, revoked_at__isnull=True).exists()

    entries = ModelLogEntry.objects.filter(object_id=str(markus.pk))
    assert "Weber" not in " ".join(entries.values_list("label", flat=True))
    erased = entries.get(action="verbund.person.erased")
    assert erased.user == staff
    assert erased.data["enrolments_kept"] == 2


@pytest.mark.django_db
def test_erase_ends_the_login_and_open_sessions(markus, colleague, staff):
    own, other = Client(), Client()
    assert own.login(email="m.weber@kessler.example", password=DEFAULT_PASSWORD)
    other.force_login(colleague.user)
    assert own.get("/konto/daten/").status_code == 200

    erase_person(markus, staff)

    assert own.get("/konto/daten/").status_code == 302
    assert authenticate(email="m.weber@kessler.example", password=DEFAULT_PASSWORD) is None
    assert other.get("/konto/daten/").status_code == 200
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_erase_withdraws_pending_invitations(admin, firm, staff):
    person = PersonFactory(firm=firm, email="p.haas@kessler.example", last_name="Haas")
    invitation, _token = create_invitation(
        firm=firm,
        email=person.email,
        role=Person.Role.EMPLOYEE,
        invited_by=admin.user,
        person=person,
    )

    erase_person(person, staff)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "haas" not in invitation.email
    labels = ModelLogEntry.objects.filter(object_id=str(invitation.pk)).values_list(
        "label", flat=True
    )
    assert not any("haas" in label for label in labels)


@pytest.mark.django_db
def test_erasing_twice_changes_nothing(markus, staff):
    erase_person(markus, staff)
    before = Person.objects.filter(pk=markus.pk).values().get()
    entries = ModelLogEntry.objects.count()

    with pytest.raises(ErasureError, match="bereits"):
        erase_person(markus, staff)

    assert Person.objects.filter(pk=markus.pk).values().get() == before
    assert ModelLogEntry.objects.count() == entries


# --- The admin view ------------------------------------------------------------------------


@pytest.mark.django_db
def test_confirmation_page_says_what_is_erased_and_kept(client, markus, staff):
    client.force_login(staff)

    response = client.get(erase_url(markus))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Markus Weber" in html
    assert "2 Workshop-Anmeldungen" in html
    assert 'name="full_name"' in html


@pytest.mark.django_db
def test_post_without_confirmation_changes_nothing(client, markus, staff):
    client.force_login(staff)
    before = Person.objects.filter(pk=markus.pk).values().get()

    for data in ({}, {"full_name": "Jana Schulte"}):
        response = client.post(erase_url(markus), data)
        assert response.status_code == 200
        assert "aria-invalid" in response.content.decode() or "error" in response.content.decode()

    assert Person.objects.filter(pk=markus.pk).values().get() == before
    assert User.objects.get(pk=markus.user_id).is_active
    assert not ModelLogEntry.objects.filter(action="verbund.person.erased").exists()


@pytest.mark.django_db
def test_typed_name_confirms_the_erasure(client, markus, staff):
    client.force_login(staff)

    response = client.post(erase_url(markus), {"full_name": " markus  weber "})

    assert response.status_code == 302
    assert response["Location"] == f"/admin/personen/edit/{markus.pk}/"
    markus.refresh_from_db()
    assert markus.erased_at is not None
    page = client.get(response["Location"])
    assert "anonymisiert" in page.content.decode()


@pytest.mark.django_db
def test_edit_view_and_listing_offer_the_erasure(client, markus, staff):
    client.force_login(staff)

    assert erase_url(markus) in client.get(f"/admin/personen/edit/{markus.pk}/").content.decode()
    assert erase_url(markus) in client.get("/admin/personen/").content.decode()


@pytest.mark.django_db
def test_already_erased_person_shows_a_message_and_no_form(client, markus, staff):
    erase_person(markus, staff)
    client.force_login(staff)

    html = client.get(erase_url(markus)).content.decode()

    assert "bereits" in html
    assert 'name="full_name"' not in html


@pytest.mark.django_db
def test_non_staff_cannot_reach_the_erasure_view(client, markus, admin):
    client.force_login(admin.user)

    for response in (
        client.get(erase_url(markus)),
        client.post(erase_url(markus), {"full_name": "Markus Weber"}),
    ):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(("/konto/login/", "/admin/login/"))

    markus.refresh_from_db()
    assert markus.erased_at is None


@pytest.mark.django_db
def test_staff_without_person_rights_cannot_erase(client, markus):
    """Access to the admin alone is not enough: the account needs the right to change people."""
    user = UserFactory(is_staff=True, totp=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    for response in (
        client.get(erase_url(markus)),
        client.post(erase_url(markus), {"full_name": "Markus Weber"}),
    ):
        # Wagtail answers a refused admin view with a redirect to the admin dashboard.
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    assert Person.objects.get(pk=markus.pk).erased_at is None


@pytest.mark.django_db
def test_erase_stops_pending_emails_and_strips_addresses_from_the_outbox(markus, staff):
    from django.core.mail import EmailMessage, get_connection

    from members.models import SavedSearch
    from tasks.mail import QueuedEmailBackend
    from tasks.models import Notification
    from tasks.services.outbox import deliver, notify

    enrolment = Enrolment.objects.get(person=markus, status=Enrolment.Status.WAITLISTED)
    sent = notify(Kind.WAITLISTED, person=markus, about=enrolment, version="a")
    deliver(sent.pk, get_connection("django.core.mail.backends.locmem.EmailBackend"))
    pending = notify(
        Kind.REMINDER,
        person=markus,
        about=enrolment,
        version="b",
        due_at=enrolment.created_at + timedelta(days=3650),
    )
    QueuedEmailBackend().send_messages(
        [EmailMessage("Passwort", "Hallo Markus", to=["m.weber@kessler.example"])]
    )
    SavedSearch.objects.create(user=markus.user, name="Robotik", query="topic=robotik")
    sent.refresh_from_db()
    assert sent.to_email == "m.weber@kessler.example"
    exported = export_person_data(markus.user)
    assert [email["sent_to"] for email in exported["emails"]][:1] == ["m.weber@kessler.example"]
    assert exported["saved_searches"][0]["name"] == "Robotik"

    erase_person(markus, staff)

    sent.refresh_from_db()
    pending.refresh_from_db()
    assert sent.state == Notification.State.SENT and sent.to_email == ""
    assert pending.state == Notification.State.CANCELLED
    assert not Notification.objects.filter(to_email__iexact="m.weber@kessler.example").exists()
    assert not Notification.objects.filter(context__icontains="Markus").exists()
    assert not SavedSearch.objects.filter(user=markus.user).exists()


@pytest.mark.django_db
def test_erase_removes_account_emails_where_the_person_was_one_of_several_recipients(markus, staff):
    from django.core.mail import EmailMessage

    from tasks.mail import QueuedEmailBackend
    from tasks.models import Notification

    QueuedEmailBackend().send_messages(
        [
            EmailMessage(
                "Neue Anfrage", "…", to=["lotse@verbund.example", "M.Weber@kessler.example"]
            ),
            EmailMessage(
                "Andere", "…", to=["lotse@verbund.example"], cc=["om.weber@kessler.example"]
            ),
        ]
    )

    erase_person(markus, staff)

    remaining = Notification.objects.filter(kind=MessageKind.MESSAGE)
    assert [row.context["message"]["subject"] for row in remaining] == ["Andere"]
