"""Personal API tokens: list, create (the token is shown once), revoke."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from members.forms import TokenForm
from members.services.tokens import (
    can_manage_tokens,
    create_token,
    revoke_token,
    tokens_of,
)


def token_holder_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_tokens(request.user):
            raise PermissionDenied(
                _(
                    "API-Tokens können nur Firmenadministrationen und die Koordinierungsstelle "
                    "erstellen."
                )
            )
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@token_holder_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, plaintext = create_token(request.user, form.cleaned_data["name"])
        # The plaintext is rendered into this one answer and kept nowhere else.
        return render(
            request, "members/tokens/created.html", {"token": token, "plaintext": plaintext}
        )
    return render(
        request,
        "members/tokens/list.html",
        {"form": form, "tokens": tokens_of(request.user)},
    )


@token_holder_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id):
    token = get_object_or_404(tokens_of(request.user), pk=token_id)
    if request.method == "POST":
        if token.revoked_at is None:
            revoke_token(token, revoked_by=request.user)
            messages.success(
                request,
                _(
                    "Das Token „%(name)s“ wurde widerrufen. Anfragen damit werden ab sofort "
                    "abgelehnt."
                )
                % {"name": token.name},
            )
        return redirect("members:api_tokens")
    return render(request, "members/tokens/revoke.html", {"token": token})
