"""Redis down takes nothing down: a Redis server of the test's own is stopped mid-test.

While it is down, public pages, the login, the member area and an enrolment keep working,
`/healthz/ready` says 503 and why, and the enrolment's email waits in the outbox. Once the
same server is back, the site uses it again without a restart and the email goes out
exactly once.
"""

import shutil
import subprocess
import time

import pytest
from django.db import connection
from django.urls import reverse

from tasks.models import Notification
from tasks.services import outbox
from tests.conftest import (
    CeleryWorker,
    database_url,
    free_port,
    port_open,
    service_missing,
    settings_free_env,
    use_broker,
    wait_until,
)
from tests.factories import (
    DEFAULT_PASSWORD,
    FirmFactory,
    PersonFactory,
    WorkshopDateFactory,
)
from verbund.celery import app as celery_app
from workshops.models import Enrolment

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT = 120  # seconds, worker start-up included


class RedisServer:
    """A redis-server process of this test's own, on a free port, that keeps nothing."""

    def __init__(self, tmp_path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.tmp_path = tmp_path
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port, timeout=0.2):
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    if server.binary is None:
        service_missing("redis-server is not installed")
    server.start()
    yield server
    server.stop()


def written_to_redis(url):
    import redis
    from django.core.cache import caches

    caches["default"].set("back", "ja", 60)
    return redis.Redis.from_url(url).exists("outage:1:back")


def test_pages_login_and_enrolment_survive_redis_going_down(
    client, settings, redis_server, require_postgres, smtp_sink, tmp_path, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "verbund.cache.DegradingRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "outage",
        }
    }
    firm = FirmFactory(name="Kessler Feinmechanik GmbH")
    admin = PersonFactory(firm=firm, admin=True, email="chefin@kessler.example")
    azubi = PersonFactory(firm=firm, email="azubi@kessler.example")
    date = WorkshopDateFactory(series__title="Robotik kompakt")
    public_pages = ["/", "/angebote/", reverse("account_login"), date.series.url]

    with use_broker(celery_app, redis_server.url, default_queue="outage"):
        for path in public_pages:
            assert client.get(path).status_code == 200, path
        assert client.get("/healthz/ready").status_code == 200

        redis_server.stop()

        for path in public_pages:
            assert client.get(path).status_code == 200, path
        wrong = client.post(
            reverse("account_login"), {"login": admin.user.email, "password": "falsch"}
        )
        assert wrong.status_code == 200  # the form again, with its message
        signed_in = client.post(
            reverse("account_login"), {"login": admin.user.email, "password": DEFAULT_PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
        assert client.get(reverse("members:dashboard")).status_code == 200
        enrolled = client.post(reverse("enrolment:enrol", args=[date.pk]), {"person": [azubi.pk]})
        assert enrolled.status_code == 302
        assert client.get(enrolled.url).status_code == 200
        enrolment = Enrolment.objects.get(person=azubi, date=date)
        assert enrolment.status == Enrolment.Status.CONFIRMED

        ready = client.get("/healthz/ready")
        assert ready.status_code == 503
        assert {"broker", "cache"} <= set(ready.json()["problems"])
        assert any("Redis cache unreachable" in r.getMessage() for r in caplog.records)
        mail = Notification.objects.get(kind="enrolment_confirmed", person=azubi)
        assert mail.state == Notification.State.PENDING and mail.enqueued_at is None

        # The same server comes back: no restart of anything in this process.
        redis_server.start()
        wait_until(
            lambda: client.get("/healthz/ready").status_code == 200,
            timeout=30,
            message="readiness after Redis is back",
        )
        wait_until(
            lambda: written_to_redis(redis_server.url),
            timeout=30,
            message="the cache writing to Redis again",
        )
        env = settings_free_env(
            tmp_path,
            DEBUG="1",
            DATABASE_URL=database_url(connection.settings_dict),
            REDIS_URL=redis_server.url,
            EMAIL_URL=smtp_sink.url,
            CONN_MAX_AGE="0",
        )
        worker = CeleryWorker(env, "outage", tmp_path / "worker.log")
        try:
            assert outbox.sweep() == 1  # what the beat schedule does every 15 s
            wait_until(
                lambda: smtp_sink.received(),
                timeout=TIMEOUT,
                worker=worker,
                message="the confirmation",
            )
            time.sleep(2)
            assert outbox.sweep() == 0
        finally:
            worker.stop()

    [message] = smtp_sink.received()
    assert message["To"] == "azubi@kessler.example"
    assert "Robotik kompakt" in message["Subject"]
    mail.refresh_from_db()
    assert mail.state == Notification.State.SENT
