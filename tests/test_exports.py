"""Participant lists (CSV, XLSX), sign-in sheet and certificates of attendance."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import set_office
from tests.factories import (
    BERLIN,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    berlin,
)
from workshops.exports import pdfs
from workshops.models import Attendance, Enrolment

pytestmark = pytest.mark.django_db

SERIES_TITLE = "Robotik – Grundlagen für Einsteiger"


def csv_url(workshop_date):
    return f"/teilnahme/termine/{workshop_date.pk}/teilnehmende.csv"


def xlsx_url(workshop_date):
    return f"/teilnahme/termine/{workshop_date.pk}/teilnehmende.xlsx"


def sheet_url(workshop_date):
    return f"/teilnahme/termine/{workshop_date.pk}/unterschriften.pdf"


def certificate_url(enrolment):
    return f"/teilnahme/bescheinigung/{enrolment.pk}.pdf"


def make_trainer(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name="Trainer")[0])
    return user


def pdf_text(response):
    """The text of a PDF as a reader extracts it (through the font's Unicode map)."""
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    return " ".join(text.split())


@pytest.fixture
def uncompressed(monkeypatch):
    monkeypatch.setattr(pdfs, "PDF_COMPRESS", False)


@pytest.fixture
def staff(client):
    return UserFactory(staff=True, totp=True)


@pytest.fixture
def firm():
    return FirmFactory(name="Schäfer & Söhne Präzision GmbH")


@pytest.fixture
def trainer():
    return make_trainer(first_name="Jörg", last_name="Weißenböck")


@pytest.fixture
def workshop_date(trainer):
    """Two parts of seven hours: yesterday and six days ahead."""
    yesterday = timezone.localdate(timezone=BERLIN) - timedelta(days=1)
    workshop_date = WorkshopDateFactory(
        series__title=SERIES_TITLE,
        series__topic__name="Robotik und Automatisierung",
        series__learning_outcomes=(
            "<p>Nach dem Workshop können Sie:</p>"
            "<ul><li>Roboter sicher bedienen &amp; einrichten</li>"
            "<li>Greifer auswählen</li></ul>"
        ),
        starts_at=berlin(yesterday),
        parts=2,
    )
    workshop_date.trainers.add(trainer)
    return workshop_date


@pytest.fixture
def people(workshop_date, firm):
    """Three confirmed participants (two firms), one on the waiting list, one cancelled."""
    other_firm = FirmFactory(name="Kessler Feinmechanik")
    zoe = EnrolmentFactory(
        date=workshop_date,
        person__firm=firm,
        person__first_name="Zoë",
        person__last_name="Öztürk",
        person__department="Fräserei",
        person__email="zoe.oeztuerk@schaefer.example",
        person__with_account=True,
    )
    anna = EnrolmentFactory(
        date=workshop_date,
        person__firm=other_firm,
        person__first_name="Anna",
        person__last_name="Bäcker",
        person__department="Montage",
    )
    juergen = EnrolmentFactory(
        date=workshop_date,
        person__firm=firm,
        person__first_name="Jürgen",
        person__last_name="Weiß",
    )
    waiting = EnrolmentFactory(
        date=workshop_date,
        status=Enrolment.Status.WAITLISTED,
        person__firm=firm,
        person__last_name="Wartender",
    )
    cancelled = EnrolmentFactory(
        date=workshop_date,
        status=Enrolment.Status.CANCELLED,
        person__firm=firm,
        person__last_name="Storniert",
    )
    return {
        "zoe": zoe,
        "anna": anna,
        "juergen": juergen,
        "waiting": waiting,
        "cancelled": cancelled,
        "other_firm": other_firm,
    }


def record(enrolment, part, status):
    return Attendance.objects.create(enrolment=enrolment, part=part, status=status)


@pytest.fixture
def attended(workshop_date, people):
    """Zoë was there on the first part, Anna did not come, Jürgen excused himself."""
    first = workshop_date.parts.order_by("starts_at").first()
    record(people["zoe"], first, Attendance.Status.ATTENDED)
    record(people["anna"], first, Attendance.Status.NO_SHOW)
    record(people["juergen"], first, Attendance.Status.EXCUSED)
    return first


# --- CSV and XLSX ----------------------------------------------------------------------------


def test_csv_opens_in_german_excel_with_umlauts(client, staff, workshop_date, people, attended):
    client.force_login(staff)
    response = client.get(csv_url(workshop_date))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Teilnehmende-Robotik-Grundlagen')
    assert disposition.endswith('.csv"')
    assert disposition.isascii()
    assert response.content.startswith(b"\xef\xbb\xbf")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Nr.", "Nachname", "Vorname", "Unternehmen", "Abteilung"]
    assert rows[0][5].startswith("Teil 1 (")
    assert rows[0][6].startswith("Teil 2 (")
    assert rows[1:] == [
        ["1", "Bäcker", "Anna", "Kessler Feinmechanik", "Montage", "nicht erschienen", ""],
        ["2", "Öztürk", "Zoë", "Schäfer & Söhne Präzision GmbH", "Fräserei", "anwesend", ""],
        ["3", "Weiß", "Jürgen", "Schäfer & Söhne Präzision GmbH", "", "entschuldigt", ""],
    ]
    assert "schaefer.example" not in response.content.decode("utf-8-sig")


def test_csv_without_attendance_has_no_part_columns(client, staff, workshop_date, people):
    client.force_login(staff)
    response = client.get(csv_url(workshop_date))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nr.", "Nachname", "Vorname", "Unternehmen", "Abteilung"]
    assert [row[1] for row in rows[1:]] == ["Bäcker", "Öztürk", "Weiß"]


def test_xlsx_has_title_header_and_rows(client, staff, workshop_date, people, attended):
    client.force_login(staff)
    response = client.get(xlsx_url(workshop_date))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == SERIES_TITLE
    assert sheet["A1"].font.bold
    assert sheet["A2"].value.count("Uhr") == 2
    assert [cell.value for cell in sheet[4]][:5] == [
        "Nr.",
        "Nachname",
        "Vorname",
        "Unternehmen",
        "Abteilung",
    ]
    assert all(cell.font.bold for cell in sheet[4])
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert values == [
        [1, "Bäcker", "Anna", "Kessler Feinmechanik", "Montage", "nicht erschienen", None],
        [2, "Öztürk", "Zoë", "Schäfer & Söhne Präzision GmbH", "Fräserei", "anwesend", None],
        [3, "Weiß", "Jürgen", "Schäfer & Söhne Präzision GmbH", None, "entschuldigt", None],
    ]
    assert sheet.column_dimensions["B"].width > 10


def test_names_that_look_like_formulas_stay_text(client, staff, workshop_date):
    EnrolmentFactory(
        date=workshop_date, person__last_name='=HYPERLINK("http://x")', person__first_name="A"
    )
    client.force_login(staff)

    text = client.get(csv_url(workshop_date)).content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert row[1] == '\'=HYPERLINK("http://x")'

    response = client.get(xlsx_url(workshop_date))
    cell = load_workbook(io.BytesIO(response.content)).active["B5"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("url", [csv_url, xlsx_url])
def test_lists_are_for_staff_only(client, url, workshop_date, people, trainer, firm):
    response = client.get(url(workshop_date))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]

    client.force_login(trainer)
    assert client.get(url(workshop_date)).status_code == 403

    client.force_login(PersonFactory(admin=True, firm=firm).user)
    assert client.get(url(workshop_date)).status_code == 403


def test_staff_without_second_factor_set_it_up_first(client, workshop_date):
    client.force_login(UserFactory(staff=True))
    response = client.get(csv_url(workshop_date))
    assert response.status_code == 302
    assert "/konto/" in response["Location"]


def test_unknown_date_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/teilnahme/termine/999999/teilnehmende.csv").status_code == 404


def fill(workshop_date, count):
    firms = [FirmFactory() for _ in range(3)]
    enrolments = [
        EnrolmentFactory(date=workshop_date, person__firm=firms[index % 3])
        for index in range(count)
    ]
    for part in workshop_date.parts.all():
        for enrolment in enrolments:
            record(enrolment, part, Attendance.Status.ATTENDED)


@pytest.mark.parametrize("url", [csv_url, xlsx_url, sheet_url])
def test_queries_do_not_grow_with_participants_and_parts(
    client, staff, url, django_assert_max_num_queries
):
    small = WorkshopDateFactory(parts=1)
    fill(small, 2)
    large = WorkshopDateFactory(parts=4)
    fill(large, 25)
    client.force_login(staff)

    with django_assert_max_num_queries(9) as captured:
        assert client.get(url(small)).status_code == 200
    small_count = len(captured.captured_queries)
    with django_assert_max_num_queries(small_count):
        assert client.get(url(large)).status_code == 200


# --- Sign-in sheet ---------------------------------------------------------------------------


def test_sign_in_sheet_lists_participants_with_umlauts(
    client, staff, workshop_date, people, trainer, uncompressed
):
    client.force_login(staff)
    response = client.get(sheet_url(workshop_date))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="Teilnehmerliste-Robotik-Grundlagen'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response)
    assert SERIES_TITLE in text  # the en dash survives (Windows-1252)
    assert "Öztürk, Zoë" in text
    assert "Weiß, Jürgen" in text
    assert "Bäcker, Anna" in text
    assert "Schäfer & Söhne Präzision" in text
    assert "Jörg Weißenböck" in text
    assert "Gutenbergstraße 5" in text
    # One signature column per part, headed with the part and its day.
    assert text.count("Unterschrift") == 2 and "Teil 1 Teil 2" in text
    assert "Wartender" not in text and "Storniert" not in text
    assert "zoe.oeztuerk" not in text
    assert "Teilnehmerliste für den Verwendungsnachweis" in text


def test_sign_in_sheet_repeats_the_table_header_on_every_page(client, staff, uncompressed):
    workshop_date = WorkshopDateFactory(parts=1)
    for _ in range(30):
        EnrolmentFactory(date=workshop_date)
    client.force_login(staff)

    response = client.get(sheet_url(workshop_date))

    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    assert pages >= 2
    text = pdf_text(response)
    assert f"Seite {pages}/{pages}" in text
    assert text.count("Unterschrift") == pages
    assert text.count("Nr. Name Unternehmen") == pages


def test_formulas_and_direction_overrides_are_plain_text_in_the_pdf(client, staff, uncompressed):
    workshop_date = WorkshopDateFactory(series__title="@SUM(A1) Robotik")
    EnrolmentFactory(
        date=workshop_date, person__last_name="=HYPERLINK(1)", person__first_name="Ali\u202eexe.fdp"
    )
    client.force_login(staff)

    text = pdf_text(client.get(sheet_url(workshop_date)))

    assert "=HYPERLINK\\(1\\), Aliexe.fdp" in text or "=HYPERLINK(1), Aliexe.fdp" in text
    assert "@SUM" in text
    assert "\u202e" not in text


def test_every_name_prints_with_all_its_letters(client, staff, uncompressed):
    workshop_date = WorkshopDateFactory(series__title="Łódź → Zukunft 🤖")
    for first, last in [
        ("Łukasz", "Wróbel"),
        ("Ayşe", "Demir"),
        ("Văn An", "Nguyễn"),
        ("Şule", "Doğan"),
    ]:
        EnrolmentFactory(date=workshop_date, person__first_name=first, person__last_name=last)
    client.force_login(staff)

    response = client.get(sheet_url(workshop_date))

    assert response.status_code == 200
    text = pdf_text(response)
    for name in ("Wróbel, Łukasz", "Demir, Ayşe", "Nguyễn, Văn An", "Doğan, Şule"):
        assert name in text
    # A symbol the font lacks is left out; the arrow reads as "->".
    assert "Łódź -> Zukunft" in text and "🤖" not in text


def test_sign_in_sheet_for_staff_and_the_trainers_of_the_date(
    client, workshop_date, trainer, firm, staff
):
    response = client.get(sheet_url(workshop_date))
    assert response.status_code == 302

    client.force_login(trainer)
    assert client.get(sheet_url(workshop_date)).status_code == 200

    client.force_login(make_trainer())
    assert client.get(sheet_url(workshop_date)).status_code == 404

    client.force_login(PersonFactory(admin=True, firm=firm).user)
    assert client.get(sheet_url(workshop_date)).status_code == 403

    client.force_login(staff)
    assert client.get(sheet_url(workshop_date)).status_code == 200


# --- Certificate -----------------------------------------------------------------------------


@pytest.fixture
def office():
    return set_office(
        office_name="Weiterbildungsverbund Neckar-Alb",
        organisation="Technologieförderung e. V.",
        street="Hauptstraße 1",
    )


def test_participant_downloads_their_certificate(
    client, workshop_date, people, attended, office, uncompressed
):
    zoe = people["zoe"]
    client.force_login(zoe.person.user)

    response = client.get(certificate_url(zoe))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localtime(attended.starts_at).strftime("%Y-%m-%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="Teilnahmebescheinigung-Oeztuerk-{day}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response)
    assert "Teilnahmebescheinigung" in text
    assert "Zoë Öztürk" in text
    assert "Schäfer & Söhne Präzision GmbH" in text
    assert SERIES_TITLE in text
    assert "Robotik und Automatisierung" in text
    assert "7 Zeitstunden" in text  # one of two seven-hour parts
    assert timezone.localtime(attended.starts_at).strftime("%d.%m.%Y") in text
    second = workshop_date.parts.order_by("starts_at").last()
    assert timezone.localtime(second.starts_at).strftime("%d.%m.%Y") not in text
    assert "Roboter sicher bedienen & einrichten" in text
    assert "<li>" not in text
    assert "Weiterbildungsverbund Neckar-Alb" in text
    assert "Hauptstraße 1" in text
    assert f"Reutlingen, {timezone.localdate():%d.%m.%Y}" in text
    assert f"Anmeldung {zoe.pk}," in text


def test_hours_add_up_over_the_attended_parts(client, staff, workshop_date, people, uncompressed):
    zoe = people["zoe"]
    for part in workshop_date.parts.all():
        record(zoe, part, Attendance.Status.ATTENDED)
    client.force_login(staff)

    text = pdf_text(client.get(certificate_url(zoe)))

    assert "14 Zeitstunden" in text
    assert "Termine:" in text


def test_certificate_access(client, workshop_date, people, attended, firm, staff, trainer):
    zoe = people["zoe"]
    url = certificate_url(zoe)

    response = client.get(url)
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]

    client.force_login(PersonFactory(admin=True, firm=firm).user)
    assert client.get(url).status_code == 200

    client.force_login(PersonFactory(firm=firm, role="contact", with_account=True).user)
    assert client.get(url).status_code == 200

    client.force_login(staff)
    assert client.get(url).status_code == 200

    client.force_login(PersonFactory(admin=True, firm=people["other_firm"]).user)
    assert client.get(url).status_code == 404

    client.force_login(PersonFactory(firm=firm, with_account=True).user)  # a colleague
    assert client.get(url).status_code == 404

    client.force_login(trainer)
    assert client.get(url).status_code == 404


def test_no_certificate_without_attendance(client, staff, workshop_date, people, attended):
    client.force_login(staff)
    for key in ("anna", "juergen", "waiting", "cancelled"):
        assert client.get(certificate_url(people[key])).status_code == 404
    assert client.get("/teilnahme/bescheinigung/999999.pdf").status_code == 404


def test_certificate_without_office_address_still_renders(
    client, staff, workshop_date, people, attended, uncompressed
):
    workshop_date.venue_name = workshop_date.venue_street = ""
    workshop_date.venue_postal_code = workshop_date.venue_city = ""
    workshop_date.online_url = "https://meet.example/robotik"
    workshop_date.save()
    client.force_login(staff)

    response = client.get(certificate_url(people["zoe"]))

    assert response.status_code == 200
    text = pdf_text(response)
    assert "online" in text
    assert "meet.example" not in text


def test_participant_page_in_the_admin_links_the_downloads(client, workshop_date, people):
    client.force_login(UserFactory(superuser=True, totp=True))

    response = client.get(reverse("termine:participants", args=[workshop_date.pk]))

    assert response.status_code == 200
    for url in (csv_url, xlsx_url, sheet_url):
        assert f'href="{url(workshop_date)}"' in response.content.decode()
    attendance = reverse("workshops:trainer_date", args=[workshop_date.pk])
    assert f'href="{attendance}"' in response.content.decode()
    assert client.get(attendance).status_code == 200


def test_certificate_links_appear_for_the_participant_and_the_firm_admin(
    client, workshop_date, people, attended, firm, time_machine
):
    """Once the date is over, those who attended find their certificate in their lists."""
    time_machine.move_to(timezone.now() + timedelta(days=8))
    zoe_url, juergen_url = certificate_url(people["zoe"]), certificate_url(people["juergen"])

    client.force_login(people["zoe"].person.user)
    mine = client.get(reverse("enrolment:mine")).content.decode()
    assert zoe_url in mine

    client.force_login(PersonFactory(admin=True, firm=firm).user)
    dashboard = client.get(reverse("members:dashboard")).content.decode()
    assert zoe_url in dashboard
    assert juergen_url not in dashboard  # excused, so no certificate


def test_a_certificate_prints_every_letter_of_the_name(
    client, staff, workshop_date, attended, people, uncompressed
):
    zoe = people["zoe"]
    person = zoe.person
    person.first_name, person.last_name = "Văn An", "Nguyễn"
    person.save()
    client.force_login(staff)

    text = pdf_text(client.get(certificate_url(zoe)))

    assert "Văn An Nguyễn" in text
