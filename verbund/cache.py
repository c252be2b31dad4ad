"""A Redis cache that an outage of Redis does not take down.

While Redis cannot be reached, every operation goes to a small in-process cache instead:
pages, logins and forms keep working, and rate limits keep counting, per process instead
of across all of them (stricter nowhere, looser only by the number of processes). The
switch is logged once per outage. After RETRY_SECONDS the next operation tries Redis again,
so recovery needs no restart.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Short enough that a page waits at most this long once per RETRY_SECONDS.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._fallback = LocMemCache(
            f"verbund-fallback-{id(self)}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_degraded(self):
        return time.monotonic() < self._down_until

    def _mark_down(self, exc):
        with self._lock:
            was_up = self._down_until == 0.0
            self._down_until = time.monotonic() + RETRY_SECONDS
        if was_up:
            logger.error(
                "Redis cache unreachable (%s); serving from a per-process cache, rate "
                "limits count per process until it is back",
                exc,
            )

    def _mark_up(self):
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            logger.warning("Redis cache reachable again")


def _degrading(name):
    redis_operation = getattr(RedisCache, name)

    def operation(self, *args, **kwargs):
        if not self.is_degraded:
            try:
                result = redis_operation(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._mark_down(exc)
            else:
                self._mark_up()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    operation.__name__ = name
    operation.__doc__ = redis_operation.__doc__
    return operation


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(DegradingRedisCache, _name, _degrading(_name))
