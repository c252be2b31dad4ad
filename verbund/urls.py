from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap
from wagtail.documents import urls as wagtaildocs_urls

from . import health
from .api import api

urlpatterns = [
    path("healthz/live", health.live, name="health-live"),
    path("healthz/ready", health.ready, name="health-ready"),
    # The admin signs in through the site's own login, so rate limits and MFA apply there.
    path(
        "admin/login/",
        RedirectView.as_view(url="/konto/login/", query_string=True),
        name="wagtailadmin_login",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("", include("members.urls")),
    path("beratung/", include("cms.urls")),
    path("konto/", include("allauth.urls")),
    path("trainer/", include("workshops.urls")),
    path("teilnahme/", include("workshops.urls_documents")),
    path("anmeldung/", include("workshops.urls_enrolment")),
    # Feeds under /kalender/, the feed addresses on the account page /konto/kalender/.
    path("", include("workshops.urls_calendar")),
    path("benachrichtigungen/", include("tasks.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
