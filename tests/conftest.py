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
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


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
