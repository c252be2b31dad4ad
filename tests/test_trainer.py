"""Trainers see the participants of their own dates and record attendance per part."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from members.models import Person, User
from workshops.models import Attendance, Enrolment, WorkshopDate
from workshops.services import attendance as service

from .factories import (
    BERLIN,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/trainer/"


def detail_url(workshop_date):
    return f"/trainer/termine/{workshop_date.pk}/"


def make_trainer(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name="Trainer")[0])
    return user


@pytest.fixture
def trainer():
    return make_trainer(first_name="Florian", last_name="Haag")


@pytest.fixture
def running_date(trainer):
    """Two parts: the first began yesterday, the second is a week later (still ahead)."""
    yesterday = timezone.localdate(timezone=BERLIN) - timedelta(days=1)
    workshop_date = WorkshopDateFactory(
        series__title="Einstieg in die Robotik", starts_at=berlin(yesterday), parts=2
    )
    workshop_date.trainers.add(trainer)
    return workshop_date


@pytest.fixture
def participants(running_date):
    firm = FirmFactory(name="Kessler Feinmechanik GmbH")
    return {
        "anna": EnrolmentFactory(
            date=running_date,
            person__firm=firm,
            person__first_name="Anna",
            person__last_name="Zeller",
            person__email="a.zeller@kessler.example",
            person__department="Montage",
        ),
        "bernd": EnrolmentFactory(
            date=running_date,
            person__first_name="Bernd",
            person__last_name="Albrecht",
            person__email="b.albrecht@lindner.example",
        ),
        "waiting": EnrolmentFactory(
            date=running_date,
            status=Enrolment.Status.WAITLISTED,
            person__first_name="Wilma",
            person__last_name="Wartend",
        ),
        "cancelled": EnrolmentFactory(
            date=running_date,
            status=Enrolment.Status.CANCELLED,
            person__first_name="Steffen",
            person__last_name="Storniert",
        ),
    }


def field(part, enrolment):
    return f"teil-{part.pk}-enrolment-{enrolment.pk}"


def input_tag(page, element_id):
    """The <input> tag with the given id."""
    match = re.search(rf'<input[^>]*id="{re.escape(element_id)}"[^>]*>', page)
    assert match, element_id
    return match.group(0)


def parts_of(workshop_date):
    return list(workshop_date.parts.order_by("starts_at"))


# --- Seeing the dates and participants ---------------------------------------------------


def test_trainer_sees_only_own_dates(client, trainer, running_date):
    other = WorkshopDateFactory(series__title="3D-Druck in der Praxis")
    client.force_login(trainer)

    page = client.get(LIST_URL).content.decode()

    assert "Einstieg in die Robotik" in page
    assert "3D-Druck in der Praxis" not in page
    assert client.get(detail_url(running_date)).status_code == 200
    assert client.get(detail_url(other)).status_code == 404


def test_list_shows_parts_and_confirmed_count(client, trainer, running_date, participants):
    client.force_login(trainer)
    page = client.get(LIST_URL).content.decode()
    first, second = parts_of(running_date)
    start = timezone.localtime(first.starts_at)
    assert f"{start:%d.%m.%Y}, 09:00–16:00 Uhr" in page
    assert f"{timezone.localtime(second.starts_at):%d.%m.%Y}" in page
    assert "<td>2</td>" in page  # Anna and Bernd; not the waiting list, not the cancelled


def test_old_dates_drop_off_the_list(client, trainer):
    old = WorkshopDateFactory(
        series__title="Lange vorbei", starts_at=timezone.now() - timedelta(days=120)
    )
    recent = WorkshopDateFactory(
        series__title="Kürzlich gelaufen", starts_at=timezone.now() - timedelta(days=20)
    )
    old.trainers.add(trainer)
    recent.trainers.add(trainer)
    client.force_login(trainer)
    page = client.get(LIST_URL).content.decode()
    assert "Kürzlich gelaufen" in page
    assert "Lange vorbei" not in page


def test_participant_list_shows_confirmed_only_and_no_contact_data(
    client, trainer, running_date, participants
):
    client.force_login(trainer)
    page = client.get(detail_url(running_date)).content.decode()

    assert "Zeller, Anna" in page
    assert "Albrecht, Bernd" in page
    assert "Kessler Feinmechanik GmbH" in page
    assert "Montage" in page
    assert page.index("Albrecht, Bernd") < page.index("Zeller, Anna")
    assert "Wartend" not in page
    assert "Storniert" not in page
    assert "@" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "kessler.example" not in page


def test_account_pages_link_to_the_trainer_pages(client, trainer):
    client.force_login(trainer)
    assert 'href="/trainer/"' in client.get("/konto/email/").content.decode()
    client.force_login(UserFactory())
    assert 'href="/trainer/"' not in client.get("/konto/email/").content.decode()


# --- Recording attendance ----------------------------------------------------------------


def test_trainer_records_attendance_for_a_started_part(client, trainer, running_date, participants):
    first, _second = parts_of(running_date)
    client.force_login(trainer)
    anna, bernd = participants["anna"], participants["bernd"]

    response = client.post(
        detail_url(running_date),
        {"part": first.pk, field(first, anna): "attended", field(first, bernd): "excused"},
        follow=True,
    )

    assert response.status_code == 200
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        anna.pk: "attended",
        bernd.pk: "excused",
    }
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {trainer.pk}
    page = response.content.decode()
    assert "Die Anwesenheit für" in page and "gespeichert" in page
    assert "entschuldigt" in page
    assert ModelLogEntry.objects.filter(
        action="verbund.attendance.recorded", object_id=str(running_date.pk), user=trainer
    ).exists()

    # Correcting one entry changes it; there is still one row per person and part.
    client.post(
        detail_url(running_date),
        {"part": first.pk, field(first, anna): "attended", field(first, bernd): "no_show"},
    )
    assert Attendance.objects.count() == 2
    assert Attendance.objects.get(enrolment=bernd).status == "no_show"


def test_form_shows_radio_groups_with_labels_and_the_recorded_choice(
    client, trainer, running_date, participants
):
    first, _second = parts_of(running_date)
    anna = participants["anna"]
    Attendance.objects.create(enrolment=anna, part=first, status="no_show")
    client.force_login(trainer)
    page = client.get(detail_url(running_date)).content.decode()

    name = field(first, anna)
    assert "<legend" in page and "Zeller, Anna (Kessler Feinmechanik GmbH)</legend>" in page
    for index, label in enumerate(["anwesend", "nicht erschienen", "entschuldigt"]):
        assert f'<label for="id_{name}_{index}">{label}</label>' in page
    assert "checked" in input_tag(page, f"id_{name}_1")
    assert "checked" not in input_tag(page, f"id_{name}_0")


def test_missing_choice_is_reported_and_the_input_is_kept(
    client, trainer, running_date, participants
):
    first, _second = parts_of(running_date)
    anna, bernd = participants["anna"], participants["bernd"]
    client.force_login(trainer)

    response = client.post(
        detail_url(running_date), {"part": first.pk, field(first, anna): "attended"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Angaben" in page
    assert "Bitte wählen Sie aus, ob die Person teilgenommen hat." in page
    assert f'href="#id_{field(first, bernd)}"' in page
    assert f'aria-describedby="id_{field(first, bernd)}_error"' in page
    assert "checked" in input_tag(page, f"id_{field(first, anna)}_0")
    assert not Attendance.objects.exists()


def test_no_attendance_for_a_part_that_has_not_begun(client, trainer, running_date, participants):
    _first, second = parts_of(running_date)
    anna, bernd = participants["anna"], participants["bernd"]
    client.force_login(trainer)

    page = client.get(detail_url(running_date)).content.decode()
    assert "Die Anwesenheit kann ab Beginn dieses Teils erfasst werden." in page
    assert f'name="{field(second, anna)}"' not in page

    response = client.post(
        detail_url(running_date),
        {"part": second.pk, field(second, anna): "attended", field(second, bernd): "attended"},
    )

    assert "Die Anwesenheit kann erst ab Beginn des Teils erfasst werden" in (
        response.content.decode()
    )
    assert not Attendance.objects.exists()
    assert not ModelLogEntry.objects.filter(action="verbund.attendance.recorded").exists()


def test_enrolments_of_another_date_are_refused_and_nothing_is_saved(
    client, trainer, running_date, participants
):
    first, _second = parts_of(running_date)
    anna, bernd = participants["anna"], participants["bernd"]
    other_date = WorkshopDateFactory(starts_at=timezone.now() - timedelta(days=1))
    other_date.trainers.add(trainer)
    stranger = EnrolmentFactory(date=other_date)
    client.force_login(trainer)

    response = client.post(
        detail_url(running_date),
        {
            "part": first.pk,
            field(first, anna): "attended",
            field(first, bernd): "attended",
            f"teil-{first.pk}-enrolment-{stranger.pk}": "no_show",
        },
    )

    assert "passen nicht zur Teilnehmendenliste" in response.content.decode()
    assert not Attendance.objects.exists()


def test_service_refuses_waitlisted_and_foreign_parts(trainer, running_date, participants):
    first, _second = parts_of(running_date)
    other_part = parts_of(WorkshopDateFactory(starts_at=timezone.now() - timedelta(days=2)))[0]

    with pytest.raises(service.AttendanceError):
        service.record_attendance(
            running_date, first, {participants["waiting"].pk: "attended"}, trainer
        )
    with pytest.raises(service.AttendanceError):
        service.record_attendance(
            running_date, other_part, {participants["anna"].pk: "attended"}, trainer
        )
    with pytest.raises(service.AttendanceError):
        service.record_attendance(running_date, first, {participants["anna"].pk: "da"}, trainer)
    assert not Attendance.objects.exists()


def test_part_of_another_date_in_the_form_is_not_found(client, trainer, running_date):
    other_part = parts_of(WorkshopDateFactory(starts_at=timezone.now() - timedelta(days=2)))[0]
    client.force_login(trainer)
    response = client.post(detail_url(running_date), {"part": other_part.pk})
    assert response.status_code == 404


def test_trainer_cannot_record_for_a_date_they_do_not_train(client, trainer, participants):
    other_date = WorkshopDateFactory(starts_at=timezone.now() - timedelta(days=1))
    stranger = EnrolmentFactory(date=other_date)
    part = parts_of(other_date)[0]
    client.force_login(trainer)

    response = client.post(
        detail_url(other_date), {"part": part.pk, field(part, stranger): "attended"}
    )

    assert response.status_code == 404
    assert not Attendance.objects.exists()


# --- Roles -------------------------------------------------------------------------------


def test_staff_see_and_record_every_date(client, running_date, participants):
    staff = UserFactory(staff=True)
    other = WorkshopDateFactory(series__title="3D-Druck in der Praxis")
    first, _second = parts_of(running_date)
    client.force_login(staff)

    page = client.get(LIST_URL).content.decode()
    assert "Einstieg in die Robotik" in page and "3D-Druck in der Praxis" in page
    assert client.get(detail_url(other)).status_code == 200

    client.post(
        detail_url(running_date),
        {
            "part": first.pk,
            field(first, participants["anna"]): "attended",
            field(first, participants["bernd"]): "attended",
        },
    )
    assert Attendance.objects.filter(recorded_by=staff).count() == 2


def test_office_assigns_trainers_in_the_admin(client, trainer):
    series = WorkshopSeriesPageFactory(title="Cobots programmieren")
    not_a_trainer = UserFactory(first_name="Norbert", last_name="Niemand")
    client.force_login(UserFactory(superuser=True, totp=True))
    form = client.get("/admin/termine/new/").content.decode()
    assert "Haag" in form and "Niemand" not in form

    day = timezone.localdate() + timedelta(days=40)
    data = {
        "series": series.pk,
        "status": WorkshopDate.Status.OPEN,
        "capacity": 10,
        "trainers": [not_a_trainer.pk],
        "enrolment_deadline": f"{day - timedelta(days=7):%Y-%m-%d} 23:59",
        "cancellation_deadline": f"{day - timedelta(days=3):%Y-%m-%d} 09:00",
        "offer_hours": 48,
        "parts-TOTAL_FORMS": 1,
        "parts-INITIAL_FORMS": 0,
        "parts-MIN_NUM_FORMS": 1,
        "parts-MAX_NUM_FORMS": 1000,
        "parts-0-title": "Teil 1",
        "parts-0-starts_at": f"{day:%Y-%m-%d} 09:00",
        "parts-0-ends_at": f"{day:%Y-%m-%d} 12:30",
    }
    assert client.post("/admin/termine/new/", data).status_code == 200
    assert not WorkshopDate.objects.filter(series=series).exists()

    response = client.post("/admin/termine/new/", {**data, "trainers": [trainer.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = WorkshopDate.objects.get(series=series)
    assert list(created.trainers.all()) == [trainer]

    client.force_login(trainer)
    assert "Cobots programmieren" in client.get(LIST_URL).content.decode()
    assert client.get(detail_url(created)).status_code == 200


@pytest.mark.parametrize("role", [Person.Role.ADMIN, Person.Role.CONTACT, Person.Role.EMPLOYEE])
def test_firm_roles_are_refused(client, running_date, participants, role):
    person = PersonFactory(firm=participants["anna"].person.firm, role=role, with_account=True)
    first, _second = parts_of(running_date)
    client.force_login(person.user)

    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(running_date)).status_code == 403
    response = client.post(
        detail_url(running_date),
        {"part": first.pk, field(first, participants["anna"]): "attended"},
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_advisor_is_refused(client, running_date):
    advisor = UserFactory()
    advisor.groups.add(Group.objects.get_or_create(name="Lotsen")[0])
    client.force_login(advisor)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(running_date)).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, running_date):
    for url in (LIST_URL, detail_url(running_date)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/")
    first = parts_of(running_date)[0]
    response = client.post(detail_url(running_date), {"part": first.pk})
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_service_refuses_other_users(running_date):
    with pytest.raises(service.PermissionDenied):
        service.dates_for_trainer(UserFactory())


# --- Queries -----------------------------------------------------------------------------


def add_participants(workshop_date, count):
    for _index in range(count):
        enrolment = EnrolmentFactory(date=workshop_date)
        for part in workshop_date.parts.all():
            Attendance.objects.create(enrolment=enrolment, part=part, status="attended")


def test_participant_page_queries_do_not_grow(
    client, trainer, running_date, django_assert_max_num_queries
):
    client.force_login(trainer)
    add_participants(running_date, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(detail_url(running_date)).status_code == 200
    add_participants(running_date, 15)
    assert len(small.captured_queries) < 25
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(detail_url(running_date))
    assert response.content.decode().count('<th scope="row">') == 17


def test_list_page_queries_do_not_grow(client, trainer, django_assert_max_num_queries):
    client.force_login(trainer)

    def add_dates(count):
        for _index in range(count):
            workshop_date = WorkshopDateFactory(parts=2)
            workshop_date.trainers.add(trainer)
            EnrolmentFactory(date=workshop_date)

    add_dates(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST_URL).status_code == 200
    add_dates(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST_URL)
    assert response.content.decode().count('<th scope="row">') == 12


# --- Demo data ---------------------------------------------------------------------------


def test_demo_trainer_signs_in_and_sees_the_robotics_dates(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert client.login(email="trainer@verbund.example", password="Verbund-Demo-2026")
    page = client.get(LIST_URL).content.decode()
    trainer = User.objects.get(email="trainer@verbund.example")
    robotics = WorkshopDate.objects.filter(series__slug="einstieg-robotik-cobots")
    assert robotics.exists()
    assert set(trainer.trained_dates.all()) == set(robotics)
    assert "Einstieg in die Robotik: Cobots in der Fertigung" in page
    assert "3D-Druck" not in page
