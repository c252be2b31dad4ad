"""Public, machine-facing pages: robots.txt, the API description for partner platforms and
the office's colours as a style sheet."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from cms.models import OfficeSettings, WorkshopSeriesPage

# Address prefixes that crawlers have no business in: sign-in, personal and token addresses.
ROBOTS_DISALLOW = (
    "/admin/",
    "/konto/",
    "/api/",
    "/anmeldung/",
    "/teilnahme/",
    "/trainer/",
    "/beratung/anfragen/",
    "/benachrichtigungen/",
    "/kalender/person/",
    "/kalender/firma/",
    "/kalender/anmeldung/",
    "/i18n/",
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


def _darker(colour, share=0.25):
    channels = [int(colour[index : index + 2], 16) for index in (1, 3, 5)]
    return "#" + "".join(f"{round(c * (1 - share)):02x}" for c in channels)


@require_safe
def theme_css(request):
    """The office's colours (site settings) as CSS custom properties. A file rather than an
    inline style, which the Content-Security-Policy does not allow."""
    office = OfficeSettings.for_request(request)
    body = (
        ":root {\n"
        f"  --primary: {office.primary_colour};\n"
        f"  --primary-dark: {_darker(office.primary_colour)};\n"
        f"  --tint: {office.accent_colour};\n"
        "}\n"
    )
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
