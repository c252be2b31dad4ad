"""The advice queue: an advisor never reaches another contact point's requests, through
any URL with an id (list, detail, notes, status change); nobody else reaches the queue."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import get_resolver, reverse
from django.urls.converters import IntConverter

from cms.models import AdviceNote, AdviceRequest

from .factories import UserFactory
from .test_advice import lotsen, refused_users  # noqa: F401 (fixture)
from .urlwalk import walk

# URL name in cms.urls -> the requests (method, form data) every such URL answers.
ADVICE_SCOPED = {
    "advice_request": (
        ("get", None),
        ("post", {"action": "status", "status-status": "done"}),
        ("post", {"action": "note", "note-text": "Fremde Notiz"}),
        ("post", {}),
    ),
}
QUEUE = "/beratung/anfragen/"


def id_patterns():
    return {
        pattern.name
        for pattern, _route in walk(get_resolver("cms.urls").url_patterns)
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    }


def state(advice_request):
    advice_request.refresh_from_db()
    notes = list(advice_request.notes.values_list("pk", flat=True))
    return advice_request.status, notes


def cases():
    return [
        pytest.param(name, method, data, id=f"{name}-{method}-{(data or {}).get('action', '')}")
        for name, requests in ADVICE_SCOPED.items()
        for method, data in requests
    ]


def test_every_advice_url_with_an_id_is_in_the_table():
    assert id_patterns() == set(ADVICE_SCOPED)


@pytest.mark.parametrize("name, method, data", cases())
@pytest.mark.django_db
def test_advisor_gets_404_for_another_contact_points_request(client, lotsen, name, method, data):  # noqa: F811
    other = lotsen["other_request"]
    before = state(other)
    client.force_login(lotsen["advisor"])

    response = getattr(client, method)(reverse(f"cms:{name}", args=[other.pk]), data)

    assert response.status_code == 404
    assert state(other) == before
    assert other.name not in response.content.decode()


@pytest.mark.parametrize("name, method, data", cases())
@pytest.mark.django_db
def test_advisor_reaches_their_own_requests(client, lotsen, name, method, data):  # noqa: F811
    """The same URLs answer for the own contact point, so the 404 above means something."""
    client.force_login(lotsen["advisor"])
    url = reverse(f"cms:{name}", args=[lotsen["own_request"].pk])

    response = getattr(client, method)(url, data)

    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_queue_lists_only_the_own_contact_point(client, lotsen):  # noqa: F811
    client.force_login(lotsen["advisor"])
    for status in ("", "new", "in_progress", "done"):
        html = client.get(QUEUE, {"status": status} if status else None).content.decode()
        assert lotsen["other_request"].name not in html
        assert f"{QUEUE}{lotsen['other_request'].pk}/" not in html


@pytest.mark.parametrize("role", ["admin", "contact", "employee", "trainer", "plain"])
@pytest.mark.django_db
def test_non_advisors_are_refused_everywhere(client, lotsen, role):  # noqa: F811
    users = refused_users()
    users["plain"] = UserFactory()
    client.force_login(users[role])
    request = lotsen["own_request"]
    before = state(request)

    assert client.get(QUEUE).status_code == 403
    for method, data in ADVICE_SCOPED["advice_request"]:
        response = getattr(client, method)(f"{QUEUE}{request.pk}/", data)
        assert response.status_code == 403, (method, data)
    assert state(request) == before
    assert not AdviceNote.objects.exists()


@pytest.mark.django_db
def test_for_user_per_role(lotsen):  # noqa: F811
    own, other = lotsen["own_request"], lotsen["other_request"]

    def scope(user):
        return set(AdviceRequest.objects.for_user(user).values_list("pk", flat=True))

    assert scope(UserFactory(is_staff=True)) == {own.pk, other.pk}
    assert scope(lotsen["advisor"]) == {own.pk}
    assert scope(lotsen["other_advisor"]) == {other.pk}
    assert scope(UserFactory()) == set()
    assert scope(AnonymousUser()) == set()
    lotsen["advisor"].groups.clear()
    assert scope(lotsen["advisor"]) == set()
