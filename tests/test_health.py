import time

import pytest
from django.db import OperationalError

from tests.conftest import use_broker
from verbund.celery import app as celery_app

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_live_answers_without_io(client, django_assert_num_queries, monkeypatch):
    def no_broker(*args, **kwargs):
        raise AssertionError("the liveness probe must not talk to the broker")

    monkeypatch.setattr(celery_app, "connection_for_write", no_broker)
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_when_database_and_broker_answer(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": ["broker", "cache", "database"]}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_is_503_naming_the_broker_when_it_is_unreachable(client):
    configured = celery_app.conf.broker_url
    with use_broker(celery_app, UNREACHABLE_BROKER):
        started = time.monotonic()
        response = client.get("/healthz/ready")
        elapsed = time.monotonic() - started
    assert celery_app.conf.broker_url == configured
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert set(body["problems"]) == {"broker"}
    assert body["problems"]["broker"]
    assert elapsed < 10, "a dead broker must not hang the probe"


@pytest.mark.django_db
def test_ready_is_503_naming_the_database_when_it_fails(client, monkeypatch):
    from verbund import health

    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "_check_database", broken)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert set(response.json()["problems"]) == {"database"}


@pytest.mark.services
@pytest.mark.django_db
def test_ready_with_a_real_redis_broker(client, redis_url):
    with use_broker(celery_app, redis_url):
        response = client.get("/healthz/ready")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"


@pytest.mark.services
@pytest.mark.django_db
def test_ready_on_postgresql(client, require_postgres):
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.content
