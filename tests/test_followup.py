"""After a date: a thank-you note with certificate and feedback links for the people who
attended, once; the feedback form reached from it without signing in."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone

from tasks.models import Notification, Unsubscription
from tasks.services import outbox
from tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
)
from workshops.models import Attendance, Enrolment, Feedback, WorkshopDate
from workshops.services import feedback as feedback_service
from workshops.services.notifications import Category, Kind

pytestmark = pytest.mark.django_db


def locmem():
    return get_connection("django.core.mail.backends.locmem.EmailBackend")


def ended_date(days_ago=1, **kwargs):
    """A date whose only part ended `days_ago` days ago."""
    start = timezone.now() - timedelta(days=days_ago, hours=8)
    return WorkshopDateFactory(starts_at=start, **kwargs)


def attend(enrolment, status=Attendance.Status.ATTENDED):
    for part in enrolment.date.parts.all():
        Attendance.objects.create(enrolment=enrolment, part=part, status=status)
    return enrolment


def deliver_all(rows):
    connection = locmem()
    return [outbox.deliver(row.pk, connection) for row in rows]


def thank_you_rows():
    return Notification.objects.filter(kind=Kind.THANK_YOU)


def test_only_people_who_attended_are_thanked_and_only_once():
    date = ended_date()
    attended = attend(EnrolmentFactory(date=date, person=PersonFactory(with_account=True)))
    attend(EnrolmentFactory(date=date), Attendance.Status.NO_SHOW)
    EnrolmentFactory(date=date)  # nothing recorded
    cancelled_seat = attend(EnrolmentFactory(date=date))
    Enrolment.objects.filter(pk=cancelled_seat.pk).update(status=Enrolment.Status.CANCELLED)

    assert feedback_service.queue_thank_you_notes() == 1
    assert feedback_service.queue_thank_you_notes() == 0
    row = thank_you_rows().get()
    assert row.person == attended.person
    assert row.subject_object == attended

    assert deliver_all([row]) == [Notification.State.SENT]
    message = mail.outbox[0]
    assert message.to == [attended.person.email]
    assert date.series.title in message.subject
    certificate = reverse("documents:certificate", args=[attended.pk])
    assert certificate in message.body
    assert "/teilnahme/rueckmeldung/" in message.body
    html = message.alternatives[0][0]
    assert certificate in html and "/teilnahme/rueckmeldung/" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    # The job running again later writes nothing more.
    assert feedback_service.queue_thank_you_notes() == 0
    assert thank_you_rows().count() == 1


def test_no_thanks_before_the_last_part_ended_nor_for_a_cancelled_date():
    now = timezone.now()
    running = WorkshopDateFactory(
        starts_at=now - timedelta(days=1, hours=8), parts=2, parts__every=timedelta(days=2)
    )
    attend(EnrolmentFactory(date=running))  # attended the first part, the second is ahead
    cancelled = ended_date(status=WorkshopDate.Status.CANCELLED)
    attend(EnrolmentFactory(date=cancelled))
    long_ago = ended_date(days_ago=60)
    attend(EnrolmentFactory(date=long_ago))

    assert feedback_service.queue_thank_you_notes() == 0
    assert not thank_you_rows().exists()


def test_people_without_an_account_are_told_where_to_get_the_certificate():
    enrolment = attend(EnrolmentFactory(date=ended_date()))
    feedback_service.queue_thank_you_notes()
    deliver_all(thank_you_rows())
    body = mail.outbox[0].body
    assert reverse("documents:certificate", args=[enrolment.pk]) not in body
    assert "Firmenadministration" in body


def test_someone_who_turned_follow_ups_off_gets_no_thank_you():
    person = PersonFactory(with_account=True)
    attend(EnrolmentFactory(date=ended_date(), person=person))
    Unsubscription.objects.create(user=person.user, category=Category.FOLLOW_UP)
    feedback_service.queue_thank_you_notes()
    assert deliver_all(thank_you_rows()) == [Notification.State.CANCELLED]
    assert mail.outbox == []


# --- The feedback form -------------------------------------------------------------------


@pytest.fixture
def attended_enrolment():
    return attend(EnrolmentFactory(date=ended_date()))


def form_url(enrolment):
    return reverse("feedback:form", args=[feedback_service.make_token(enrolment)])


def test_the_form_opens_without_signing_in(client, attended_enrolment):
    response = client.get(form_url(attended_enrolment))
    assert response.status_code == 200
    html = response.content.decode()
    assert attended_enrolment.date.series.title in html
    assert "Wie zufrieden waren Sie mit dem Workshop insgesamt?" in html
    assert 'type="radio"' in html and 'name="rating"' in html
    assert "Was war hilfreich?" in html and "Was können wir verbessern?" in html


def test_a_bad_or_foreign_token_gives_404(client, attended_enrolment):
    assert client.get(reverse("feedback:form", args=["kaputt"])).status_code == 404
    forged = signing.dumps(attended_enrolment.pk, salt="something else")
    assert client.get(reverse("feedback:form", args=[forged])).status_code == 404
    no_attendance = EnrolmentFactory(date=attended_enrolment.date)
    assert client.get(form_url(no_attendance)).status_code == 404


def test_an_invalid_rating_is_explained_and_nothing_is_saved(client, attended_enrolment):
    for rating in ("7", "", "abc"):
        response = client.post(form_url(attended_enrolment), {"rating": rating})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bitte wählen Sie eine Bewertung von 1 bis 5." in html
        assert 'class="error-summary"' in html
        assert 'class="field-error"' in html
    assert not Feedback.objects.exists()


def test_an_answer_is_saved_once_and_a_second_is_refused_politely(client, attended_enrolment):
    url = form_url(attended_enrolment)
    response = client.post(
        url, {"rating": "4", "useful": "Die Übungen am Cobot.", "to_improve": ""}
    )
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Vielen Dank für Ihre Rückmeldung" in thanks.content.decode()
    answer = Feedback.objects.get()
    assert (answer.enrolment, answer.rating, answer.useful) == (
        attended_enrolment,
        4,
        "Die Übungen am Cobot.",
    )

    again = client.post(url, {"rating": "1", "to_improve": "alles"})
    assert again.status_code == 200
    assert "bereits erhalten" in again.content.decode()
    answer.refresh_from_db()
    assert answer.rating == 4 and Feedback.objects.count() == 1
    assert "bereits erhalten" in client.get(url).content.decode()


def test_the_thank_you_link_leads_to_the_form(client, attended_enrolment):
    feedback_service.queue_thank_you_notes()
    deliver_all(thank_you_rows())
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/teilnahme/rueckmeldung/" in line
    )
    path = link.strip().split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200


def test_staff_see_the_average_rating_per_date(client):
    date = ended_date()
    for rating in (5, 4, 2):
        feedback_service.submit(
            attend(EnrolmentFactory(date=date)), rating=rating, useful="Praxisnah"
        )
    client.force_login(UserFactory(superuser=True, totp=True))
    index = client.get(reverse("rueckmeldungen:index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert date.series.title in html
    assert "3,7 / 5" in html or "3.7 / 5" in html
    detail = client.get(reverse("rueckmeldungen:date", args=[date.pk])).content.decode()
    assert "Praxisnah" in detail


def test_only_staff_see_the_feedback_in_the_admin(client):
    firm_admin = PersonFactory(admin=True)
    client.force_login(firm_admin.user)
    assert client.get(reverse("rueckmeldungen:index")).status_code in (302, 403)


def test_thanking_many_people_takes_as_many_queries_as_thanking_few():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(attendees):
        date = ended_date()
        for _ in range(attendees):
            attend(EnrolmentFactory(date=date))
        with CaptureQueriesContext(connection) as queries:
            assert feedback_service.queue_thank_you_notes() == attendees
        return len(queries)

    assert queries_for(2) == queries_for(12)
