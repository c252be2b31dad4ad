"""Liveness and readiness probes for load balancers and orchestrators."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)


def _check_cache():
    """Redis, where the cache lives there (it falls back to memory, but is not ready)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        cache._cache.get_client().ping()


@never_cache
def ready(request):
    checks = {"database": _check_database, "broker": _check_broker, "cache": _check_cache}
    problems = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            problems[name] = f"{type(exc).__name__}: {exc}"
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok", "checks": sorted(checks)})
