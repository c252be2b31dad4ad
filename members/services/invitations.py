"""Invitations: single-use, expiring links that give someone a login for a firm role."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Invitation, Person, administered_firm_ids
from verbund.audit import record

VALID_DAYS = 14
COLLEAGUE_ROLES = (Person.Role.ADMIN, Person.Role.CONTACT)


class InvitationError(Exception):
    """An invitation that cannot be created or used; the message is for the user.

    `code` tells the cause: "unknown", "accepted", "revoked", "expired", "other_email",
    "other_firm", "has_access", "no_email", "has_left".
    """

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


def _hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_url(token):
    return settings.SITE_URL + reverse("members:invitation", kwargs={"token": token})


@transaction.atomic
def create_invitation(*, firm, email, role, invited_by, person=None, valid_days=VALID_DAYS):
    """Create an invitation and email its link. Returns (invitation, token).

    Earlier unused invitations for the same firm and address are revoked, so only the
    newest link works.
    """
    email = email.strip().lower()
    now = timezone.now()
    Invitation.objects.filter(
        firm=firm, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        firm=firm,
        person=person,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=invited_by,
        expires_at=now + timedelta(days=valid_days),
    )
    record(invitation, "verbund.invitation.created", user=invited_by, email=email, role=role)
    send_invitation_email(invitation, token)
    return invitation, token


def send_invitation_email(invitation, token):
    context = {
        "invitation": invitation,
        "firm": invitation.firm,
        "inviter": invitation.invited_by,
        "url": invitation_url(token),
        "expires_at": timezone.localtime(invitation.expires_at),
    }
    subject = render_to_string("members/email/invitation_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("members/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("members/email/invitation.html", context), "text/html"
    )
    message.send()


def get_usable_invitation(token):
    """The invitation behind `token`, or InvitationError with a message for the user."""
    invitation = (
        Invitation.objects.select_related("firm", "person")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            _(
                "Dieser Einladungslink ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig "
                "kopiert haben, oder bitten Sie um eine neue Einladung."
            ),
            code="unknown",
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            _(
                "Diese Einladung wurde bereits angenommen. Melden Sie sich mit Ihrer "
                "E-Mail-Adresse an."
            ),
            code="accepted",
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            _("Diese Einladung wurde zurückgezogen oder durch eine neuere ersetzt."),
            code="revoked",
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _(
                "Diese Einladung ist abgelaufen. Bitten Sie Ihre Firmenadministration um eine "
                "neue Einladung."
            ),
            code="expired",
        )
    return invitation


@transaction.atomic
def accept_invitation(invitation, user):
    """Link `user` to the invited role in the firm; returns the person record."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationError(
            _("Diese Einladung kann nicht mehr verwendet werden."), code="revoked"
        )
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("Diese Einladung gilt für %(email)s. Bitte melden Sie sich mit dieser Adresse an.")
            % {"email": invitation.email},
            code="other_email",
        )
    existing = Person.objects.filter(user=user, firm=invitation.firm).first()
    if existing is None and Person.objects.filter(user=user).exists():
        raise InvitationError(
            _(
                "Ihr Konto gehört bereits zu einem anderen Unternehmen. Bitte wenden Sie sich an "
                "die Koordinierungsstelle."
            ),
            code="other_firm",
        )
    person = invitation.person or existing
    if person is None:
        person = Person.objects.filter(firm=invitation.firm, email__iexact=invitation.email).first()
    if person is None:
        person = Person(
            firm=invitation.firm,
            first_name=user.first_name or invitation.email.split("@")[0],
            last_name=user.last_name,
            email=invitation.email,
        )
    person.user = user
    person.role = invitation.role
    person.left_on = None
    if not person.first_name and user.first_name:
        person.first_name = user.first_name
    person.save()
    invitation.accepted_at = timezone.now()
    invitation.person = person
    invitation.save(update_fields=["accepted_at", "person"])
    record(invitation, "verbund.invitation.accepted", user=user, person=person.pk)
    return person


# --- Inviting ------------------------------------------------------------------------------


def administers(user, firm):
    """Whether `user` administers `firm` (role admin of an active member firm)."""
    return firm is not None and firm.pk in administered_firm_ids(user)


def accounts_for_email(email):
    """Accounts that sign in with `email`, as primary or further address."""
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .prefetch_related("people")
        .distinct()
    )


def account_exists(email):
    return accounts_for_email(email).exists()


def _check_invitable(firm, email, role, person=None):
    """InvitationError if `email` cannot be invited to `role` at `firm`."""
    for account in accounts_for_email(email):
        linked_people = list(account.people.all())
        if not linked_people:
            continue
        linked = next((p for p in linked_people if p.firm_id == firm.pk), None)
        if linked is None:
            raise InvitationError(
                _(
                    "Die Adresse %(email)s gehört bereits zu einem Zugang bei einem anderen "
                    "Unternehmen. Bitte verwenden Sie eine andere Adresse oder wenden Sie sich "
                    "an die Koordinierungsstelle."
                )
                % {"email": email},
                code="other_firm",
            )
        if person is not None and linked.pk != person.pk:
            raise InvitationError(
                _("Die Adresse %(email)s gehört bereits zum Zugang von %(name)s.")
                % {"email": email, "name": linked.full_name},
                code="has_access",
            )
        if linked.role == role and linked.left_on is None:
            raise InvitationError(
                _("%(email)s hat bereits Zugang als %(role)s.")
                % {"email": email, "role": linked.get_role_display()},
                code="has_access",
            )


def invite_colleague(*, firm, email, role, invited_by):
    """Invite someone as further firm admin or contact. Returns (invitation, token)."""
    email = email.strip().lower()
    if role not in COLLEAGUE_ROLES:
        raise InvitationError(_("Bitte wählen Sie eine gültige Rolle."), code="role")
    _check_invitable(firm, email, role)
    person = Person.objects.filter(firm=firm, email__iexact=email).first()
    return create_invitation(
        firm=firm, email=email, role=role, invited_by=invited_by, person=person
    )


def invite_person(person, *, invited_by):
    """Give a recorded person without a login one: email them an invitation."""
    if person.user_id is not None:
        raise InvitationError(
            _("%(name)s hat bereits einen Zugang.") % {"name": person.full_name},
            code="has_access",
        )
    if person.left_on is not None:
        raise InvitationError(
            _("%(name)s ist ausgeschieden und kann keinen Zugang mehr bekommen.")
            % {"name": person.full_name},
            code="has_left",
        )
    if not person.email:
        raise InvitationError(
            _("Für %(name)s ist keine E-Mail-Adresse hinterlegt. Bitte ergänzen Sie sie zuerst.")
            % {"name": person.full_name},
            code="no_email",
        )
    _check_invitable(person.firm, person.email.lower(), person.role, person=person)
    return create_invitation(
        firm=person.firm,
        email=person.email,
        role=person.role,
        invited_by=invited_by,
        person=person,
    )


def pending_invitations(user, firm):
    """Invitations of `firm` that can still be used, as `user` may see them."""
    return (
        Invitation.objects.managed_by(user)
        .pending()
        .filter(firm=firm)
        .select_related("invited_by", "person")
    )


@transaction.atomic
def revoke_invitation(invitation, *, user):
    """Withdraw a pending invitation: its link stops working at once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationError(
            _("Diese Einladung ist nicht mehr offen und kann nicht zurückgezogen werden."),
            code="revoked",
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation, "verbund.invitation.revoked", user=user, email=invitation.email)
    return invitation
