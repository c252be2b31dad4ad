"""Coordination staff need a second factor (TOTP) before they reach staff views."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

DEFAULT_STAFF_PATH_PREFIXES = ("/admin/",)
# URL names a staff member without a second factor may still open: sign out, manage the
# account, set up the authenticator app, switch the language.
EXEMPT_URL_NAME_PREFIXES = ("account_", "mfa_")
EXEMPT_URL_NAMES = {"set_language", "health-live", "health-ready"}


def staff_path_prefixes():
    return tuple(getattr(settings, "STAFF_PATH_PREFIXES", DEFAULT_STAFF_PATH_PREFIXES))


def needs_mfa_setup(user):
    """True for a staff account that has no active TOTP authenticator yet."""
    return (
        user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user, types=[Authenticator.Type.TOTP])
    )


class StaffMfaMiddleware:
    """Sends staff without TOTP from the admin and staff views to the TOTP setup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._is_staff_path(request) or self._is_exempt(request):
            return None
        if not needs_mfa_setup(request.user):
            return None
        messages.warning(
            request,
            _(
                "Für Mitarbeitende der Koordinierungsstelle ist die Zwei-Faktor-"
                "Authentifizierung Pflicht. Bitte richten Sie zuerst eine Authenticator-App "
                "ein; danach gelangen Sie in den Verwaltungsbereich."
            ),
        )
        return redirect("mfa_activate_totp")

    @staticmethod
    def _is_staff_path(request):
        return request.path_info.startswith(staff_path_prefixes())

    @staticmethod
    def _is_exempt(request):
        static_prefixes = tuple(
            prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix
        )
        if static_prefixes and request.path_info.startswith(static_prefixes):
            return True
        match = request.resolver_match
        name = match.url_name if match else None
        return bool(name) and (
            name in EXEMPT_URL_NAMES or name.startswith(EXEMPT_URL_NAME_PREFIXES)
        )
