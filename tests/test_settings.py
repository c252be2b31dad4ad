"""Settings as production and a fresh checkout see them, each loaded in its own process."""

import json
import secrets
import subprocess
import sys

from tests.conftest import BASE_DIR, settings_free_env


def production_env(tmp_path):
    return settings_free_env(
        tmp_path,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="verbund.example",
        SITE_URL="https://verbund.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )


def run(args, env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    args = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = run(args, production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output


def test_without_secret_key_the_web_application_refuses_to_start(tmp_path):
    env = settings_free_env(tmp_path, DEBUG="0")
    for entry_point in ("verbund.wsgi", "verbund.asgi"):
        result = run(["-c", f"import {entry_point}"], env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_without_secret_key_commands_that_sign_nothing_still_run(tmp_path):
    env = settings_free_env(tmp_path, DEBUG="0")
    result = run(["manage.py", "makemigrations", "--check", "--dry-run"], env)
    assert result.returncode == 0, result.stdout + result.stderr

    deploy = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert deploy.returncode != 0
    assert "security.W009" in deploy.stdout + deploy.stderr


EMBEDDED_DEFAULTS = """
import json
import django
django.setup()
from django.conf import settings
from verbund.celery import app
print(json.dumps({
    "secret_key_set": bool(settings.SECRET_KEY),
    "database": {k: str(v) for k, v in settings.DATABASES["default"].items()
                 if k in ("ENGINE", "NAME")},
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": app.conf.broker_url,
    "email_backend": settings.EMAIL_BACKEND,
    "delivery_backend": settings.VERBUND_DELIVERY_EMAIL_BACKEND,
}))
"""


def test_embedded_defaults_need_no_other_service(tmp_path):
    """No DATABASE_URL, no REDIS_URL: SQLite under var/, file cache, filesystem broker."""
    result = run(["-c", EMBEDDED_DEFAULTS], settings_free_env(tmp_path, DEBUG="1"))
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["secret_key_set"], "DEBUG mode runs without a SECRET_KEY"
    assert config["database"] == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BASE_DIR / "var" / "verbund.sqlite3"),
    }
    assert config["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert config["broker"].startswith("filesystem://")
    assert config["email_backend"] == "tasks.mail.QueuedEmailBackend"
    assert config["delivery_backend"] == "tasks.mail.ConsoleAndFileBackend"


def test_redis_url_switches_cache_and_broker(tmp_path):
    env = settings_free_env(tmp_path, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3")
    result = run(["-c", EMBEDDED_DEFAULTS], env)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["cache"] == "verbund.cache.DegradingRedisCache"
    assert config["broker"] == "redis://127.0.0.1:6379/3"
