"""Who gets which non-essential email: unsubscribe links and the account's choices.

An unsubscribe link carries a signed token naming the recipient (person or account) and
the category; it needs no login and works with one click (and with the RFC 8058 POST
that mail programs send for `List-Unsubscribe-Post`).
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from tasks import registry
from tasks.models import Unsubscription

SALT = "verbund.unsubscribe"


def make_token(*, category, person_id=None, user_id=None):
    return signing.dumps({"c": category, "p": person_id, "u": user_id}, salt=SALT, compress=True)


def read_token(token):
    """(category, person_id, user_id) from a token; raises signing.BadSignature."""
    data = signing.loads(token, salt=SALT)
    category = data.get("c")
    if category not in registry.CATEGORIES:
        raise signing.BadSignature("unknown category")
    if not data.get("p") and not data.get("u"):
        raise signing.BadSignature("no recipient")
    return category, data.get("p"), data.get("u")


def unsubscribe_url(row, category):
    token = make_token(category=category, person_id=row.person_id, user_id=row.user_id)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def _recipient_lookup(person_id, user_id):
    return {"person_id": person_id} if person_id else {"user_id": user_id}


def is_unsubscribed(*, category, person_id=None, user_id=None):
    lookup = _recipient_lookup(person_id, user_id)
    return Unsubscription.objects.filter(category=category, **lookup).exists()


def unsubscribe(*, category, person_id=None, user_id=None):
    """Turn one category off; returns True when it was on before."""
    lookup = _recipient_lookup(person_id, user_id)
    _row, created = Unsubscription.objects.get_or_create(category=category, **lookup)
    return created


def resubscribe(*, category, person_id=None, user_id=None):
    lookup = _recipient_lookup(person_id, user_id)
    deleted, _ = Unsubscription.objects.filter(category=category, **lookup).delete()
    return bool(deleted)


# --- The account page: the choices of a signed-in user ---------------------------------------


def categories_for(user):
    """The non-essential categories `user` can receive (each app decides who is offered
    its categories: staff the daily overview, firm admins the weekly one, ...)."""
    return registry.categories_for(user)


def _own_unsubscriptions(user):
    """A user's choices count for their person too (and an unsubscribe link in an email to
    the person counts for the account)."""
    return Unsubscription.objects.filter(Q(user=user) | Q(person__user=user))


def unsubscribed_categories(user):
    return set(_own_unsubscriptions(user).values_list("category", flat=True))


def save_choices(user, wanted):
    """Turn the categories in `wanted` on and the other offered ones off, for the account
    and its person; returns the set of categories that are off afterwards."""
    offered = set(categories_for(user))
    wanted = set(wanted) & offered
    with transaction.atomic():
        rows = _own_unsubscriptions(user)
        rows.filter(category__in=wanted).delete()
        already_off = set(
            rows.filter(user=user, category__in=offered).values_list("category", flat=True)
        )
        # The same form sent twice at once: the second insert of a choice changes nothing.
        Unsubscription.objects.bulk_create(
            [
                Unsubscription(user=user, category=category)
                for category in sorted(offered - wanted - already_off)
            ],
            ignore_conflicts=True,
        )
    return unsubscribed_categories(user) & offered
