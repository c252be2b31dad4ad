"""API v1, workshop part: /api/v1/offers and /api/v1/enrolments."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from wagtail.models import APIToken

from cms.models import WorkshopSeriesPage
from members.models import Person
from tests.factories import (
    DistrictFactory,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    TopicFactory,
    UserFactory,
    WorkshopDateFactory,
    WorkshopSeriesPageFactory,
    berlin,
)
from workshops.models import Enrolment, WorkshopDate
from workshops.services.enrolment import waitlist_position

pytestmark = pytest.mark.django_db

SITE = "https://verbund.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def bearer(user):
    _token, plaintext = APIToken.create_token(user=user, name="Test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def post(client, url, data=None, **headers):
    body = data if isinstance(data, str | bytes) else json.dumps(data or {})
    return client.post(url, body, content_type="application/json", **headers)


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["message"]
    # Every error carries the machine-readable reason the schema documents.
    assert isinstance(data.get("code"), str) and data["code"], data
    return data


def next_year(month, day, hour=9):
    return berlin(date(timezone.localdate().year + 1, month, day), hour)


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def firm():
    return FirmFactory(name="Kessler Feinmechanik GmbH")


@pytest.fixture
def admin(firm):
    return PersonFactory(firm=firm, admin=True)


@pytest.fixture
def auth(admin):
    return bearer(admin.user)


@pytest.fixture
def employee(firm):
    return PersonFactory(firm=firm, first_name="Jana", last_name="Aigner")


@pytest.fixture
def other_firm_person():
    return PersonFactory(firm=FirmFactory(name="Fremdfirma AG"))


# --- Offers: fields -------------------------------------------------------------------------


def test_offer_has_every_field_with_berlin_offsets(client):
    topic = TopicFactory(name="Robotik", slug="robotik")
    series = WorkshopSeriesPageFactory(
        title="Einstieg in die Robotik", topic=topic, format=WorkshopSeriesPage.Format.PRESENCE
    )
    winter, summer = next_year(1, 12), next_year(7, 7, 13)
    offer = WorkshopDateFactory(
        series=series,
        starts_at=winter,
        capacity=10,
        parts=[(winter, winter + timedelta(hours=7)), (summer, summer + timedelta(hours=3))],
        venue_name="Technologiezentrum",
        venue_street="Gutenbergstraße 5",
        venue_postal_code="72764",
        venue_city="Reutlingen",
        district=DistrictFactory(name="Landkreis Reutlingen", slug="reutlingen"),
        online_url="https://meet.example/geheim",
    )
    offer.parts.filter(starts_at=summer).update(title="Praxistag")
    EnrolmentFactory(date=offer)
    EnrolmentFactory(date=offer, status=Enrolment.Status.CANCELLED)

    response = client.get("/api/v1/offers")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    series_url = SITE + series.url
    year = winter.year
    assert data["items"] == [
        {
            "id": offer.pk,
            "series": {"title": "Einstieg in die Robotik", "url": series_url},
            "topic": {"name": "Robotik", "slug": "robotik"},
            "parts": [
                {
                    "title": "",
                    "start": f"{year}-01-12T09:00:00+01:00",
                    "end": f"{year}-01-12T16:00:00+01:00",
                },
                {
                    "title": "Praxistag",
                    "start": f"{year}-07-07T13:00:00+02:00",
                    "end": f"{year}-07-07T16:00:00+02:00",
                },
            ],
            "format": "presence",
            "location": {
                "name": "Technologiezentrum",
                "street": "Gutenbergstraße 5",
                "postal_code": "72764",
                "city": "Reutlingen",
                "district": "Landkreis Reutlingen",
            },
            "capacity": 10,
            "free_seats": 9,
            "waitlist_length": 0,
            "enrolment_deadline": f"{year}-01-05T09:00:00+01:00",
            "url": f"{series_url}#termin-{offer.pk}",
            "ical_url": f"{SITE}/kalender/termin/{offer.pk}.ics",
        }
    ]
    assert series_url.startswith(SITE + "/")
    assert "meet.example" not in response.content.decode()
    assert client.get(f"/api/v1/offers/{offer.pk}").json() == data["items"][0]


def test_online_offer_has_no_location_and_never_shows_the_link(client):
    offer = WorkshopDateFactory(
        series__format=WorkshopSeriesPage.Format.ONLINE,
        venue_name="",
        venue_street="",
        venue_postal_code="",
        venue_city="",
        online_url="https://meet.example/geheim",
    )
    item = client.get("/api/v1/offers").json()["items"][0]
    assert item["format"] == "online"
    assert item["location"] is None
    detail = client.get(f"/api/v1/offers/{offer.pk}")
    assert detail.json()["location"] is None
    assert "meet.example" not in detail.content.decode()


def test_hybrid_offer_has_a_location(client):
    WorkshopDateFactory(series__format=WorkshopSeriesPage.Format.HYBRID)
    item = client.get("/api/v1/offers").json()["items"][0]
    assert item["format"] == "hybrid"
    assert item["location"]["city"] == "Reutlingen"
    assert item["location"]["district"] is None


def test_seats_count_confirmed_and_offered_and_the_waiting_list(client):
    offer = WorkshopDateFactory(capacity=3)
    EnrolmentFactory.create_batch(2, date=offer)
    EnrolmentFactory(
        date=offer,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + timedelta(hours=48),
    )
    EnrolmentFactory.create_batch(2, date=offer, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(date=offer, status=Enrolment.Status.DECLINED)
    item = client.get(f"/api/v1/offers/{offer.pk}").json()
    assert (item["capacity"], item["free_seats"], item["waitlist_length"]) == (3, 0, 2)


def test_only_upcoming_public_dates_are_offered(client):
    shown = WorkshopDateFactory()
    planned = WorkshopDateFactory(status=WorkshopDate.Status.PLANNED)
    hidden = [
        WorkshopDateFactory(status=WorkshopDate.Status.CANCELLED),
        WorkshopDateFactory(status=WorkshopDate.Status.DONE),
        WorkshopDateFactory(starts_at=timezone.now() - timedelta(days=1)),
        WorkshopDateFactory(series__live=False),
    ]
    assert set(ids(client.get("/api/v1/offers"))) == {shown.pk, planned.pk}
    assert client.get(f"/api/v1/offers/{planned.pk}").status_code == 200
    for offer in hidden:
        assert_json_error(client.get(f"/api/v1/offers/{offer.pk}"), 404)
    assert_json_error(client.get("/api/v1/offers/999999"), 404)


def test_offers_are_sorted_by_first_part(client):
    series = WorkshopSeriesPageFactory()
    later = WorkshopDateFactory(series=series, starts_at=next_year(3, 1))
    first = WorkshopDateFactory(series=series, starts_at=next_year(1, 20))
    middle = WorkshopDateFactory(series=series, starts_at=next_year(2, 1))
    assert ids(client.get("/api/v1/offers")) == [first.pk, middle.pk, later.pk]


def test_offers_answer_anonymous_token_and_session_alike(client, admin, auth):
    WorkshopDateFactory()
    anonymous = client.get("/api/v1/offers").json()
    assert client.get("/api/v1/offers", **auth).json() == anonymous
    client.force_login(admin.user)
    assert client.get("/api/v1/offers").json() == anonymous


# --- Offers: filters ------------------------------------------------------------------------


def test_search_in_title_teaser_and_topic_ignoring_case(client):
    by_title = WorkshopDateFactory(series__title="Schweißroboter programmieren")
    by_teaser = WorkshopDateFactory(series__teaser="Cobots in der Montage einsetzen.")
    by_topic = WorkshopDateFactory(series__topic=TopicFactory(name="Additive Fertigung"))
    WorkshopDateFactory(series__title="Lean Management")
    assert ids(client.get("/api/v1/offers?q=SCHWEISS")) == []
    assert ids(client.get("/api/v1/offers?q=schweißroboter")) == [by_title.pk]
    assert ids(client.get("/api/v1/offers?q=COBOTS")) == [by_teaser.pk]
    assert ids(client.get("/api/v1/offers?q=additive")) == [by_topic.pk]
    assert len(ids(client.get("/api/v1/offers?q=%20%20"))) == 4


def test_a_very_long_search_is_no_error(client):
    WorkshopDateFactory()
    response = client.get("/api/v1/offers", {"q": "x" * 10_000})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_filter_by_topic_slug(client):
    robotik = WorkshopDateFactory(series__topic=TopicFactory(name="Robotik", slug="robotik"))
    WorkshopDateFactory(series__topic=TopicFactory(name="3D-Druck", slug="3d-druck"))
    assert ids(client.get("/api/v1/offers?topic=robotik")) == [robotik.pk]
    data = assert_json_error(client.get("/api/v1/offers?topic=gibt-es-nicht"), 404)
    assert data["code"] == "not_found"
    assert "Dieses Thema gibt es nicht" in data["errors"]["topic"][0]


def test_filter_by_format(client):
    online = WorkshopDateFactory(series__format="online")
    hybrid = WorkshopDateFactory(series__format="hybrid")
    presence = WorkshopDateFactory(series__format="presence")
    assert ids(client.get("/api/v1/offers?format=online")) == [online.pk]
    assert ids(client.get("/api/v1/offers?format=hybrid")) == [hybrid.pk]
    assert ids(client.get("/api/v1/offers?format=presence")) == [presence.pk]
    data = assert_json_error(client.get("/api/v1/offers?format=praesenz"), 400)
    assert "presence" in data["errors"]["format"][0]


def test_filter_by_first_day_inclusive(client):
    series = WorkshopSeriesPageFactory()
    jan = WorkshopDateFactory(series=series, starts_at=next_year(1, 10, 8))
    feb = WorkshopDateFactory(series=series, starts_at=next_year(2, 10, 23))
    # The second part lies in March, but only the first part's start counts.
    mar = WorkshopDateFactory(series=series, starts_at=next_year(3, 10), parts=1)
    year = jan.enrolment_deadline.year
    url = "/api/v1/offers"
    assert ids(client.get(url, {"date_from": f"{year}-02-10"})) == [feb.pk, mar.pk]
    assert ids(client.get(url, {"date_to": f"{year}-02-10"})) == [jan.pk, feb.pk]
    assert ids(client.get(url, {"date_from": f"{year}-01-11", "date_to": f"{year}-03-09"})) == [
        feb.pk
    ]
    assert ids(client.get(url, {"date_from": f"{year}-02-10", "date_to": f"{year}-02-10"})) == [
        feb.pk
    ]


def test_a_reversed_date_range_finds_nothing_and_invalid_dates_are_a_400(client):
    WorkshopDateFactory(starts_at=berlin(date(2030, 1, 15)))
    response = client.get("/api/v1/offers?date_from=2030-02-01&date_to=2030-01-01")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}
    for value in ("31.12.2030", "0", "1700000000", "2030-01-15T09:00:00"):
        data = assert_json_error(client.get("/api/v1/offers", {"date_from": value}), 400)
        assert "JJJJ-MM-TT" in data["errors"]["date_from"][0]


def test_free_only(client):
    full = WorkshopDateFactory(capacity=1)
    EnrolmentFactory(date=full)
    free = WorkshopDateFactory(capacity=2)
    EnrolmentFactory(date=free)
    assert set(ids(client.get("/api/v1/offers"))) == {full.pk, free.pk}
    assert ids(client.get("/api/v1/offers?free_only=true")) == [free.pk]


def test_offers_are_paginated(client):
    series = WorkshopSeriesPageFactory()
    start = next_year(1, 5)
    created = [
        WorkshopDateFactory(series=series, starts_at=start + timedelta(days=i)) for i in range(23)
    ]
    first = client.get("/api/v1/offers?page_size=10").json()
    third = client.get("/api/v1/offers?page_size=10&page=3").json()
    assert first["count"] == 23
    assert [item["id"] for item in first["items"]] == [d.pk for d in created[:10]]
    assert [item["id"] for item in third["items"]] == [d.pk for d in created[20:]]
    assert len(client.get("/api/v1/offers").json()["items"]) == 20
    assert "page" in assert_json_error(client.get("/api/v1/offers?page=0"), 400)["errors"]


def test_page_size_is_capped_at_100(client):
    series = WorkshopSeriesPageFactory()
    WorkshopDateFactory.create_batch(101, series=series)
    data = client.get("/api/v1/offers?page_size=500").json()
    assert data["count"] == 101
    assert len(data["items"]) == 100


@pytest.mark.parametrize("size", [3, 30])
def test_offers_query_count_does_not_grow(client, django_assert_max_num_queries, size):
    for _ in range(size):
        offer = WorkshopDateFactory(parts=3, district=DistrictFactory(slug="reutlingen"))
        EnrolmentFactory(date=offer)
        EnrolmentFactory(date=offer, status=Enrolment.Status.WAITLISTED)
    client.get("/api/v1/offers")  # warms the cache of site root paths
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/offers?page_size=100")
    assert len(response.json()["items"]) == size


# --- Enrolments: list -----------------------------------------------------------------------


def test_enrolment_endpoints_need_a_login(client):
    offer = WorkshopDateFactory()
    enrolment = EnrolmentFactory(date=offer)
    assert_json_error(client.get("/api/v1/enrolments"), 401)
    assert_json_error(post(client, "/api/v1/enrolments", {"offer": offer.pk, "employee": 1}), 401)
    for action in ("cancel", "accept", "decline"):
        assert_json_error(post(client, f"/api/v1/enrolments/{enrolment.pk}/{action}"), 401)
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.CONFIRMED


def test_list_shows_the_own_firms_enrolments_with_every_field(
    client, auth, firm, employee, other_firm_person
):
    offer = WorkshopDateFactory(capacity=1)
    EnrolmentFactory(date=offer, person=other_firm_person)
    waiting_elsewhere = EnrolmentFactory(
        date=offer, status=Enrolment.Status.WAITLISTED, person=PersonFactory()
    )
    mine = EnrolmentFactory(date=offer, person=employee, status=Enrolment.Status.WAITLISTED)
    data = client.get("/api/v1/enrolments", **auth).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item == {
        "id": mine.pk,
        "offer": offer.pk,
        "employee": {"id": employee.pk, "first_name": "Jana", "last_name": "Aigner"},
        "status": "waitlisted",
        "waitlist_position": 2,
        "offer_expires_at": None,
        "created_at": timezone.localtime(mine.created_at).isoformat(timespec="milliseconds"),
    }
    assert waitlist_position(mine) == 2
    assert waitlist_position(waiting_elsewhere) == 1


def test_offer_expiry_and_positions_in_the_list(client, auth, firm):
    offer = WorkshopDateFactory(capacity=1)
    expires = timezone.now() + timedelta(hours=48)
    offered = EnrolmentFactory(
        date=offer, person__firm=firm, status="offered", offer_expires_at=expires
    )
    waiting = [
        EnrolmentFactory(date=offer, person__firm=firm, status="waitlisted") for _ in range(3)
    ]
    items = {item["id"]: item for item in client.get("/api/v1/enrolments", **auth).json()["items"]}
    assert items[offered.pk]["waitlist_position"] is None
    assert items[offered.pk]["offer_expires_at"] == timezone.localtime(expires).isoformat(
        timespec="milliseconds"
    )
    assert [items[e.pk]["waitlist_position"] for e in waiting] == [1, 2, 3]
    assert [items[e.pk]["waitlist_position"] for e in waiting] == [
        waitlist_position(e) for e in waiting
    ]


def test_employee_sees_only_own_and_staff_sees_all(client, firm):
    me = PersonFactory(firm=firm, with_account=True)
    own = EnrolmentFactory(person=me)
    colleague = EnrolmentFactory(person__firm=firm)
    foreign = EnrolmentFactory()
    assert ids(client.get("/api/v1/enrolments", **bearer(me.user))) == [own.pk]
    client.force_login(me.user)
    assert ids(client.get("/api/v1/enrolments")) == [own.pk]
    client.logout()
    staff = UserFactory(staff=True)
    assert set(ids(client.get("/api/v1/enrolments", **bearer(staff)))) == {
        own.pk,
        colleague.pk,
        foreign.pk,
    }


def test_list_filters_by_date_and_status(client, auth, firm):
    first, second = WorkshopDateFactory(), WorkshopDateFactory()
    a = EnrolmentFactory(date=first, person__firm=firm)
    b = EnrolmentFactory(date=second, person__firm=firm)
    c = EnrolmentFactory(date=second, person__firm=firm, status="cancelled")
    assert ids(client.get(f"/api/v1/enrolments?date={first.pk}", **auth)) == [a.pk]
    assert set(ids(client.get(f"/api/v1/enrolments?date={second.pk}", **auth))) == {b.pk, c.pk}
    assert ids(client.get("/api/v1/enrolments?status=cancelled", **auth)) == [c.pk]
    assert ids(client.get(f"/api/v1/enrolments?status=confirmed&date={second.pk}", **auth)) == [
        b.pk
    ]
    data = assert_json_error(client.get("/api/v1/enrolments?status=storniert", **auth), 400)
    assert "status" in data["errors"]
    assert (
        "date"
        in assert_json_error(client.get("/api/v1/enrolments?date=abc", **auth), 400)["errors"]
    )


def test_enrolment_list_is_paginated_newest_first(client, auth, firm):
    offer = WorkshopDateFactory()
    now = timezone.now()
    created = [
        EnrolmentFactory(date=offer, person__firm=firm, created_at=now - timedelta(minutes=i))
        for i in range(25)
    ]
    first = client.get("/api/v1/enrolments?page_size=10", **auth).json()
    third = client.get("/api/v1/enrolments?page_size=10&page=3", **auth).json()
    assert first["count"] == 25
    assert [item["id"] for item in first["items"]] == [e.pk for e in created[:10]]
    assert [item["id"] for item in third["items"]] == [e.pk for e in created[20:]]


@pytest.mark.parametrize("size", [3, 30])
def test_enrolment_list_query_count_does_not_grow(
    client, auth, firm, django_assert_max_num_queries, size
):
    offer = WorkshopDateFactory(capacity=1)
    for i in range(size):
        EnrolmentFactory(
            date=offer, person__firm=firm, status="confirmed" if i == 0 else "waitlisted"
        )
    client.get("/api/v1/enrolments", **auth)  # marks the token as used
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/enrolments?page_size=100", **auth)
    assert len(response.json()["items"]) == size


# --- Enrolments: create ---------------------------------------------------------------------


def test_enrol_confirms_and_then_waitlists(client, auth, firm, employee):
    offer = WorkshopDateFactory(capacity=1)
    response = post(
        client, "/api/v1/enrolments", {"offer": offer.pk, "employee": employee.pk}, **auth
    )
    assert response.status_code == 201
    enrolment = Enrolment.objects.get(date=offer, person=employee)
    assert response.json() == {"id": enrolment.pk, "status": "confirmed"}
    assert enrolment.enrolled_by.pk == Person.objects.get(firm=firm, role="admin").user_id

    colleague = PersonFactory(firm=firm)
    response = post(
        client, "/api/v1/enrolments", {"offer": offer.pk, "employee": colleague.pk}, **auth
    )
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"


def test_enrol_with_the_browser_session_needs_csrf(admin, employee):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin.user)
    offer = WorkshopDateFactory()
    response = post(browser, "/api/v1/enrolments", {"offer": offer.pk, "employee": employee.pk})
    assert_json_error(response, 403)
    assert not Enrolment.objects.exists()


def test_firm_limit_without_waitlist_is_a_409(client, auth, firm):
    offer = WorkshopDateFactory(capacity=5, firm_limit=1)
    EnrolmentFactory(date=offer, person__firm=firm)
    person = PersonFactory(firm=firm)
    response = post(
        client,
        "/api/v1/enrolments",
        {"offer": offer.pk, "employee": person.pk, "waitlist": False},
        **auth,
    )
    data = assert_json_error(response, 409)
    assert data["code"] == "no_seat"
    assert "Höchstzahl" in data["message"]
    assert not Enrolment.objects.filter(person=person).exists()


def test_deadline_passed_is_a_409(client, auth, employee):
    offer = WorkshopDateFactory(enrolment_deadline=timezone.now() - timedelta(minutes=1))
    response = post(
        client, "/api/v1/enrolments", {"offer": offer.pk, "employee": employee.pk}, **auth
    )
    assert assert_json_error(response, 409)["code"] == "deadline_passed"
    assert not Enrolment.objects.exists()


def test_enrolling_twice_is_a_409(client, auth, employee):
    offer = WorkshopDateFactory()
    body = {"offer": offer.pk, "employee": employee.pk}
    assert post(client, "/api/v1/enrolments", body, **auth).status_code == 201
    data = assert_json_error(post(client, "/api/v1/enrolments", body, **auth), 409)
    assert data["code"] == "already_enrolled"
    assert Enrolment.objects.filter(person=employee).count() == 1


def test_other_rule_errors_carry_their_code(client, auth, firm):
    left = PersonFactory(firm=firm, left_on=timezone.localdate())
    offer = WorkshopDateFactory()
    data = assert_json_error(
        post(client, "/api/v1/enrolments", {"offer": offer.pk, "employee": left.pk}, **auth), 409
    )
    assert data["code"] == "person_left"
    cancelled = WorkshopDateFactory(status=WorkshopDate.Status.CANCELLED)
    data = assert_json_error(
        post(
            client,
            "/api/v1/enrolments",
            {"offer": cancelled.pk, "employee": PersonFactory(firm=firm).pk},
            **auth,
        ),
        409,
    )
    assert data["code"] == "cancelled"


def test_unknown_offer_or_another_firms_employee_is_a_404(
    client, auth, employee, other_firm_person
):
    offer = WorkshopDateFactory()
    data = assert_json_error(
        post(client, "/api/v1/enrolments", {"offer": 999999, "employee": employee.pk}, **auth),
        404,
    )
    assert data["code"] == "not_found"
    data = assert_json_error(
        post(
            client,
            "/api/v1/enrolments",
            {"offer": offer.pk, "employee": other_firm_person.pk},
            **auth,
        ),
        404,
    )
    assert data["code"] == "not_found"
    assert_json_error(
        post(client, "/api/v1/enrolments", {"offer": offer.pk, "employee": 999999}, **auth), 404
    )
    assert not Enrolment.objects.exists()


def test_employee_self_enrolment_depends_on_the_firm(client, firm):
    me = PersonFactory(firm=firm, with_account=True)
    offer = WorkshopDateFactory()
    body = {"offer": offer.pk, "employee": me.pk}
    firm.allow_self_enrolment = False
    firm.save()
    assert_json_error(post(client, "/api/v1/enrolments", body, **bearer(me.user)), 404)
    firm.allow_self_enrolment = True
    firm.save()
    assert post(client, "/api/v1/enrolments", body, **bearer(me.user)).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"offer": 1}, "employee"),
        ({"employee": 1}, "offer"),
        ({"offer": "eins", "employee": 1}, "offer"),
        ({"offer": 1, "employee": 1, "status": "confirmed"}, "status"),
        ({"offer": 1, "employee": 1, "waitlist": "vielleicht"}, "waitlist"),
    ],
)
def test_bad_body_is_a_400_with_field_errors(client, auth, body, field):
    data = assert_json_error(post(client, "/api/v1/enrolments", body, **auth), 400)
    assert data["code"] == "invalid"
    assert field in data["errors"]
    assert not Enrolment.objects.exists()


def test_invalid_json_is_a_400(client, auth):
    assert_json_error(post(client, "/api/v1/enrolments", "{kein json", **auth), 400)


# --- Enrolments: cancel, accept, decline ----------------------------------------------------


def test_cancel_frees_the_seat_for_the_waiting_list(client, auth, firm):
    offer = WorkshopDateFactory(capacity=1)
    mine = EnrolmentFactory(date=offer, person__firm=firm)
    waiting = EnrolmentFactory(date=offer, status="waitlisted")
    response = post(client, f"/api/v1/enrolments/{mine.pk}/cancel", **auth)
    assert response.status_code == 200
    assert response.json() == {"id": mine.pk, "status": "cancelled"}
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.OFFERED
    data = assert_json_error(post(client, f"/api/v1/enrolments/{mine.pk}/cancel", **auth), 409)
    assert data["code"] == "already_cancelled"


def test_cancel_after_the_deadline_is_a_409(client, auth, firm):
    offer = WorkshopDateFactory(cancellation_deadline=timezone.now() - timedelta(hours=1))
    mine = EnrolmentFactory(date=offer, person__firm=firm)
    data = assert_json_error(post(client, f"/api/v1/enrolments/{mine.pk}/cancel", **auth), 409)
    assert data["code"] == "cancellation_deadline_passed"
    mine.refresh_from_db()
    assert mine.status == Enrolment.Status.CONFIRMED


def test_accept_and_decline_an_offer(client, auth, firm):
    offer = WorkshopDateFactory(capacity=2)
    expires = timezone.now() + timedelta(hours=48)
    first = EnrolmentFactory(
        date=offer, person__firm=firm, status="offered", offer_expires_at=expires
    )
    second = EnrolmentFactory(
        date=offer, person__firm=firm, status="offered", offer_expires_at=expires
    )
    response = post(client, f"/api/v1/enrolments/{first.pk}/accept", **auth)
    assert response.status_code == 200
    assert response.json() == {"id": first.pk, "status": "confirmed"}
    response = post(client, f"/api/v1/enrolments/{second.pk}/decline", **auth)
    assert response.json() == {"id": second.pk, "status": "declined"}
    for action in ("accept", "decline"):
        data = assert_json_error(
            post(client, f"/api/v1/enrolments/{first.pk}/{action}", **auth), 409
        )
        assert data["code"] == "no_offer"


def test_accepting_an_expired_offer_is_a_409(client, auth, firm):
    offer = WorkshopDateFactory(capacity=1)
    late = EnrolmentFactory(
        date=offer,
        person__firm=firm,
        status="offered",
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    waiting = EnrolmentFactory(date=offer, status="waitlisted")
    data = assert_json_error(post(client, f"/api/v1/enrolments/{late.pk}/accept", **auth), 409)
    assert data["code"] == "offer_expired"
    late.refresh_from_db()
    waiting.refresh_from_db()
    assert late.status == Enrolment.Status.EXPIRED
    assert waiting.status == Enrolment.Status.OFFERED


def test_another_firms_enrolment_is_a_404_everywhere(client, auth, other_firm_person):
    offer = WorkshopDateFactory(capacity=1)
    foreign = EnrolmentFactory(
        date=offer,
        person=other_firm_person,
        status="offered",
        offer_expires_at=timezone.now() + timedelta(hours=48),
    )
    for action in ("cancel", "accept", "decline"):
        data = assert_json_error(
            post(client, f"/api/v1/enrolments/{foreign.pk}/{action}", **auth), 404
        )
        assert data["code"] == "not_found"
    assert ids(client.get(f"/api/v1/enrolments?date={offer.pk}", **auth)) == []
    foreign.refresh_from_db()
    assert foreign.status == Enrolment.Status.OFFERED
    assert_json_error(post(client, "/api/v1/enrolments/999999/cancel", **auth), 404)


def test_wrong_method_answers_with_json(client, auth):
    response = client.get("/api/v1/enrolments/1/cancel", **auth)
    assert response.status_code in (404, 405)
    assert response["Content-Type"].startswith("application/json")


# --- OpenAPI --------------------------------------------------------------------------------


def test_openapi_lists_the_workshop_endpoints_in_german(client):
    schema = client.get("/api/v1/openapi.json").json()
    expected = {
        ("/api/v1/offers", "get"): "Kommende Termine auflisten",
        ("/api/v1/offers/{offer_id}", "get"): "Ein Termin",
        ("/api/v1/enrolments", "get"): "Anmeldungen auflisten",
        ("/api/v1/enrolments", "post"): "Person anmelden",
        ("/api/v1/enrolments/{enrolment_id}/cancel", "post"): "Anmeldung stornieren",
        ("/api/v1/enrolments/{enrolment_id}/accept", "post"): "Nachrückplatz annehmen",
        ("/api/v1/enrolments/{enrolment_id}/decline", "post"): "Nachrückplatz ablehnen",
    }
    for (path, method), summary in expected.items():
        operation = schema["paths"][path][method]
        assert operation["summary"] == summary
        assert operation["description"]


@pytest.mark.django_db
def test_an_absurd_page_number_is_a_clear_400_not_a_server_error(client):
    response = client.get("/api/v1/offers", {"page": "99999999999999999999999"})
    assert response.status_code == 400
    assert response.json()["errors"]["page"] == ["Der Wert darf höchstens 1000000 sein."]
    assert client.get("/api/v1/offers", {"page": "1000000"}).json()["items"] == []
