"""Links the site hands out: full addresses for emails and feeds, safe redirect targets."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def absolute_url(url):
    """A path on the public site as a full address on SITE_URL; full URLs stay as they are.

    SITE_URL is used rather than the Wagtail Site record, whose host name is often an
    internal one.
    """
    if not url:
        return settings.SITE_URL + "/"
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


def site_domain():
    """The host name of SITE_URL: the domain of calendar UIDs and Message-IDs (never the
    worker's own host name, which is often `localhost` or a container id)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def next_url(request, default):
    """The `next` address the request names, if it stays on this site; else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
