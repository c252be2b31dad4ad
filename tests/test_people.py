"""People of a member firm: list, add, edit, mark as left, CSV import."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Invitation, Person
from tests.factories import FirmFactory, PersonFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/firma/personen/"
ADD_URL = "/firma/personen/neu/"
IMPORT_URL = "/firma/personen/import/"


def edit_url(person):
    return f"/firma/personen/{person.pk}/bearbeiten/"


def left_url(person):
    return f"/firma/personen/{person.pk}/ausgeschieden/"


@pytest.fixture
def firm():
    return FirmFactory(name="Kessler Feinmechanik GmbH")


@pytest.fixture
def admin(firm):
    return PersonFactory(firm=firm, admin=True, email="admin@kessler.example")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin.user)
    return client


def person_data(**overrides):
    data = {
        "first_name": "Zoë",
        "last_name": "Öztürk",
        "email": "zoe.oeztuerk@kessler.example",
        "department": "Instandhaltung",
        "personnel_number": "4711",
    }
    data.update(overrides)
    return data


# --- Access -----------------------------------------------------------------------------------


def test_admin_and_contact_manage_people_employee_does_not(client, firm, admin):
    colleague = PersonFactory(firm=firm, first_name="Marta", last_name="Kowalski")
    contact = PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True)
    employee = PersonFactory(firm=firm, with_account=True)

    for manager in (admin, contact):
        client.force_login(manager.user)
        response = client.get(LIST_URL)
        assert response.status_code == 200
        assert "Kowalski, Marta" in response.content.decode()
        assert client.get(ADD_URL).status_code == 200

    client.force_login(employee.user)
    for url in (LIST_URL, ADD_URL, IMPORT_URL, edit_url(colleague), left_url(colleague)):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(left_url(colleague), {"left_on": "2026-03-31"}).status_code in (403, 404)
    colleague.refresh_from_db()
    assert colleague.left_on is None

    client.logout()
    assert client.get(LIST_URL).status_code == 302


def test_admin_of_a_firm_that_is_not_active_cannot_manage(client):
    applicant = PersonFactory(firm__status="applied", admin=True)
    client.force_login(applicant.user)
    assert client.get(LIST_URL).status_code == 403


def test_other_firms_people_are_404(admin_client, firm):
    other = PersonFactory(firm=FirmFactory(name="Andere GmbH"), last_name="Fremd")

    assert "Fremd" not in admin_client.get(LIST_URL + "?status=all").content.decode()
    assert admin_client.get(edit_url(other)).status_code == 404
    response = admin_client.post(edit_url(other), person_data(email="x@andere.example"))
    assert response.status_code == 404
    assert admin_client.get(left_url(other)).status_code == 404
    assert admin_client.post(left_url(other), {"left_on": "2026-03-31"}).status_code == 404
    other.refresh_from_db()
    assert other.last_name == "Fremd"
    assert other.left_on is None


def test_list_queries_do_not_grow_with_people(admin_client, firm):
    PersonFactory.create_batch(3, firm=firm, with_account=True)
    admin_client.get(LIST_URL)  # warm up per-site caches
    with CaptureQueriesContext(connection) as few:
        admin_client.get(LIST_URL)
    PersonFactory.create_batch(20, firm=firm, with_account=True)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(LIST_URL).status_code == 200
    assert len(many) == len(few)


# --- Add and edit -----------------------------------------------------------------------------


def test_add_person_without_login(admin_client, firm, mailoutbox):
    response = admin_client.post(ADD_URL, person_data(email=""))
    assert response.status_code == 302
    person = Person.objects.get(firm=firm, personnel_number="4711")
    assert person.role == Person.Role.EMPLOYEE
    assert person.user is None
    assert person.email == ""
    assert person.department == "Instandhaltung"
    assert mailoutbox == []
    listing = admin_client.get(LIST_URL).content.decode()
    assert "Öztürk, Zoë" in listing
    assert "ohne Zugang" in listing


def test_add_person_with_invitation(admin_client, firm, mailoutbox):
    response = admin_client.post(
        ADD_URL, person_data(email="Zoe.Oeztuerk@Kessler.example", invite="on")
    )
    assert response.status_code == 302
    person = Person.objects.get(firm=firm, personnel_number="4711")
    assert person.email == "zoe.oeztuerk@kessler.example"
    invitation = Invitation.objects.get(person=person)
    assert invitation.role == Person.Role.EMPLOYEE
    assert mailoutbox[-1].to == ["zoe.oeztuerk@kessler.example"]


def test_invitation_needs_email(admin_client, firm):
    response = admin_client.post(ADD_URL, person_data(email="", invite="on"))
    assert response.status_code == 200
    assert "Für eine Einladung wird eine E-Mail-Adresse benötigt." in response.content.decode()
    assert not Person.objects.filter(personnel_number="4711").exists()


def test_duplicate_email_in_same_firm_is_refused(admin_client, firm):
    PersonFactory(firm=firm, email="zoe.oeztuerk@kessler.example")

    response = admin_client.post(ADD_URL, person_data(email="ZOE.oeztuerk@kessler.example"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "bereits für eine andere Person eingetragen" in html
    assert re.search(r'aria-describedby="[^"]*id_email_error"', html)
    assert 'value="Öztürk"' in html
    same = Person.objects.filter(firm=firm, email__iexact="zoe.oeztuerk@kessler.example")
    assert same.count() == 1


def test_same_email_in_another_firm_is_fine(admin_client, firm):
    PersonFactory(firm=FirmFactory(), email="zoe.oeztuerk@kessler.example")
    assert admin_client.post(ADD_URL, person_data()).status_code == 302
    assert Person.objects.filter(firm=firm, personnel_number="4711").exists()


def test_edit_person(admin_client, firm):
    person = PersonFactory(firm=firm, department="Fertigung", email="a@kessler.example")
    taken = PersonFactory(firm=firm, email="b@kessler.example")

    response = admin_client.post(edit_url(person), person_data(email="b@kessler.example"))
    assert response.status_code == 200
    assert "bereits für eine andere Person eingetragen" in response.content.decode()
    person.refresh_from_db()
    assert person.department == "Fertigung"

    response = admin_client.post(
        edit_url(person), person_data(email="a@kessler.example", department="Montage")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.department == "Montage"
    assert (person.first_name, person.last_name) == ("Zoë", "Öztürk")
    taken.refresh_from_db()
    assert taken.email == "b@kessler.example"


def test_mark_person_as_left(admin_client, firm):
    person = PersonFactory(firm=firm, with_account=True)
    invitation = Invitation.objects.create(
        firm=firm,
        person=person,
        email=person.email,
        role=Person.Role.EMPLOYEE,
        token_hash="x" * 64,
        invited_by=None,
        expires_at="2099-01-01T00:00:00Z",
    )

    confirm = admin_client.get(left_url(person))
    assert confirm.status_code == 200
    assert "Ausscheiden vermerken" in confirm.content.decode()
    person.refresh_from_db()
    assert person.left_on is None

    response = admin_client.post(left_url(person), {"left_on": "2026-03-31"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.left_on == date(2026, 3, 31)
    assert Person.objects.filter(pk=person.pk).exists()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None

    row = f"{person.last_name}, {person.first_name}"
    current = admin_client.get(LIST_URL).content.decode()
    assert row not in current
    left = admin_client.get(LIST_URL + "?status=left").content.decode()
    assert row in left
    assert "ausgeschieden am 31.03.2026" in left


def test_admin_cannot_mark_themselves_as_left(admin_client, admin):
    response = admin_client.post(left_url(admin), {"left_on": "2026-03-31"})
    assert response.status_code == 200
    assert "nicht selbst als ausgeschieden" in response.content.decode()
    admin.refresh_from_db()
    assert admin.left_on is None


# --- CSV import -------------------------------------------------------------------------------

GERMAN_CSV = (
    "Vorname;Nachname;E-Mail;Abteilung;Personalnummer\r\n"
    "Jürgen;Weiß;j.weiss@kessler.example;Fräserei;1001\r\n"
    "Hans-Peter;Groß;hp.gross@kessler.example;Qualitätssicherung;\r\n"
)


def upload(client, content, name="personen.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        IMPORT_URL, {"action": "upload", "file": SimpleUploadedFile(name, content, "text/csv")}
    )


def confirm(client):
    return client.post(IMPORT_URL, {"action": "confirm"})


@pytest.mark.parametrize(
    "raw",
    [
        GERMAN_CSV.encode("utf-8"),
        b"\xef\xbb\xbf" + GERMAN_CSV.encode("utf-8"),
        GERMAN_CSV.encode("cp1252"),
        GERMAN_CSV.replace(";", ",").encode("utf-8"),
        (
            "first_name,last_name,email,department,personnel_number\n"
            "Jürgen,Weiß,j.weiss@kessler.example,Fräserei,1001\n"
            '"Hans-Peter","Groß","hp.gross@kessler.example","Qualitätssicherung",\n'
        ).encode(),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "comma", "english-headers"],
)
def test_csv_in_each_encoding_and_delimiter_imports(admin_client, firm, raw):
    preview = upload(admin_client, raw)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Jürgen" in html and "Weiß" in html and "Qualitätssicherung" in html
    assert "2 Personen importieren" in html
    assert not Person.objects.filter(email="j.weiss@kessler.example").exists()

    response = confirm(admin_client)

    assert response.status_code == 302
    juergen = Person.objects.get(firm=firm, email="j.weiss@kessler.example")
    assert (juergen.first_name, juergen.last_name) == ("Jürgen", "Weiß")
    assert juergen.email == "j.weiss@kessler.example"
    assert juergen.department == "Fräserei"
    assert juergen.personnel_number == "1001"
    assert juergen.role == Person.Role.EMPLOYEE
    assert juergen.user is None
    assert Person.objects.get(email="hp.gross@kessler.example").personnel_number == ""
    # The upload is used once: confirming again saves nothing more.
    assert "nicht mehr vorhanden" in confirm(admin_client).content.decode()
    assert Person.objects.filter(firm=firm).count() == 3


def test_preview_warns_about_formula_cells_and_direction_overrides(admin_client, firm):
    csv = (
        "Vorname;Nachname;E-Mail;Abteilung\r\n"
        '=HYPERLINK("http://x.example");Weiß;;Montage\r\n'
        "Jana;Sch\u202efer;;@Vertrieb\r\n"
        "Eva;Ruhig;;Lager\r\n"
    )
    response = upload(admin_client, csv)

    html = response.content.decode()
    assert html.count("Hinweis:") == 3
    assert "Vorname beginnt mit „=“" in html and "Abteilung beginnt mit „@“" in html
    assert "Nachname enthält unsichtbare Zeichen, die die Schreibrichtung umkehren" in html
    assert "3 Personen importieren" in html  # warnings do not block the import
    assert confirm(admin_client).status_code == 302
    stored = Person.objects.get(firm=firm, last_name="Weiß")
    assert stored.first_name == '=HYPERLINK("http://x.example")'  # kept as typed, as text


def test_missing_column_is_reported(admin_client, firm):
    response = upload(admin_client, "Vorname;Abteilung\r\nJürgen;Fräserei\r\n")
    assert response.status_code == 200
    html = response.content.decode()
    assert "In der Datei fehlt die Spalte „Nachname“." in html
    assert "importieren</button>" not in html
    assert confirm(admin_client).status_code == 200
    assert Person.objects.filter(firm=firm).count() == 1

    html = upload(admin_client, "Abteilung\r\nFräserei\r\n").content.decode()
    assert "In der Datei fehlen die Spalten „Vorname“ und „Nachname“." in html


def test_optional_columns_may_be_missing(admin_client, firm):
    response = upload(admin_client, "Vorname;Nachname;E-Mail\r\nJürgen;Weiß;jw@kessler.example\r\n")
    html = " ".join(response.content.decode().split())
    assert "Die Datei enthält 1 Person; alle Angaben sind in Ordnung." in html
    assert "1 Person importieren</button>" in html

    followed = admin_client.post(IMPORT_URL, {"action": "confirm"}, follow=True)
    assert "1 Person wurde importiert." in followed.content.decode()
    stored = Person.objects.get(firm=firm, last_name="Weiß")
    assert (stored.email, stored.department) == ("jw@kessler.example", "")

    upload(admin_client, "Nachname;Vorname\r\nAigner;Anna\r\nBauer;Bernd\r\n")
    followed = admin_client.post(IMPORT_URL, {"action": "confirm"}, follow=True)
    assert "2 Personen wurden importiert." in followed.content.decode()
    assert Person.objects.get(firm=firm, last_name="Bauer").email == ""


def test_more_than_1000_rows_are_refused(admin_client, firm):
    rows = "".join(f"Vorname{i};Nachname{i};p{i}@kessler.example;Montage\r\n" for i in range(5000))
    response = upload(admin_client, "Vorname;Nachname;E-Mail;Abteilung\r\n" + rows)
    assert response.status_code == 200
    html = response.content.decode()
    assert "5.000 Personen" in html
    assert "höchstens 1.000" in html
    confirm(admin_client)
    assert Person.objects.filter(firm=firm).count() == 1


def test_exactly_1000_rows_import(admin_client, firm):
    rows = "".join(f"Vorname{i};Nachname{i};p{i}@kessler.example;Montage\r\n" for i in range(1000))
    assert upload(admin_client, "Vorname;Nachname;E-Mail;Abteilung\r\n" + rows).status_code == 200
    assert confirm(admin_client).status_code == 302
    assert Person.objects.filter(firm=firm).count() == 1001


def test_one_bad_row_saves_nothing_and_shows_the_problem(admin_client, firm):
    PersonFactory(firm=firm, email="schon.da@kessler.example")
    content = (
        "Vorname;Nachname;E-Mail;Abteilung\r\n"
        "Jürgen;Weiß;j.weiss@kessler.example;Fräserei\r\n"
        ";Groß;kein-at-zeichen;Montage\r\n"
        "Aylin;Schäfer;J.Weiss@kessler.example;Montage\r\n"
        "Björn;Müller;schon.da@kessler.example;Lager\r\n"
    )

    response = upload(admin_client, content)

    html = response.content.decode()
    assert "3 Zeilen müssen korrigiert werden. Es wurde nichts gespeichert." in html
    assert "Der Vorname fehlt." in html
    assert "„kein-at-zeichen“ ist keine gültige E-Mail-Adresse." in html
    assert "Die E-Mail-Adresse steht bereits in Zeile 2 dieser Datei." in html
    assert "in Ihrem Unternehmen bereits eine Person eingetragen" in html
    assert "importieren</button>" not in html

    response = confirm(admin_client)
    assert response.status_code == 200
    assert "Es wurde nichts gespeichert" in response.content.decode()
    assert Person.objects.filter(firm=firm).count() == 2
    assert not Person.objects.filter(email="j.weiss@kessler.example").exists()


def test_file_that_is_not_csv_is_refused(admin_client, firm):
    response = upload(admin_client, b"PK\x03\x04\x00\x00binary", name="personen.xlsx")
    assert response.status_code == 200
    assert "keine CSV-Datei" in response.content.decode()
    assert Person.objects.filter(firm=firm).count() == 1


def test_import_belongs_to_the_uploading_firm(client, firm, admin):
    other_admin = PersonFactory(firm=FirmFactory(), admin=True)
    client.force_login(admin.user)
    upload(client, GERMAN_CSV)
    client.force_login(other_admin.user)
    assert "nicht mehr vorhanden" in confirm(client).content.decode()
    assert not Person.objects.filter(email="j.weiss@kessler.example").exists()
