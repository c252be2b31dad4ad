from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import check_for_language


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
    "/angebote/", "/foerder-check/", "/partner/", "/robots.txt", "/sitemap.xml",
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
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=PUBLIC_CACHE_SECONDS
            )
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
