"""Invitations: open an invitation link; firm admins invite colleagues and employees."""

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.adapter import remember_invitation
from members.forms import InviteColleagueForm
from members.models import Invitation, Person
from members.permissions import firm_manager_required
from members.services import invitations as service
from members.services.invitations import InvitationError
from verbund.links import next_url


def _invalid(request, error):
    status = 404 if error.code == "unknown" else 410
    return render(
        request, "members/invitations/invalid.html", {"message": error.message}, status=status
    )


def _firm_or_403(request):
    """The firm the user acts for, if they administer it."""
    if not service.administers(request.user, request.firm):
        raise PermissionDenied(_("Nur die Firmenadministration kann Personen einladen."))
    return request.firm


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    try:
        invitation = service.get_usable_invitation(token)
    except InvitationError as error:
        return _invalid(request, error)

    context = {"invitation": invitation, "firm": invitation.firm}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            context["state"] = "other_account"
            return render(request, "members/invitations/invitation.html", context)
        context["state"] = "accept"
        if request.method == "POST":
            try:
                person = service.accept_invitation(invitation, user)
            except InvitationError as error:
                context["error"] = error.message
                return render(request, "members/invitations/invitation.html", context, status=409)
            messages.success(
                request,
                _("Sie sind jetzt für %(firm)s freigeschaltet (Rolle: %(role)s).")
                % {"firm": person.firm.name, "role": person.get_role_display()},
            )
            return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
        return render(request, "members/invitations/invitation.html", context)

    if service.account_exists(invitation.email):
        context["state"] = "login"
        context["invitation_login_url"] = (
            reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
        )
        return render(request, "members/invitations/invitation.html", context)

    remember_invitation(request, invitation)
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


@firm_manager_required
@require_http_methods(["GET", "POST"])
def invite_colleague(request):
    firm = _firm_or_403(request)
    form = InviteColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = service.invite_colleague(
                firm=firm,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except InvitationError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s ist verschickt.") % {"email": invitation.email},
            )
            return redirect("members:invite_colleague")
    context = {
        "firm": firm,
        "form": form,
        "pending": service.pending_invitations(request.user, firm),
    }
    return render(request, "members/invitations/colleagues.html", context)


@firm_manager_required
@require_POST
def revoke_invitation(request, pk):
    firm = _firm_or_403(request)
    invitation = get_object_or_404(Invitation.objects.managed_by(request.user), pk=pk, firm=firm)
    try:
        service.revoke_invitation(invitation, user=request.user)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s ist zurückgezogen.") % {"email": invitation.email},
        )
    return redirect("members:invite_colleague")


@firm_manager_required
@require_POST
def invite_person(request, pk):
    firm = _firm_or_403(request)
    person = get_object_or_404(
        Person.objects.managed_by(request.user).select_related("firm"), pk=pk, firm=firm
    )
    try:
        invitation, _token = service.invite_person(person, invited_by=request.user)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s erhält eine Einladung an %(email)s.")
            % {"name": person.full_name, "email": invitation.email},
        )
    return redirect(next_url(request, reverse("members:invite_colleague")))
