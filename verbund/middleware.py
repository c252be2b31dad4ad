import json
import re

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import InvalidPage
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import formats, translation
from django.utils.cache import (
    add_never_cache_headers,
    get_cache_key,
    learn_cache_key,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.translation import check_for_language, gettext

from verbund.text import CONTROL_CHARACTERS


class LanguageMiddleware:
    """German unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; the
    network's site is German first, so only an explicit choice (the language cookie set
    by /i18n/setlang/) switches it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response


# Shared caches (a reverse proxy) may keep anonymous public pages this long. Browsers are
# told to ask again every time (max-age=0), so somebody who has just signed in never sees
# the anonymous copy, and a new or changed date is visible everywhere within a minute
# without purging anything.
PUBLIC_CACHE_SECONDS = 60

# Public pages outside the Wagtail page tree (by address prefix).
PUBLIC_PATH_PREFIXES = (
    "/angebote/",
    "/foerder-check/",
    "/partner/",
    "/robots.txt",
    "/sitemap.xml",
)


class CacheHeadersMiddleware:
    """`Cache-Control` for every answer that does not set its own.

    Public (`public, max-age=0, s-maxage=60`): an anonymous GET of a Wagtail page or of one
    of the public pages above, answered with 200, that sets no cookie, has no CSRF token
    and shows no message. Everything else that is personal (signed in, a form with a CSRF
    token, a cookie set, a message) and every answer to a write (POST, ...) is
    `private, no-store`. Others are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if self._personal(request, response):
            add_never_cache_headers(response)  # includes "private"
        elif self._public(request, response):
            patch_cache_control(response, public=True, max_age=0, s_maxage=PUBLIC_CACHE_SECONDS)
            patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def _personal(request, response):
        user = getattr(request, "user", None)
        messages = getattr(request, "_messages", None)
        return bool(
            request.method not in ("GET", "HEAD")
            or (user is not None and user.is_authenticated)
            or response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or (messages is not None and (messages.used or len(messages)))
        )

    @staticmethod
    def _public(request, response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return False
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "wagtail_serve":
            return True
        return request.path.startswith(PUBLIC_PATH_PREFIXES)


class PublicPageCacheMiddleware:
    """The site's own copy of anonymous public pages (PAGE_CACHE=1), kept as long as a
    shared cache may keep them (`s-maxage`), in the default cache.

    Only what CacheHeadersMiddleware marked `public` is stored, so nothing personal ever
    is; requests that carry the session cookie always go to the views. The key follows
    the answer's `Vary` headers (the language cookie), as Django's cache framework does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_share(request):
            return self.get_response(request)
        key = get_cache_key(request, PAGE_CACHE_PREFIX, "GET", cache=caches["default"])
        if key is not None:
            cached = caches["default"].get(key)
            if cached is not None:
                return cached
        response = self.get_response(request)
        control = response.get("Cache-Control", "")
        if response.status_code == 200 and not response.streaming and "public" in control:
            timeout = _shared_max_age(control)
            if timeout:
                key = learn_cache_key(
                    request, response, timeout, PAGE_CACHE_PREFIX, cache=caches["default"]
                )
                caches["default"].set(key, response, timeout)
        return response

    @staticmethod
    def _may_share(request):
        return (
            settings.PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )


PAGE_CACHE_PREFIX = "pages"
S_MAXAGE = re.compile(r"s-maxage=(\d+)")


def _shared_max_age(control):
    match = S_MAXAGE.search(control)
    return int(match.group(1)) if match else 0


# Wagtail 8's admin still writes inline scripts (chooser, date and inline-panel widgets)
# and its editor adds style elements at run time; below this prefix alone, and only for
# signed-in staff, the policy allows inline code. Every other directive holds there too.
ADMIN_PREFIX = "/admin/"
ADMIN_POLICY_ADDITIONS = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the settings' policy, relaxed for staff in the Wagtail
    admin; anybody else below /admin/ (on the way to the login) gets the strict one."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        user = getattr(request, "user", None)
        if (
            not report_only
            and request.path_info.startswith(ADMIN_PREFIX)
            and user is not None
            and user.is_authenticated
            and user.is_staff
        ):
            parts.update = {**ADMIN_POLICY_ADDITIONS, **(parts.update or {})}
        return parts


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every answer (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# Ids in addresses are 64-bit integers; a longer number can name nothing.
LARGEST_ID = 2**63 - 1
ID_SEGMENT = re.compile(r"(?:^|/)(\d{19,})(?=[/.]|$)")
JSON_CONTENT_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


class BadInput(Exception):
    def __init__(self, status, code, message):
        self.status, self.code, self.message = status, code, message


class BadInputMiddleware:
    """Refuses input no view can use, before any view sees it, with a 4xx and a message.

    Control characters (a NUL byte, say) in the address, the query string, form fields or
    the strings of a JSON body answer 400; a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers
    413; an id beyond 64 bits answers 404. Files uploaded in a form are not looked at (a
    CSV import checks its own). Answers below /api/ are JSON in the API's error shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self._check(request)
        except BadInput as refusal:
            return self._refuse(request, refusal)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A page number beyond a list (some admin lists do not catch it themselves).
        if isinstance(exception, InvalidPage):
            return self._refuse(
                request, BadInput(404, "not_found", gettext("Diese Seite der Liste gibt es nicht."))
            )
        return None

    def _check(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            raise BadInput(400, "control_characters", _control_character_message())
        for run in ID_SEGMENT.findall(request.path):
            if int(run) > LARGEST_ID:
                raise BadInput(404, "not_found", gettext("Nicht gefunden."))
        self._check_fields(request.GET)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        try:
            content_type = request.content_type or ""
            if JSON_CONTENT_TYPE.match(content_type):
                self._check_json(request.body)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                if _is_api(request):
                    # The API reads the raw body itself; reading it here first keeps it
                    # readable after the form is parsed (files are not uploaded there).
                    request.body  # noqa: B018
                self._check_fields(request.POST)
        except RequestDataTooBig:
            raise BadInput(
                413,
                "too_large",
                gettext("Die Anfrage ist zu groß. Erlaubt sind höchstens %(size)s MB.")
                % {"size": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
            ) from None
        except TooManyFieldsSent:
            raise BadInput(
                400, "too_many_fields", gettext("Die Anfrage enthält zu viele Felder.")
            ) from None
        except MultiPartParserError:
            raise BadInput(
                400,
                "malformed",
                gettext(
                    "Die Anfrage ist unvollständig oder beschädigt. Bitte senden Sie sie erneut."
                ),
            ) from None

    @staticmethod
    def _check_fields(query_dict):
        for key, values in query_dict.lists():
            if CONTROL_CHARACTERS.search(key) or any(
                CONTROL_CHARACTERS.search(value) for value in values
            ):
                raise BadInput(400, "control_characters", _control_character_message())

    @staticmethod
    def _check_json(body):
        try:
            data = json.loads(body)
        except ValueError:
            return  # the view answers malformed JSON in its own words
        pending = [data]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, str) and CONTROL_CHARACTERS.search(item):
                raise BadInput(400, "control_characters", _control_character_message())

    @staticmethod
    def _refuse(request, refusal):
        if _is_api(request):
            response = JsonResponse(
                {"message": str(refusal.message), "code": refusal.code},
                status=refusal.status,
            )
        else:
            response = render(
                request,
                "bad_request.html",
                {"message": refusal.message},
                status=refusal.status,
            )
        add_never_cache_headers(response)
        return response


def _is_api(request):
    return request.path.startswith("/api/")


def _control_character_message():
    return gettext(
        "Die Eingabe enthält unzulässige Steuerzeichen (zum Beispiel ein Nullbyte). Bitte "
        "entfernen Sie sie und senden Sie die Eingabe erneut."
    )


def _megabytes(size):
    return formats.number_format(round(size / 1_048_576, 1), decimal_pos=1)
