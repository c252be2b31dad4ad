"""Who may open which page: the checks the views of every app share.

firm_manager_required   view decorator: signed-in admins and contacts of an active member
                        firm; sets `request.firm_ids` (every firm they manage) and
                        `request.firm` (the firm they act for; someone who manages several
                        and has not chosen yet is sent to choose, members.services.acting_firm)
choose_firm_first(req)  the redirect to the firm chooser, back to the current page
staff_required          view decorator: signed-in staff who have set up their second
                        factor (others are sent to set it up; non-staff get 403)

The office's checks without either (is_office, StaffOnlyMixin, StaffMenuItem) are in
`verbund.permissions`, so that every app's admin screens can use them.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from members.middleware import needs_mfa_setup
from members.models import managed_firm_ids
from members.services import acting_firm


def choose_firm_first(request):
    """Send someone who manages several firms to choose one, then back to this page."""
    back = request.get_full_path() if request.method == "GET" else request.path
    return redirect(f"{reverse('members:choose_firm')}?{urlencode({'next': back})}")


def firm_manager_required(view):
    """Signed-in admins and contacts of an active member firm; others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            firm = acting_firm.for_request(request)
        except acting_firm.FirmChoiceError as error:
            raise PermissionDenied(error.message) from None
        if firm is None:
            return choose_firm_first(request)
        request.firm_ids = managed_firm_ids(request.user)
        request.firm = firm
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Signed-in staff with a second factor; other signed-in users get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        if needs_mfa_setup(request.user):
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper
