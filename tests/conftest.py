"""Shared fixtures.

Tests that need PostgreSQL, Redis or Chromium carry ``@pytest.mark.services`` and ask for
``require_postgres``, ``redis_url`` or ``chromium_path``. When the service is missing they
are skipped with a one-line reason; with ``REQUIRE_SERVICES=1`` (as in CI) they fail.
"""

import os
import shutil
import socket
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes", "on"}


def service_missing(reason: str):
    """Skip the test, or fail it when services are required."""
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# Environment variables the settings read.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "EMAIL_BACKEND",
    "MAIL_DIR",
    "MEDIA_ROOT",
    "CELERY_QUEUE_DIR",
    "DJANGO_SETTINGS_MODULE",
}


def settings_free_env(tmp_path: Path, **overrides) -> dict:
    """This process's environment without any of the settings' variables, for a subprocess.

    Queue and mail folders go under ``tmp_path``; ``overrides`` are added last.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SETTINGS_VARIABLES and not key.startswith(("CELERY_", "SECURE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="verbund.settings",
        CELERY_QUEUE_DIR=str(tmp_path / "celery"),
        MAIL_DIR=str(tmp_path / "mail"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


# --- Fast, isolated settings ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    """Fast password hashing; cache, mail and media files kept away from var/."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    scratch = tmp_path_factory.mktemp("site")
    settings.MAIL_DIR = scratch / "mail"
    settings.MEDIA_ROOT = str(scratch / "media")
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {"default": {**cache, "LOCATION": str(scratch / "cache")}}
    elif cache["BACKEND"].endswith("RedisCache"):
        # A fresh key space per test: rate limits and the like never leak between tests.
        prefix = f"{cache.get('KEY_PREFIX', 'verbund')}-test-{uuid.uuid4().hex[:12]}"
        settings.CACHES = {"default": {**cache, "KEY_PREFIX": prefix}}


@pytest.fixture(scope="session", autouse=True)
def _isolated_celery_queue(tmp_path_factory):
    """Tasks queued by tests never land in the development worker's queue folder."""
    from verbund.celery import app

    if not app.conf.broker_url.startswith("filesystem"):
        yield
        return
    queue_dir = tmp_path_factory.mktemp("celery")
    with use_broker(app, "filesystem://", filesystem_transport_options(queue_dir)):
        yield


def filesystem_transport_options(queue_dir: Path) -> dict:
    """Transport options of kombu's filesystem transport, as the settings build them."""
    for folder in ("queue", "control"):
        (queue_dir / folder).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue_dir / "queue"),
        "data_folder_out": str(queue_dir / "queue"),
        "control_folder": str(queue_dir / "control"),
        "store_processed": False,
    }


def _reset_broker_pools(app):
    from kombu import pools

    from tasks.services.outbox import forget_broker_failure

    forget_broker_failure()
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per broker URL; a later switch back to the same URL
    # must not get one whose connections were closed here.
    pools.reset()


@contextmanager
def use_broker(app, url, transport_options=None, default_queue=None):
    """Point the Celery app at another broker (and queue) for a while, then restore it.

    The app reads its configuration once and keeps connection pools, so both the
    configuration and the pools are replaced and then restored.
    """
    changes = {"broker_url": url, "broker_transport_options": transport_options or {}}
    if default_queue:
        changes["task_default_queue"] = default_queue
    saved = {key: app.conf[key] for key in changes}
    _reset_broker_pools(app)
    app.conf.update(changes)
    try:
        yield app
    finally:
        _reset_broker_pools(app)
        app.conf.update(saved)


# --- Services ---------------------------------------------------------------------------------


@pytest.fixture
def require_postgres(settings):
    """The test database is PostgreSQL and its server answers."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    host = database.get("HOST") or "127.0.0.1"
    port = int(database.get("PORT") or 5432)
    if not host.startswith("/") and not port_open(host, port):
        service_missing(f"PostgreSQL is not reachable at {host}:{port}")
    return database


@pytest.fixture
def redis_url():
    """A Redis URL that answers PING: REDIS_URL, or a local Redis on the default port."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if not port_open(host, port):
        service_missing(f"Redis is not reachable at {host}:{port} (set REDIS_URL)")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:
        service_missing(f"Redis at {host}:{port} does not answer: {exc}")
    return url


@pytest.fixture
def chromium_path(monkeypatch):
    """An installed Chromium and the Playwright client to drive it."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        service_missing("Chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        service_missing("the Playwright client is not installed (pip install playwright)")
    # Playwright's sync API runs an event loop in the test thread; Django's ORM would
    # otherwise refuse to run there.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    return path


# --- Mail and worker processes ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd, in a thread) that keeps what it accepted.

    ``refuse`` holds recipient addresses answered with 550. ``before_accept(message)`` runs
    after the message data arrived and before the server answers; when it returns False the
    message is answered 451 and not kept. A message counts as delivered only once it has
    been answered 250.
    """

    def __init__(self, port=None, refuse=(), before_accept=None):
        import threading

        self.port = port or free_port()
        self.refuse = {address.lower() for address in refuse}
        self.before_accept = before_accept
        self.messages = []
        self.lock = threading.Lock()
        self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(_SinkHandler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self):
        with self.lock:
            return list(self.messages)

    def by_notification(self):
        """{X-Verbund-Notification header: number of accepted copies}."""
        counts = {}
        for message in self.received():
            key = message["X-Verbund-Notification"]
            counts[key] = counts.get(key, 0) + 1
        return counts

    def connection(self):
        """A Django SMTP backend talking to this sink."""
        from django.core.mail.backends.smtp import EmailBackend

        return EmailBackend(host="127.0.0.1", port=self.port, timeout=10)


class _SinkHandler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.sink.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.sink.before_accept is not None and self.sink.before_accept(message) is False:
            return "451 4.3.0 Try again later"
        with self.sink.lock:
            self.sink.messages.append(message)
        return "250 Message accepted"


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def database_url(database: dict) -> str:
    """A DATABASE_URL for a subprocess that must use the same PostgreSQL database."""
    from urllib.parse import quote

    user = quote(database.get("USER") or "")
    password = database.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{database['NAME']}"


class CeleryWorker:
    """A real Celery worker process (in its own process group) consuming one queue."""

    def __init__(self, env, queue, log_path: Path, *, concurrency=None):
        import subprocess
        import sys

        pool = ["--pool=solo"] if concurrency is None else [f"--concurrency={concurrency}"]
        self.log_path = log_path
        self.log = log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "verbund",
                "worker",
                *pool,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-Q",
                queue,
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        """SIGKILL the whole process group: the worker and any pool children."""
        import contextlib
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self):
        import signal
        import subprocess

        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process.wait(timeout=10)
        self.log.close()


def wait_until(condition, *, timeout, worker=None, message="condition"):
    """Poll `condition` until it returns something true; fail with the worker's log."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if worker is not None and not worker.alive():
            pytest.fail(f"The worker stopped early:\n{worker.output()[-4000:]}")
        if time.monotonic() > deadline:
            log = worker.output()[-4000:] if worker is not None else ""
            pytest.fail(f"Timed out after {timeout} s waiting for {message}.\n{log}")
        time.sleep(0.1)


# --- The office's details (CMS site settings) ---------------------------------------------------

OFFICE = {
    "office_name": "Koordinierungsstelle Weiterbildungsverbund",
    "street": "Marktplatz 1",
    "postal_code": "72764",
    "city": "Reutlingen",
    "phone": "07121 123456",
    "email": "buero@verbund.example",
}


# --- A real browser ------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser_page(chromium_path, live_server, django_db_serialized_rollback, tmp_path):
    """A Chromium page in German; the migration-created home page is in the database."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            yield page
        finally:
            # The last state of the page, to look at when a test failed.
            page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
            context.close()
            browser.close()
            # While Playwright's event loop runs, Django keeps the test's database
            # connections apart from the usual ones; close them, or they outlive the test.
            connections.close_all()


def failed_requests(page):
    """A list that collects every request of the page that fails or answers 4xx/5xx."""
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
    return failed


def submit_button(page, field_name):
    """The submit button of the form that has the named field."""
    return page.locator(f"form:has(input[name={field_name}]) button[type=submit]:not([form])")


ICAL_DIR = Path(__file__).resolve().parent / "ical"


@pytest.fixture
def ical_js(tmp_path):
    """Parse a calendar file with ical.js (tests/ical/validate.mjs); returns its summary."""
    import json
    import subprocess

    node = shutil.which("node")
    if node is None:
        service_missing("Node.js is not installed, so ical.js cannot check the files")
    if not (ICAL_DIR / "node_modules" / "ical.js").is_dir():
        service_missing("ical.js is not installed (npm ci --prefix tests/ical)")
    count = iter(range(1_000_000))

    def validate(data: bytes) -> dict:
        path = tmp_path / f"termin-{next(count)}.ics"
        path.write_bytes(data)
        result = subprocess.run(
            [node, str(ICAL_DIR / "validate.mjs"), str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout)

    return validate


def set_office(**fields):
    """Store the office's contact details in the default site's settings and return them."""
    from wagtail.models import Site

    from cms.models import OfficeSettings

    office = OfficeSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in {**OFFICE, **fields}.items():
        setattr(office, name, value)
    office.save()
    return office


def pytest_collection_modifyitems(config, items):
    """Tests for one kind of database are left out on the other, so that no test skips."""
    from django.conf import settings

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    left_out_marker = "not_on_sqlite" if on_sqlite else "sqlite_only"
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker(left_out_marker) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
