"""Personal API tokens (Wagtail's APIToken): created for a named purpose, shown once,
stored as a digest only, revoked by their owner."""

from django.db import transaction
from wagtail.models import APIToken

from members.models import administered_firm_ids
from verbund.audit import record

NAME_MAX_LENGTH = APIToken._meta.get_field("name").max_length


def can_manage_tokens(user):
    """Firm admins of a member firm and the coordination office may hold API tokens."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(administered_firm_ids(user))


def tokens_of(user):
    """The user's own tokens, newest first, revoked ones included."""
    return APIToken.objects.filter(user=user).order_by("-created", "-pk")


@transaction.atomic
def create_token(user, name, *, created_by=None):
    """Create a token for `user`. Returns (token, plaintext); the plaintext exists only here."""
    token, plaintext = APIToken.create_token(user=user, name=name.strip())
    record(
        token,
        "verbund.token.created",
        user=created_by or user,
        name=token.name,
        prefix=token.prefix,
        owner=user.pk,
    )
    return token, plaintext


@transaction.atomic
def revoke_token(token, *, revoked_by):
    """Revoke `token` (once); later requests with it are refused."""
    if token.revoked_at is None:
        token.revoke()
        record(
            token, "verbund.token.revoked", user=revoked_by, name=token.name, prefix=token.prefix
        )
    return token
