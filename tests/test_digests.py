"""The weekly overview for firm admins and the daily one for the coordination office."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail import get_connection
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Workflow, WorkflowState

from members.models import Firm, MembershipApplication
from tasks.models import Notification, Unsubscription
from tasks.services import outbox
from tests.factories import (
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
)
from workshops.models import Enrolment
from workshops.services import digests
from workshops.services.notifications import Category, Kind

pytestmark = pytest.mark.django_db

Status = Enrolment.Status


def deliver(row):
    backend = get_connection("django.core.mail.backends.locmem.EmailBackend")
    return outbox.deliver(row.pk, backend)


def in_days(days):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def firm_admin():
    return PersonFactory(admin=True, firm=FirmFactory(name="Kessler Feinmechanik GmbH"))


def employee(firm, **kwargs):
    return PersonFactory(firm=firm, **kwargs)


# --- Firm digest -------------------------------------------------------------------------


def test_firm_admins_get_their_employees_dates_and_open_offers_once_a_week(firm_admin):
    firm = firm_admin.firm
    soon = WorkshopDateFactory(starts_at=in_days(10), series__title="Cobots in der Praxis")
    later = WorkshopDateFactory(starts_at=in_days(45), series__title="Schweißen für Profis")
    offered = WorkshopDateFactory(starts_at=in_days(20), series__title="Lean im Büro")
    EnrolmentFactory(date=soon, person=employee(firm, first_name="Aylin", last_name="Öztürk"))
    EnrolmentFactory(date=later, person=employee(firm))
    EnrolmentFactory(
        date=soon,
        person=employee(firm, first_name="Marta", last_name="Weiß"),
        status=Status.WAITLISTED,
    )
    EnrolmentFactory(
        date=offered,
        person=employee(firm, first_name="Sören", last_name="Böhm"),
        status=Status.OFFERED,
        offer_expires_at=in_days(1),
    )
    other_firm = FirmFactory()
    EnrolmentFactory(date=soon, person=employee(other_firm, first_name="Fremd", last_name="Firma"))

    assert digests.queue_firm_digests() == 1
    assert digests.queue_firm_digests() == 0  # the same week: nothing new
    row = Notification.objects.get(kind=Kind.FIRM_DIGEST)
    assert row.person == firm_admin and row.version == digests.firm_digest_version()

    assert deliver(row) == Notification.State.SENT
    message = mail.outbox[0]
    assert message.to == [firm_admin.email]
    assert "Kessler Feinmechanik GmbH" in message.subject
    body = message.body
    assert "Cobots in der Praxis – Aylin Öztürk" in body
    assert "Schweißen für Profis" not in body  # more than four weeks ahead
    assert "Marta Weiß" not in body  # waiting, not confirmed
    assert "Sören Böhm: Lean im Büro" in body
    assert "Fremd Firma" not in body
    assert "Aylin Öztürk" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_firm_with_nothing_to_report_gets_no_digest(firm_admin):
    EnrolmentFactory(
        date=WorkshopDateFactory(starts_at=in_days(60)), person=employee(firm_admin.firm)
    )
    assert digests.queue_firm_digests() == 0
    # Content that disappears before the row is sent: the row is dropped, not sent.
    enrolment = EnrolmentFactory(
        date=WorkshopDateFactory(starts_at=in_days(5)), person=employee(firm_admin.firm)
    )
    assert digests.queue_firm_digests() == 1
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.CANCELLED)
    assert deliver(Notification.objects.get()) == Notification.State.CANCELLED
    assert mail.outbox == []


def test_unsubscribed_admins_and_inactive_firms_get_no_digest(firm_admin):
    EnrolmentFactory(
        date=WorkshopDateFactory(starts_at=in_days(5)), person=employee(firm_admin.firm)
    )
    Unsubscription.objects.create(user=firm_admin.user, category=Category.FIRM_DIGEST)
    applied = PersonFactory(admin=True, firm=FirmFactory(status=Firm.Status.APPLIED))
    EnrolmentFactory(date=WorkshopDateFactory(starts_at=in_days(5)), person=employee(applied.firm))
    assert digests.queue_firm_digests() == 0
    assert not Notification.objects.exists()


def test_a_row_for_an_unsubscribed_admin_is_not_sent(firm_admin):
    EnrolmentFactory(
        date=WorkshopDateFactory(starts_at=in_days(5)), person=employee(firm_admin.firm)
    )
    digests.queue_firm_digests()
    Unsubscription.objects.create(person=firm_admin, category=Category.FIRM_DIGEST)
    assert deliver(Notification.objects.get()) == Notification.State.CANCELLED
    assert mail.outbox == []


def firm_digest_queries(firm_admin, extra):
    firm = firm_admin.firm
    for _ in range(extra):
        EnrolmentFactory(date=WorkshopDateFactory(starts_at=in_days(7)), person=employee(firm))
        EnrolmentFactory(
            date=WorkshopDateFactory(starts_at=in_days(9)),
            person=employee(firm),
            status=Status.OFFERED,
            offer_expires_at=in_days(1),
        )
    Notification.objects.all().delete()
    digests.queue_firm_digests()
    row = Notification.objects.get()
    with CaptureQueriesContext(connection) as queries:
        assert deliver(row) == Notification.State.SENT
    return len(queries)


def test_the_firm_digest_needs_the_same_number_of_queries_for_more_rows(firm_admin):
    firm_digest_queries(firm_admin, 1)  # warms the caches (site, settings, content types)
    few = firm_digest_queries(firm_admin, 0)
    many = firm_digest_queries(firm_admin, 5)
    assert many == few


# --- Staff digest ------------------------------------------------------------------------


@pytest.fixture
def staff_user():
    return UserFactory(staff=True, email="buero@verbund.example")


def test_staff_get_a_daily_overview_of_what_needs_attention(staff_user):
    UserFactory()  # not staff: no digest
    UserFactory(staff=True, is_active=False)
    firm = FirmFactory()
    # A fresh enrolment, and one from last week.
    fresh = WorkshopDateFactory(
        starts_at=in_days(30), capacity=4, series__title="Automatisierung kompakt"
    )
    EnrolmentFactory(date=fresh, person=employee(firm, first_name="Janine", last_name="Groß"))
    old = EnrolmentFactory(date=fresh, person=employee(firm, first_name="Alt", last_name="Bekannt"))
    Enrolment.objects.filter(pk=old.pk).update(created_at=in_days(-8))
    # Deadline in three days: 2 of 10 seats are under half, 6 of 10 are not.
    risky = WorkshopDateFactory(
        starts_at=in_days(10), capacity=10, series__title="Robotik für Einsteiger"
    )
    risky.enrolment_deadline = in_days(3)
    risky.save()
    healthy = WorkshopDateFactory(
        starts_at=in_days(10), capacity=10, series__title="Gut gebuchter Workshop"
    )
    healthy.enrolment_deadline = in_days(3)
    healthy.save()
    for _ in range(2):
        EnrolmentFactory(date=risky, person=employee(firm))
    for _ in range(6):
        EnrolmentFactory(date=healthy, person=employee(firm))
    full = WorkshopDateFactory(
        starts_at=in_days(40), capacity=1, series__title="Ausgebuchter Workshop"
    )
    EnrolmentFactory(date=full, person=employee(firm))
    EnrolmentFactory(date=full, person=employee(firm), status=Status.WAITLISTED)
    applicant = FirmFactory(name="Neu GmbH", status=Firm.Status.APPLIED)
    MembershipApplication.objects.create(
        firm=applicant,
        contact_first_name="Björn",
        contact_last_name="Weiß",
        contact_email="b.weiss@neu.example",
        consent_text="ja",
        consent_given_at=timezone.now(),
    )
    page = WorkshopSeriesPageFactory(title="Seite in Prüfung")
    workflow = Workflow.objects.create(name="Freigabe")
    WorkflowState.objects.create(
        content_type=page.content_type,
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        workflow=workflow,
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    # Every enrolment above was made just now; keep only the intended one "new".
    Enrolment.objects.exclude(person__first_name="Janine").update(created_at=in_days(-3))

    assert digests.queue_staff_digests() == 1
    assert digests.queue_staff_digests() == 0  # the same day: nothing new
    row = Notification.objects.get(kind=Kind.STAFF_DIGEST)
    assert row.user == staff_user and row.version == timezone.localdate().isoformat()

    assert deliver(row) == Notification.State.SENT
    message = mail.outbox[0]
    body = message.body
    assert message.to == ["buero@verbund.example"]
    assert "1 neue Anmeldung seit gestern" in body
    assert "Janine Groß" in body and "Alt Bekannt" not in body
    assert "Robotik für Einsteiger" in body and "2 von 10 Plätzen belegt" in body
    assert "Gut gebuchter Workshop" not in body
    assert "Ausgebuchter Workshop" in body and "1 Person auf der Warteliste" in body
    assert "Neu GmbH" in body
    assert "Seite in Prüfung" in body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_an_empty_staff_digest_is_not_sent(staff_user):
    assert digests.queue_staff_digests() == 0
    assert not Notification.objects.exists()


def test_staff_who_turned_the_digest_off_get_none(staff_user):
    EnrolmentFactory()
    Unsubscription.objects.create(user=staff_user, category=Category.STAFF_DIGEST)
    other = UserFactory(staff=True)
    assert digests.queue_staff_digests() == 1
    assert Notification.objects.get().user == other


def staff_digest_queries(extra):
    firm = FirmFactory()
    for _ in range(extra):
        date = WorkshopDateFactory(starts_at=in_days(5), capacity=1)
        EnrolmentFactory(date=date, person=employee(firm))
        EnrolmentFactory(date=date, person=employee(firm), status=Status.WAITLISTED)
        risky = WorkshopDateFactory(starts_at=in_days(9), capacity=10)
        risky.enrolment_deadline = in_days(2)
        risky.save()
    Notification.objects.all().delete()
    digests.queue_staff_digests()
    row = Notification.objects.get()
    with CaptureQueriesContext(connection) as queries:
        assert deliver(row) == Notification.State.SENT
    return len(queries)


def test_the_staff_digest_needs_the_same_number_of_queries_for_more_rows(staff_user):
    staff_digest_queries(1)  # warms the caches (site, settings, content types)
    few = staff_digest_queries(0)
    many = staff_digest_queries(5)
    assert many == few
