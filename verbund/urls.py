from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views_public
from cms.sitemaps import SITEMAPS

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
    path("foerder-check/", include("cms.urls_funding")),
    path("konto/benachrichtigungen/", include("tasks.urls_account")),
    path("konto/", include("allauth.urls")),
    path("trainer/", include("workshops.urls")),
    path("teilnahme/", include("workshops.urls_documents")),
    path("teilnahme/rueckmeldung/", include("workshops.urls_feedback")),
    path("anmeldung/", include("workshops.urls_enrolment")),
    path("angebote/", include("workshops.urls_offers")),
    # Feeds under /kalender/, the feed addresses on the account page /konto/kalender/.
    path("", include("workshops.urls_calendar")),
    path("benachrichtigungen/", include("tasks.urls")),
    # The language switch is in the header of every page. Without a CSRF token there,
    # anonymous pages can be kept by a shared cache; switching someone's language is
    # all a forged request could do.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}),
    path("robots.txt", views_public.robots_txt, name="robots_txt"),
    path("partner/api/", views_public.partner_api, name="partner_api"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
