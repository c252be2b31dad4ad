"""Public, machine-facing pages: robots.txt and the API description for partner platforms."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from cms.models import WorkshopSeriesPage

# Address prefixes that crawlers have no business in: sign-in, personal and token addresses.
ROBOTS_DISALLOW = (
    "/admin/", "/konto/", "/api/", "/anmeldung/", "/teilnahme/", "/trainer/",
    "/beratung/anfragen/", "/benachrichtigungen/", "/kalender/person/", "/kalender/firma/",
    "/kalender/anmeldung/", "/i18n/",
)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {prefix}" for prefix in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {settings.SITE_URL}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def partner_api(request):
    site_url = settings.SITE_URL
    return render(
        request,
        "cms/partner_api.html",
        {
            "api_base": f"{site_url}/api/v1",
            "docs_url": f"{site_url}/api/v1/docs",
            "openapi_url": f"{site_url}/api/v1/openapi.json",
            "all_dates_feed": site_url + reverse("calendar:all"),
            "series_feed_example": site_url + reverse("calendar:series", args=[123]),
            "topic_feed_example": site_url + reverse("calendar:topic", args=["robotik"]),
            "date_file_example": site_url + reverse("calendar:date", args=[456]),
            "formats": WorkshopSeriesPage.Format.values,
            "site_url": site_url,
        },
    )
