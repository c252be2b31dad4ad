"""The public API, version 1 (django-ninja). OpenAPI at /api/v1/openapi.json.

Every answer is JSON, errors included: ``{"message": "...", "code": "..."}``, for invalid
input also ``"errors": {"field": ["..."]}`` (verbund.api_contract).
"""

import logging
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf
from wagtail.api.v3.auth import BearerTokenAuth

from members.api import router as members_router
from verbund.api_contract import DEFAULT_CODES, ApiError
from workshops.api import router as workshops_router

logger = logging.getLogger(__name__)

DESCRIPTION = """
Schnittstelle des Weiterbildungsverbunds für Personalsysteme und Partnerportale.

**Authentifizierung:** `Authorization: Bearer <token>`. Firmenadministrationen erstellen
Tokens unter *Mein Konto → API-Tokens*; ein Token hat genau die Rechte seines Kontos.
Im Browser gilt auch die Anmeldung an der Website (mit CSRF-Schutz).

**Fehler** sind immer JSON: `{"message": "…", "code": "…"}`, bei Eingaben, die nicht
passen, zusätzlich `{"errors": {"feld": ["…"]}}`. `message` ist für Menschen, `code` für
Programme. 400 `invalid`: die Eingabe entspricht nicht dem Schema (Typ, Länge, Pflichtfeld,
Wertebereich); 400 `firm_required`: das Konto verwaltet mehrere Unternehmen, und der
Parameter `firm` fehlt. 401 `not_authenticated`: nicht angemeldet oder Token ungültig.
403 `forbidden`: keine Berechtigung. 404 `not_found`: nicht gefunden, auch Objekte anderer
Unternehmen und Filterwerte, die nichts Bestehendes bezeichnen (ein unbekanntes Thema, ein
fremdes Unternehmen). 409: Konflikt, etwa `duplicate_email` oder eine Regel der Anmeldung
(`deadline_passed`, `no_seat`, …). Steuerzeichen (etwa ein Nullbyte) in Adresse, Parametern
oder JSON-Texten: 400 `control_characters`; ein Inhalt über 2,5 MB: 413 `too_large`.

**Unternehmen:** Wer mehrere Unternehmen verwaltet, nennt bei Endpunkten, die für ein
Unternehmen handeln (`GET`/`POST /employees`, `GET`/`POST /enrolments`), dessen Id im
Query-Parameter `firm`; wer eines verwaltet, braucht ihn nicht.

**Seiten:** Listen antworten mit `{"items": […], "count": N}`; Parameter `page` (ab 1)
und `page_size` (Standard 20, höchstens 100).
"""


class SessionAuth(APIKeyCookie):
    """The site's own login, for the interactive documentation in the browser.

    Writes need the CSRF token, as on every form of the site.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check Failed")
        return request.user

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class VerbundAPI(NinjaAPI):
    """NinjaAPI whose every address answers with JSON, also for a wrong method or the root."""

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = _json_fallbacks(pattern.callback)
        return urls


def _json_fallbacks(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_response(request, 404, _("Nicht gefunden."))
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(
                request,
                405,
                _("Diese Methode ist hier nicht erlaubt. Erlaubt: %(allowed)s")
                % {"allowed": allowed},
            )
            response["Allow"] = allowed
        return response

    return wrapper


api = VerbundAPI(
    title="Verbund API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[BearerTokenAuth(), SessionAuth()],
)


def error_response(request, status, message, errors=None, code=None):
    data = {"message": str(message), "code": code or DEFAULT_CODES.get(status, "error")}
    if errors is not None:
        data["errors"] = errors
    return api.create_response(request, data, status=status)


# German messages for the errors django-ninja raises itself.
def _ninja_message(exc):
    known = {
        400: _("Der Inhalt der Anfrage ist kein gültiges JSON."),
        401: _(
            "Bitte melden Sie sich an oder senden Sie ein gültiges API-Token "
            "(Authorization: Bearer <token>)."
        ),
        403: _("Sie haben keine Berechtigung für diese Aktion."),
        429: _("Zu viele Anfragen. Bitte versuchen Sie es später erneut."),
    }
    if exc.status_code == 403 and "CSRF" in exc.message:
        return _("Die Anfrage wurde abgelehnt: CSRF-Token fehlt oder ist ungültig.")
    return known.get(exc.status_code, exc.message)


@api.exception_handler(ApiError)
def api_error(request, exc):
    return error_response(request, exc.status_code, exc.message, exc.errors, exc.code)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    response = error_response(request, 401, _ninja_message(exc))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request, exc):
    code = "csrf_failed" if exc.status_code == 403 and "CSRF" in exc.message else None
    return error_response(request, exc.status_code, _ninja_message(exc), code=code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, _("Nicht gefunden."))


VALIDATION_MESSAGES = {
    "missing": lambda e: _("Dieses Feld ist erforderlich."),
    "extra_forbidden": lambda e: _("Dieses Feld ist unbekannt oder darf nicht geändert werden."),
    "string_type": lambda e: _("Bitte geben Sie einen Text an."),
    "string_too_long": lambda e: (
        _("Höchstens %(max)s Zeichen.") % {"max": e.get("ctx", {}).get("max_length")}
    ),
    "int_type": lambda e: _("Bitte geben Sie eine ganze Zahl an."),
    "int_parsing": lambda e: _("Bitte geben Sie eine ganze Zahl an."),
    "greater_than_equal": lambda e: (
        _("Der Wert muss mindestens %(min)s sein.") % {"min": e.get("ctx", {}).get("ge")}
    ),
    "less_than_equal": lambda e: (
        _("Der Wert darf höchstens %(max)s sein.") % {"max": e.get("ctx", {}).get("le")}
    ),
    "date_type": lambda e: _("Bitte geben Sie ein Datum im Format JJJJ-MM-TT an."),
    "date_parsing": lambda e: _("Bitte geben Sie ein Datum im Format JJJJ-MM-TT an."),
    "date_from_datetime_parsing": lambda e: _("Bitte geben Sie ein Datum im Format JJJJ-MM-TT an."),
    "model_attributes_type": lambda e: _("Bitte senden Sie ein JSON-Objekt."),
    "dict_type": lambda e: _("Bitte senden Sie ein JSON-Objekt."),
    "bool_type": lambda e: _("Bitte geben Sie true oder false an."),
    "bool_parsing": lambda e: _("Bitte geben Sie true oder false an."),
    "literal_error": lambda e: (
        _("Erlaubt sind: %(values)s.")
        % {"values": e.get("ctx", {}).get("expected", "").replace("'", "")}
    ),
    "string_pattern_mismatch": lambda e: _("Dieser Wert hat nicht die erlaubte Form."),
}


def field_errors(errors):
    """ninja's error list as {"field": ["message", ...]}."""
    result = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        # Drop the source ("body", "query", "path") and the name of the body parameter.
        if location and location[0] in {"body", "query", "path", "form", "header", "cookie"}:
            source = location.pop(0)
            if source == "body" and location:
                location.pop(0)
        field = ".".join(location) or "__all__"
        if error.get("type") == "value_error":
            message = str(error.get("ctx", {}).get("error") or error.get("msg", ""))
        else:
            build = VALIDATION_MESSAGES.get(error.get("type"))
            message = build(error) if build else error.get("msg", "")
        result.setdefault(field, []).append(message)
    return result


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    return error_response(
        request, 400, _("Die Eingaben sind ungültig."), errors=field_errors(exc.errors)
    )


@api.exception_handler(Exception)
def unexpected_error(request, exc):
    logger.exception("API error at %s", request.path, exc_info=exc)
    return error_response(
        request,
        500,
        _("Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."),
    )


api.add_router("/", members_router)
api.add_router("/", workshops_router)

fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "/{path:path}",
    auth=None,
    include_in_schema=False,
)
def unknown_path(request, path: str) -> HttpResponse:
    """Unknown addresses below /api/v1/ answer with JSON, too."""
    raise Http404


# Registered last, so that it only answers what no other route does.
api.add_router("/", fallback_router)
