"""sitemap.xml: the live public pages and the public views, under the site's address."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import Resolver404, resolve
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

# Public pages that are views, not Wagtail pages; listed when the address exists.
PUBLIC_VIEW_PATHS = ("/angebote/", "/foerder-check/", "/partner/api/")


def _absolute(url):
    """`url` on SITE_URL: the Site record's host name is not the public address."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL + path


class PageSitemap(WagtailSitemap):
    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = _absolute(url["location"])
        return urls


class PublicViewSitemap(DjangoSitemap):
    changefreq = "daily"

    def items(self):
        return [path for path in PUBLIC_VIEW_PATHS if _is_view(path)]

    def location(self, path):
        return path

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["location"] = _absolute(url["location"])
        return urls


def _is_view(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name != "wagtail_serve"


SITEMAPS = {"pages": PageSitemap, "views": PublicViewSitemap}
