"""allauth integration: signup only through an invitation, German messages."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Invitation
from members.services import login_guard
from members.services.invitations import InvitationError, accept_invitation

INVITATION_SESSION_KEY = "verbund_invitation_id"


def remember_invitation(request, invitation):
    """Keep a usable invitation in the session for the signup that follows."""
    request.session[INVITATION_SESSION_KEY] = invitation.pk


def forget_invitation(request):
    request.session.pop(INVITATION_SESSION_KEY, None)


def remembered_invitation(request):
    """The invitation kept in the session, if it can still be used."""
    if request is None or not hasattr(request, "session"):
        return None
    pk = request.session.get(INVITATION_SESSION_KEY)
    if not pk:
        return None
    invitation = Invitation.objects.select_related("firm", "person").filter(pk=pk).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def _login_of(credentials):
    return credentials.get("email") or credentials.get("username") or ""


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie einige Minuten und "
            "versuchen Sie es dann erneut."
        ),
        "email_password_mismatch": _("E-Mail-Adresse oder Passwort sind nicht korrekt."),
        "rate_limited": _("Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einen Moment."),
        "login_paced": _(
            "Für dieses Konto gab es gerade viele fehlgeschlagene Anmeldeversuche. Zu "
            "seinem Schutz nehmen wir nur alle paar Sekunden einen Versuch an. Bitte warten "
            "Sie kurz und versuchen Sie es dann erneut."
        ),
    }

    # Failed logins: see members/services/login_guard.py and the README.
    def _get_login_attempts_cache_key(self, request, **credentials):
        account_key = super()._get_login_attempts_cache_key(request, **credentials)
        return login_guard.attempt_key(request, account_key)

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        if not login_guard.may_try_now(request, _login_of(credentials)):
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("login_paced")

    def authentication_failed(self, request, **credentials):
        login_guard.record_failure(_login_of(credentials))

    def login(self, request, user):
        super().login(request, user)
        login_guard.remember_source(request, user.email)

    def is_open_for_signup(self, request):
        """Public self-signup is closed: firms join through the membership application."""
        return remembered_invitation(request) is not None

    def save_user(self, request, user, form, commit=True):
        invitation = remembered_invitation(request)
        if invitation is None or not commit:
            return super().save_user(request, user, form, commit=commit)
        # The invited address is the one the invitation was sent to, so it counts as verified.
        self.stash_verified_email(request, invitation.email)
        try:
            with transaction.atomic():
                user = super().save_user(request, user, form, commit=True)
                person = accept_invitation(invitation, user)
        except InvitationError as error:
            forget_invitation(request)
            raise ImmediateHttpResponse(
                render(
                    request,
                    "members/invitations/invalid.html",
                    {"message": error.message},
                    status=410,
                )
            ) from error
        forget_invitation(request)
        messages.success(
            request,
            gettext("Willkommen! Ihr Zugang für %(firm)s ist eingerichtet (Rolle: %(role)s).")
            % {"firm": person.firm.name, "role": person.get_role_display()},
        )
        return user


class InvitationSignupForm(SignupForm):
    """Signup with an invitation: the invited address is fixed, the name is asked for."""

    first_name = forms.CharField(
        label=_("Vorname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nachname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = remembered_invitation(getattr(context, "request", None))
        invitation = self.invitation
        if invitation is None:
            return
        email = self.fields["email"]
        email.initial = invitation.email
        # Read-only rather than disabled: it stays focusable and is read out.
        email.widget.attrs["readonly"] = True
        email.help_text = _("Die Adresse aus Ihrer Einladung. Sie melden sich künftig damit an.")
        self.initial["email"] = invitation.email
        if self.is_bound:
            self.data = self.data.copy()
            self.data["email"] = invitation.email
        if invitation.person is not None:
            self.initial.setdefault("first_name", invitation.person.first_name)
            self.initial.setdefault("last_name", invitation.person.last_name)
