"""The demo network that `manage.py seed_demo` builds (a contract checked from outside)."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, Revision

from cms.models import HomePage, OfficeSettings, StandardPage, Topic, WorkshopSeriesPage
from members.models import Firm, Person, User
from workshops.models import SEAT_HOLDING, Enrolment, WorkshopDate

PASSWORD = "Verbund-Demo-2026"
NAMED_ACCOUNTS = {
    "buero@verbund.example": None,
    "personal@kessler-feinmechanik.example": ("Kessler Feinmechanik GmbH", Person.Role.ADMIN),
    "hr@lindner-kunststofftechnik.example": (
        "Lindner Kunststofftechnik GmbH & Co. KG",
        Person.Role.ADMIN,
    ),
    "m.weber@kessler-feinmechanik.example": ("Kessler Feinmechanik GmbH", Person.Role.EMPLOYEE),
}
LEGAL_SLUGS = ["impressum", "datenschutz", "barrierefreiheit"]


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One seeded network for the read-only tests of this module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed(force=True)
        yield
        transaction.set_rollback(True)


def row_counts():
    models = [
        model
        for label in ("members", "workshops", "cms", "account")
        for model in apps.get_app_config(label).get_models()
    ]
    models += [Page, Revision, Group, GroupPagePermission]
    return {model._meta.label: model.objects.count() for model in models}


# --- Running the command --------------------------------------------------------------------


@pytest.mark.django_db
def test_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1") as excinfo:
        seed()
    message = str(excinfo.value)
    assert "--force" in message
    assert "nur" in message and "only" in message  # German and English
    assert not Firm.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_second_run_changes_nothing(settings):
    settings.DEBUG = True
    seed()
    before = row_counts()
    enrolments = list(Enrolment.objects.values_list("pk", "person_id", "status", "created_at"))
    parts = list(WorkshopDate.objects.values_list("pk", "parts__starts_at", "parts__ends_at"))

    output = seed()

    assert row_counts() == before
    assert (
        list(Enrolment.objects.values_list("pk", "person_id", "status", "created_at")) == enrolments
    )
    assert (
        list(WorkshopDate.objects.values_list("pk", "parts__starts_at", "parts__ends_at")) == parts
    )
    assert "Neu angelegt: nichts" in output


@pytest.mark.django_db
def test_named_demo_accounts_log_in_with_the_demo_password(settings, client):
    settings.DEBUG = False
    output = seed(force=True)

    for email, membership in NAMED_ACCOUNTS.items():
        assert email in output
        user = authenticate(email=email, password=PASSWORD)
        assert user is not None, email
        assert authenticate(email=email, password="falsch-geraten-2026") is None
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True)
        if membership is None:
            assert user.is_staff and user.is_superuser
            assert user.get_full_name() == "Sabine Brenner"
        else:
            firm_name, role = membership
            assert user.people.get().firm.name == firm_name
            assert user.people.get().role == role
            assert not user.is_staff


@pytest.mark.django_db
def test_every_demo_account_passes_the_allauth_login(settings, client):
    settings.DEBUG = True
    seed()
    demo_users = User.objects.all()
    assert demo_users.count() >= 10
    for user in demo_users:
        response = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302, (user.email, response.content[:500])
        assert "confirm-email" not in response["Location"], user.email
        if user.is_staff:
            # Staff have a second factor; the demo code comes from `demo_totp`.
            assert response["Location"] == reverse("mfa_authenticate"), user.email
            code = StringIO()
            call_command("demo_totp", user.email, stdout=code, stderr=StringIO())
            response = client.post(reverse("mfa_authenticate"), {"code": code.getvalue().strip()})
            assert response.status_code == 302, (user.email, response.content[:500])
        assert int(client.session["_auth_user_id"]) == user.pk
        client.logout()


@pytest.mark.django_db
def test_demo_totp_is_refused_without_debug(settings):
    settings.DEBUG = True
    seed()
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_totp", "buero@verbund.example", stdout=StringIO())


# --- The network ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_firms_are_active_manufacturers_in_the_stuttgart_region(demo):
    active = Firm.objects.filter(status=Firm.Status.ACTIVE)
    assert active.count() >= 8
    assert set(active.values_list("sector", flat=True)) == {Firm.Sector.C}
    assert active.values("district").distinct().count() >= 5
    assert set(active.values_list("district__name", flat=True)) <= {
        "Stuttgart",
        "Böblingen",
        "Esslingen",
        "Göppingen",
        "Ludwigsburg",
        "Rems-Murr-Kreis",
    }
    sizes = set(active.values_list("employee_count", flat=True))
    assert min(sizes) < 10 and max(sizes) >= 200
    for firm in active:
        assert len(firm.postal_code) == 5 and firm.postal_code[0] == "7", firm
    assert {"Kessler Feinmechanik GmbH", "Lindner Kunststofftechnik GmbH & Co. KG"} <= set(
        active.values_list("name", flat=True)
    )
    assert Firm.objects.filter(status=Firm.Status.APPLIED).count() == 1


@pytest.mark.django_db
def test_every_firm_has_a_logged_in_admin_and_three_to_fifteen_employees(demo):
    for firm in Firm.objects.all():
        admins = firm.people.filter(role=Person.Role.ADMIN)
        assert admins.count() == 1, firm
        assert admins.get().user is not None, firm
        employees = firm.people.filter(role=Person.Role.EMPLOYEE)
        assert 3 <= employees.count() <= 15, firm
        assert employees.filter(user__isnull=True).count() > employees.count() / 2, firm
    contacts = Person.objects.filter(role=Person.Role.CONTACT)
    assert contacts.exists()
    assert not contacts.filter(user__isnull=True).exists()


@pytest.mark.django_db
def test_staff_group_reaches_the_admin_and_edits_pages(demo):
    group = Group.objects.get(name="Koordinierungsstelle")
    staff = User.objects.filter(is_staff=True)
    assert staff.count() == 2
    assert set(group.user_set.all()) == set(staff)
    second = staff.get(is_superuser=False)
    for permission in (
        "wagtailadmin.access_admin",
        "members.change_firm",
        "members.view_person",
        "workshops.add_workshopdate",
        "workshops.change_enrolment",
        "cms.change_topic",
    ):
        assert second.has_perm(permission), permission
    assert not second.has_perm("members.change_user")
    home = HomePage.objects.get()
    assert home.permissions_for_user(second).can_publish()
    assert home.permissions_for_user(second).can_add_subpage()


# --- Workshops -----------------------------------------------------------------------------


def upcoming_dates():
    """The demo's dates still ahead (besides them: dates that took place, one today)."""
    return WorkshopDate.objects.filter(parts__starts_at__gt=timezone.now()).distinct()


@pytest.mark.django_db
def test_exactly_one_date_is_full_with_three_on_the_waiting_list(demo):
    dates = upcoming_dates()
    assert dates.count() >= 8
    full = []
    for workshop_date in dates:
        statuses = Counter(workshop_date.enrolments.values_list("status", flat=True))
        seats = sum(statuses[status] for status in SEAT_HOLDING)
        assert seats <= workshop_date.capacity, workshop_date
        if statuses[Enrolment.Status.WAITLISTED]:
            full.append((workshop_date, seats, statuses[Enrolment.Status.WAITLISTED]))
        else:
            assert workshop_date.status == WorkshopDate.Status.OPEN
    assert len(full) == 1
    workshop_date, seats, waiting = full[0]
    assert workshop_date.status == WorkshopDate.Status.FULL
    assert seats == workshop_date.capacity
    assert waiting == 3
    queue = list(workshop_date.enrolments.order_by("created_at"))
    assert [e.status for e in queue[-3:]] == [Enrolment.Status.WAITLISTED] * 3

    nearly_full = [
        d
        for d in dates
        if 1 <= d.capacity - d.enrolments.filter(status__in=SEAT_HOLDING).count() <= 2
    ]
    assert nearly_full


@pytest.mark.django_db
def test_enrolments_respect_the_seats_per_firm(demo):
    for workshop_date in WorkshopDate.objects.exclude(firm_limit=None):
        per_firm = Counter(
            workshop_date.enrolments.exclude(status=Enrolment.Status.CANCELLED).values_list(
                "person__firm", flat=True
            )
        )
        assert max(per_firm.values()) <= workshop_date.firm_limit, workshop_date
    assert not Enrolment.objects.exclude(person__firm__status=Firm.Status.ACTIVE).exists()


@pytest.mark.django_db
def test_markus_weber_has_a_confirmed_seat(demo):
    weber = Person.objects.get(user__email="m.weber@kessler-feinmechanik.example")
    assert (weber.first_name, weber.last_name) == ("Markus", "Weber")
    assert weber.enrolments.filter(status=Enrolment.Status.CONFIRMED).exists()


@pytest.mark.django_db
def test_dates_lie_in_the_next_three_months_with_sensible_deadlines(demo):
    now = timezone.now()
    dates = list(upcoming_dates().prefetch_related("parts"))
    for workshop_date in dates:
        parts = sorted(workshop_date.parts.all(), key=lambda part: part.starts_at)
        assert parts, workshop_date
        first = parts[0].starts_at
        assert now < first < now + timedelta(days=93), workshop_date
        assert now < workshop_date.enrolment_deadline < first - timedelta(days=2)
        assert workshop_date.cancellation_deadline == first - timedelta(days=3)
        assert 8 <= workshop_date.capacity <= 16
        for part in parts:
            assert timezone.localtime(part.starts_at).weekday() < 5
        if workshop_date.online_url:
            assert workshop_date.district is None
        else:
            assert workshop_date.district is not None and workshop_date.venue_street
    assert any(len(d.parts.all()) == 3 for d in dates)
    assert sum(bool(d.online_url) for d in dates) == 1
    assert any(d.firm_limit for d in dates)


@pytest.mark.django_db
def test_every_topic_has_a_live_workshop_series(demo):
    assert set(Topic.objects.values_list("name", flat=True)) >= {
        "Robotik",
        "3D-Druck",
        "Digitale Lerneinheiten",
        "KI im Betrieb",
    }
    series = WorkshopSeriesPage.objects.live()
    assert series.count() >= 4
    assert set(series.values_list("topic__name", flat=True)) == set(
        Topic.objects.values_list("name", flat=True)
    )
    assert series.filter(price_member=0).exists()
    for page in series:
        assert page.dates.exists(), page
        assert len(page.body) >= 3 and page.learning_outcomes and page.trainer, page


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_legal_pages_are_live_and_linked_from_the_footer(demo, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    office = OfficeSettings.for_site(HomePage.objects.get().get_site())
    pages = [office.imprint_page, office.privacy_page, office.accessibility_page]
    assert [page.slug for page in pages] == LEGAL_SLUGS
    for page in pages:
        assert page.live
        assert f'href="{page.url}"' in html, page.url


@pytest.mark.parametrize(
    "path, phrases",
    [
        (
            "/impressum/",
            [
                "§ 5",
                "§ 18 Abs. 2 MStV",
                "HRB",
                "Umsatzsteuer-Identifikationsnummer",
                "0711",
                "buero@verbund.example",
            ],
        ),
        (
            "/datenschutz/",
            [
                "Art. 6 Abs. 1 lit. b",
                "Art. 6 Abs. 1 lit. a",
                "fünf Jahre",
                "Art. 15",
                "Art. 21",
                "Landesbeauftragte",
                "Baden-Württemberg",
                "keine extern geladenen Schriften",
            ],
        ),
        (
            "/barrierefreiheit/",
            [
                "teilweise vereinbar",
                "WCAG 2.1",
                "BITV 2.0",
                "PDF",
                "barrierefreiheit@verbund.example",
                "Schlichtung",
            ],
        ),
        ("/leichte-sprache/", ["Weiter-Bildung bedeutet", "Ein Workshop ist ein Kurs."]),
        ("/ueber-uns/", ["Koordinierungsstelle", "ESF Plus", "Lotsennetzwerk"]),
    ],
)
@pytest.mark.django_db
def test_content_pages_are_complete(demo, client, path, phrases):
    response = client.get(path)
    assert response.status_code == 200
    text = response.content.decode()
    for phrase in phrases:
        assert phrase in text, (path, phrase)
    for placeholder in ("lorem", "TODO", "Lorem"):
        assert placeholder not in text


@pytest.mark.django_db
def test_home_page_shows_the_offer_and_the_menu(demo, client):
    html = client.get("/").content.decode()
    home = HomePage.objects.get()
    assert home.firm_cta_title and home.firm_cta_title in html
    assert 'href="/workshops/"' in html and 'href="/ueber-uns/"' in html
    assert "Einstieg in die Robotik" in html  # an upcoming date
    assert StandardPage.objects.live().count() >= 5


@pytest.mark.django_db
def test_funding_programmes_carry_source_and_check_date(demo, client):
    from cms.models import FundingProgrammePage

    programmes = FundingProgrammePage.objects.live()
    assert set(programmes.values_list("slug", flat=True)) == {
        "beschaeftigtenqualifizierung-82-sgb-iii",
        "qualifizierungsgeld",
        "aufstiegs-bafoeg",
        "esf-plus-fachkurse-baden-wuerttemberg",
        "berufsabschluss-nachholen-81-sgb-iii",
    }
    for programme in programmes:
        assert programme.legal_source and programme.source_url, programme
        assert programme.checked_on.year == 2026 and programme.checked_on.month in (11, 12)
    sgb82 = programmes.get(slug="beschaeftigtenqualifizierung-82-sgb-iii")
    assert sgb82.alternative_without_qualification.slug == "berufsabschluss-nachholen-81-sgb-iii"
    assert [p.slug for p in sgb82.not_combinable_with.all()] == ["qualifizierungsgeld"]
    assert not programmes.filter(title__icontains="Bildungsprämie").exists()
    esf = programmes.get(slug="esf-plus-fachkurse-baden-wuerttemberg")
    assert esf.federal_states == ["BW"]
    assert set(esf.series.values_list("topic__slug", flat=True)) >= {"robotik", "3d-druck"}
    assert client.get("/foerderung/").status_code == 200


@pytest.mark.django_db
def test_the_funding_check_tells_a_40_person_firm_what_fits(demo, client):
    response = client.get(
        "/foerder-check/",
        {
            "beschaeftigte": "40",
            "alter": "38",
            "berufsabschluss": "ja",
            "abschluss_jahr": "2012",
            "stunden": "160",
            "traeger_zugelassen": "ja",
            "kurs_zugelassen": "ja",
            "bundesland": "BW",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Qualifizierung von Beschäftigten (§ 82 SGB III)" in html
    assert "Lehrgangskosten: 100 %" in html
    assert "passt wahrscheinlich" in html and "passt nicht" in html
    assert 'href="/foerderung/beschaeftigtenqualifizierung-82-sgb-iii/"' in html


@pytest.mark.django_db
def test_topic_pages_and_news_are_live_and_on_the_home_page(demo, client):
    from cms.models import NewsPage, TopicPage

    assert set(TopicPage.objects.live().values_list("topic__name", flat=True)) == set(
        Topic.objects.values_list("name", flat=True)
    )
    news = NewsPage.objects.live().order_by("-date")
    assert 2 <= news.count() <= 3
    html = client.get("/").content.decode()
    assert 'href="/themen/robotik/"' in html
    assert news.first().title in html
    assert 'href="/foerder-check/"' in html
    assert 'href="/kalender/thema/robotik.ics"' in client.get("/themen/robotik/").content.decode()


@pytest.mark.django_db
def test_page_edits_go_through_an_approval_workflow_the_office_approves(demo):
    home = HomePage.objects.get()
    workflow = home.get_workflow()
    assert workflow is not None and workflow.active
    approvers = {
        group.name
        for task in workflow.tasks.specific()
        for group in getattr(task, "groups", Group.objects.none()).all()
    }
    assert "Koordinierungsstelle" in approvers


# --- Everything can be tried right after loading the demo ----------------------------------


@pytest.mark.django_db
def test_the_demo_has_past_dates_with_attendance_certificates_and_feedback(demo, client):
    from workshops.models import Attendance, Feedback

    past = WorkshopDate.objects.filter(status=WorkshopDate.Status.DONE)
    assert past.count() >= 2
    assert all(date.parts.first().ends_at < timezone.now() for date in past)
    attended = Attendance.objects.filter(status=Attendance.Status.ATTENDED, part__date__in=past)
    assert attended.exists()
    assert Attendance.objects.filter(status=Attendance.Status.NO_SHOW).exists()
    assert Feedback.objects.filter(enrolment__date__in=past).count() >= 6

    # Markus Weber (a demo login) took part and downloads his certificate.
    enrolment = Enrolment.objects.get(
        date__in=past, person__email="m.weber@kessler-feinmechanik.example"
    )
    assert Attendance.objects.filter(enrolment=enrolment, status="attended").exists()
    client.force_login(User.objects.get(email="m.weber@kessler-feinmechanik.example"))
    certificate = client.get(reverse("documents:certificate", args=[enrolment.pk]))
    assert certificate.status_code == 200
    assert certificate["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_the_trainer_can_take_attendance_today(demo, client):
    from workshops.models import Attendance

    trainer = User.objects.get(email="trainer@verbund.example")
    now = timezone.now()
    [today] = [
        date
        for date in WorkshopDate.objects.filter(trainers=trainer)
        if date.parts.filter(starts_at__lte=now, ends_at__gt=now).exists()
    ]
    part = today.parts.get()
    assert timezone.localdate(part.starts_at) == timezone.localdate()
    seated = list(today.enrolments.filter(status=Enrolment.Status.CONFIRMED))
    assert seated

    client.force_login(trainer)
    url = reverse("workshops:trainer_date", args=[today.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "part": part.pk,
            **{f"teil-{part.pk}-enrolment-{e.pk}": "attended" for e in seated},
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(part=part, status="attended").count() == len(seated)


@pytest.mark.django_db
def test_the_demo_has_the_look_and_pages_of_a_regional_portal(demo, client):
    from cms.models import SignLanguagePage

    office = OfficeSettings.for_default_site()
    assert office.logo.file.name.endswith(".svg")
    assert office.easy_language_page.slug == "leichte-sprache"
    sign = SignLanguagePage.objects.live().get()
    assert office.sign_language_page.pk == sign.pk
    assert "Koordinierungsstelle" in sign.supplied_by and "Platzhalter" in sign.supplied_by
    assert "Willkommen" in sign.transcript
    assert all(topic.image_id for topic in Topic.objects.all())
    home = client.get("/").content.decode()
    assert "Was möchten Sie lernen?" in home and sign.url in home
