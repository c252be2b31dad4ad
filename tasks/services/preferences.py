"""Who gets which non-essential email: unsubscribe links and the account's choices.

An unsubscribe link carries a signed token naming the recipient (person or account) and
the category; it needs no login and works with one click (and with the RFC 8058 POST
that mail programs send for `List-Unsubscribe-Post`).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tasks.models import Unsubscription

SALT = "verbund.unsubscribe"


def make_token(*, category, person_id=None, user_id=None):
    return signing.dumps({"c": category, "p": person_id, "u": user_id}, salt=SALT,
                         compress=True)


def read_token(token):
    """(category, person_id, user_id) from a token; raises signing.BadSignature."""
    data = signing.loads(token, salt=SALT)
    category = data.get("c")
    if category not in Unsubscription.Category.values:
        raise signing.BadSignature("unknown category")
    if not data.get("p") and not data.get("u"):
        raise signing.BadSignature("no recipient")
    return category, data.get("p"), data.get("u")


def unsubscribe_url(row, category):
    token = make_token(category=category, person_id=row.person_id, user_id=row.user_id)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def unsubscribe(*, category, person_id=None, user_id=None):
    """Turn one category off; returns True when it was on before."""
    lookup = {"person_id": person_id} if person_id else {"user_id": user_id}
    _row, created = Unsubscription.objects.get_or_create(category=category, **lookup)
    return created


def resubscribe(*, category, person_id=None, user_id=None):
    lookup = {"person_id": person_id} if person_id else {"user_id": user_id}
    deleted, _ = Unsubscription.objects.filter(category=category, **lookup).delete()
    return bool(deleted)
