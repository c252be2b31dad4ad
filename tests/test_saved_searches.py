"""Saved offer-finder searches: save, list and delete one's own, and the email about new dates."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.core.mail import get_connection
from django.utils import timezone

from members.models import SavedSearch
from members.services import saved_searches
from members.services.saved_searches import Category, Kind
from members.tasks import notify_saved_searches
from tasks.models import Notification, Unsubscription
from tasks.services import outbox
from tests.factories import (
    DistrictFactory,
    TopicFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
)

pytestmark = pytest.mark.django_db

FINDER = "/angebote/"
LIST = "/konto/suchen/"
SAVE = "/konto/suchen/speichern/"


def in_days(days):
    return berlin(timezone.localdate() + timedelta(days=days))


def text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def deliver(row):
    backend = get_connection("django.core.mail.backends.locmem.EmailBackend")
    return outbox.deliver(row.pk, backend)


@pytest.fixture
def robotics():
    topic = TopicFactory(name="Robotik", slug="robotik")
    DistrictFactory(name="Landkreis Reutlingen", slug="reutlingen")
    return WorkshopSeriesPageFactory(title="Cobots in der Montage", topic=topic)


@pytest.fixture
def user():
    return UserFactory(email="jana.schaefer@example.org", first_name="Jana", last_name="Schäfer")


def save(client, query):
    return client.post(SAVE, {"query": query})


# --- Saving, listing, deleting ---------------------------------------------------------------


def test_a_logged_in_user_saves_the_search_from_the_finder(client, user, robotics):
    client.force_login(user)
    page = client.get(FINDER, {"district": "reutlingen", "topic": "robotik", "q": ""})
    html = page.content.decode()
    assert "Suche speichern" in html
    hidden = re.search(r'name="query" value="([^"]*)"', html).group(1)
    assert unescape(hidden) == "topic=robotik&district=reutlingen"

    response = save(client, unescape(hidden))
    assert response.status_code == 302
    assert response["Location"] == LIST
    search = SavedSearch.objects.get(user=user)
    assert search.query == "topic=robotik&district=reutlingen"
    assert search.name == "Robotik · Landkreis Reutlingen"

    listing = client.get(LIST)
    assert "Robotik · Landkreis Reutlingen" in text(listing)
    assert f'href="/angebote/?{search.query.replace("&", "&amp;")}"' in listing.content.decode()

    # The same filters in another order are the same search.
    save(client, "district=reutlingen&topic=robotik&free_only=")
    assert SavedSearch.objects.filter(user=user).count() == 1


def test_anonymous_visitors_see_a_hint_to_log_in(client, robotics):
    page = client.get(FINDER, {"topic": "robotik"})
    assert "Suche speichern" not in page.content.decode()
    assert "Melden Sie sich an , um diese Suche zu speichern" in text(page)
    assert client.post(SAVE, {"query": "topic=robotik"}).status_code == 302
    assert not SavedSearch.objects.exists()
    assert client.get(LIST)["Location"].startswith("/konto/login/")


def test_an_empty_or_invalid_search_is_not_saved(client, user):
    client.force_login(user)
    response = client.post(SAVE, {"query": ""}, follow=True)
    assert "mindestens einen Filter" in text(response)
    response = client.post(SAVE, {"query": "date_from=2030-02-01&date_to=2030-01-01"}, follow=True)
    assert "ungültige Angaben" in text(response)
    assert client.post(SAVE, {"query": "x" * 50_000}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_users_see_and_delete_only_their_own_searches(client, user, robotics):
    mine = SavedSearch.objects.create(user=user, name="Meine Robotik", query="topic=robotik")
    other = SavedSearch.objects.create(
        user=UserFactory(), name="Fremde Suche", query="topic=robotik"
    )
    client.force_login(user)
    listing = text(client.get(LIST))
    assert "Meine Robotik" in listing
    assert "Fremde Suche" not in listing

    assert client.get(f"/konto/suchen/{other.pk}/loeschen/").status_code == 404
    assert client.post(f"/konto/suchen/{other.pk}/loeschen/").status_code == 404
    assert SavedSearch.objects.filter(pk=other.pk).exists()

    confirm = client.get(f"/konto/suchen/{mine.pk}/loeschen/")
    assert "Meine Robotik" in text(confirm)
    response = client.post(f"/konto/suchen/{mine.pk}/loeschen/", follow=True)
    assert "wurde gelöscht" in text(response)
    assert not SavedSearch.objects.filter(pk=mine.pk).exists()


# --- The email about new dates ---------------------------------------------------------------


def test_the_job_writes_one_email_with_the_new_dates_and_none_the_second_time(user, robotics):
    reutlingen = DistrictFactory(slug="reutlingen")
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        before = WorkshopDateFactory(series=robotics, district=reutlingen, starts_at=in_days(9))
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        search, _created = saved_searches.save_search(user, "topic=robotik&district=reutlingen")
    first = WorkshopDateFactory(series=robotics, district=reutlingen, starts_at=in_days(12))
    second = WorkshopDateFactory(
        series=robotics, district=reutlingen, starts_at=in_days(30), parts=2
    )
    WorkshopDateFactory(series=robotics, district=DistrictFactory(slug="tuebingen"))
    WorkshopDateFactory(series__topic=TopicFactory(slug="3d-druck"), district=reutlingen)

    notify_saved_searches()

    rows = Notification.objects.filter(kind=Kind.SAVED_SEARCH)
    assert rows.count() == 1
    row = rows.get()
    assert row.user == user
    assert row.context == {"date_ids": sorted([first.pk, second.pk])}
    search.refresh_from_db()
    assert set(search.notified_date_ids) == {first.pk, second.pk}
    assert before.pk not in search.notified_date_ids

    notify_saved_searches()
    assert rows.count() == 1

    # A later date is a new batch with its own email.
    third = WorkshopDateFactory(series=robotics, district=reutlingen, starts_at=in_days(40))
    notify_saved_searches()
    assert rows.count() == 2
    assert rows.order_by("-pk").first().context == {"date_ids": [third.pk]}


def test_the_email_lists_the_new_dates_with_links(user, robotics):
    reutlingen = DistrictFactory(slug="reutlingen")
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        saved_searches.save_search(user, "topic=robotik&district=reutlingen")
    new = WorkshopDateFactory(
        series=robotics, district=reutlingen, starts_at=in_days(12), capacity=8
    )
    saved_searches.notify_new_dates()
    row = Notification.objects.get(kind=Kind.SAVED_SEARCH)

    assert deliver(row) == Notification.State.SENT
    (message,) = mail.outbox
    assert message.to == ["jana.schaefer@example.org"]
    assert message.subject == "Neuer Termin zu Ihrer Suche „Robotik · Landkreis Reutlingen“"
    body = message.body
    assert "Guten Tag Jana Schäfer," in body
    assert "Cobots in der Montage" in body
    start = new.parts.get().starts_at
    assert f"{start:%d.%m.%Y}, 09:00–16:00 Uhr" in body
    assert "8 freie Plätze" in body
    assert f"{robotics.url}#termin-{new.pk}" in body
    assert "/angebote/?topic=robotik&district=reutlingen" in body
    assert "/konto/suchen/" in body
    assert "Diese E-Mails abbestellen" in body
    html = message.alternatives[0][0]
    assert f'#termin-{new.pk}"' in html
    assert message.extra_headers["List-Unsubscribe"]


def test_no_email_for_dates_that_existed_before_the_search(user, robotics):
    WorkshopDateFactory(series=robotics)
    saved_searches.save_search(user, "topic=robotik")
    saved_searches.notify_new_dates()
    assert not Notification.objects.filter(kind=Kind.SAVED_SEARCH).exists()


def test_a_deleted_search_or_a_cancelled_date_sends_nothing(user, robotics):
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        search, _created = saved_searches.save_search(user, "topic=robotik")
    new = WorkshopDateFactory(series=robotics)
    saved_searches.notify_new_dates()
    row = Notification.objects.get(kind=Kind.SAVED_SEARCH)
    new.status = new.Status.CANCELLED
    new.save()
    assert deliver(row) == Notification.State.CANCELLED
    assert mail.outbox == []

    WorkshopDateFactory(series=robotics)
    saved_searches.notify_new_dates()
    row = Notification.objects.filter(kind=Kind.SAVED_SEARCH).order_by("-pk").first()
    search.delete()
    assert deliver(row) == Notification.State.CANCELLED
    assert mail.outbox == []


def test_unsubscribed_users_get_no_saved_search_email(user, robotics):
    Unsubscription.objects.create(user=user, category=Category.SAVED_SEARCHES)
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        saved_searches.save_search(user, "topic=robotik")
    WorkshopDateFactory(series=robotics)
    saved_searches.notify_new_dates()
    row = Notification.objects.get(kind=Kind.SAVED_SEARCH)
    assert deliver(row) == Notification.State.CANCELLED
    assert mail.outbox == []


def test_the_job_runs_every_quarter_hour(settings):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "members.tasks.notify_saved_searches"
    ]
    assert [entry["schedule"] for entry in entries] == [15 * 60.0]
