"""Who may open which page: the checks the views of every app share.

firm_manager_required   view decorator: signed-in admins and contacts of an active member
                        firm; sets `request.firm_ids` (every firm they manage) and
                        `request.firm` (the first of them)
staff_required          view decorator: signed-in staff who have set up their second
                        factor (others are sent to set it up; non-staff get 403)

The office's checks without either (is_office, StaffOnlyMixin, StaffMenuItem) are in
`verbund.permissions`, so that every app's admin screens can use them.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from members.middleware import needs_mfa_setup
from members.models import Firm, managed_firm_ids


def firm_manager_required(view):
    """Signed-in admins and contacts of an active member firm; others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        firm_ids = managed_firm_ids(request.user)
        if not firm_ids:
            raise PermissionDenied(
                _("Diese Seite ist für Firmenadministrationen und Ansprechpersonen.")
            )
        request.firm_ids = firm_ids
        request.firm = Firm.objects.filter(pk__in=firm_ids).order_by("pk").first()
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
