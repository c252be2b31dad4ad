"""Failed logins are counted per account *and* source address.

allauth refuses a source after a few wrong passwords for one account (and after many for
any account); we make its per-account count a per-account-and-address count, so a stranger
who knows an email address cannot lock its owner out. Against a distributed attack (many
addresses, one account) the account is *paced*, not locked: once it has had many failures
in a short time, addresses it has not been signed in from lately get one try every few
seconds; the owner's usual addresses are never held back. The policy is in the README.
"""

import hashlib
import logging

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def policy(name):
    """One figure of settings.VERBUND_LOGIN_GUARD."""
    return settings.VERBUND_LOGIN_GUARD[name]


def _digest(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def client_address(request):
    return get_adapter().get_client_ip(request)


def attempt_key(request, account_key):
    """The key of allauth's per-account limit, narrowed to the source address."""
    return f"{account_key}:{client_address(request)}"


def _key(kind, login):
    """Cache key of one kind of record about an account (failures, pace, known)."""
    return f"verbund:login:{kind}:{_digest(login.lower())}"


def record_failure(login):
    if not login:
        return
    key = _key("failures", login)
    cache.add(key, 0, timeout=policy("WINDOW_SECONDS"))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=policy("WINDOW_SECONDS"))


def is_known_source(request, login):
    return _digest(client_address(request)) in cache.get(_key("known", login), [])


def remember_source(request, login):
    """After a complete sign-in: this address belongs to the owner for a while."""
    source = _digest(client_address(request))
    known = [s for s in cache.get(_key("known", login), []) if s != source]
    known = [source, *known][: policy("KNOWN_SOURCES_KEPT")]
    cache.set(_key("known", login), known, timeout=policy("KNOWN_SOURCE_DAYS") * 86400)


def may_try_now(request, login):
    """False when the account is under attack and this unknown address must wait."""
    if not login:
        return True
    if (cache.get(_key("failures", login)) or 0) < policy("ACCOUNT_FAILURES"):
        return True
    if is_known_source(request, login):
        return True
    if cache.add(_key("pace", login), 1, timeout=policy("PACE_SECONDS")):
        return True
    logger.warning(
        "Login paced: many failed attempts on account %s from several addresses",
        _digest(login.lower())[:12],
    )
    return False
