from django.conf import settings
from django.conf.urls.static import static
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import urls as cms_urls
from cms.sitemaps import SITEMAPS
from cms.views import public as public_views
from members.views.login import to_site_login
from tasks import urls as tasks_urls
from workshops import urls as workshops_urls

from . import health
from .api import api
from .csp_reports import csp_report

# Every password goes through the site's own login (allauth), where the rate limits and
# the staff second factor apply. Wagtail's own login views, its page passwords and the
# admin login answer with a redirect there, keeping ?next=.
urlpatterns = [
    path("healthz/live", health.live, name="health-live"),
    path("healthz/ready", health.ready, name="health-ready"),
    path("csp-report/", csp_report, name="csp-report"),
    path("admin/login/", to_site_login, name="wagtailadmin_login"),
    path("_util/login/", to_site_login, name="wagtailcore_login"),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        to_site_login,
        name="wagtailcore_authenticate_with_password",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("", include("members.urls")),
    path("beratung/", include("cms.urls")),
    path("foerder-check/", include(cms_urls.funding_patterns)),
    path("konto/benachrichtigungen/", include(tasks_urls.account_patterns)),
    path("konto/", include("allauth.urls")),
    path("trainer/", include("workshops.urls")),
    path("teilnahme/", include(workshops_urls.documents_patterns)),
    path("teilnahme/rueckmeldung/", include(workshops_urls.feedback_patterns)),
    path("anmeldung/", include(workshops_urls.enrolment_patterns)),
    path("angebote/", include(workshops_urls.offers_patterns)),
    # Feeds under /kalender/, the feed addresses on the account page /konto/kalender/.
    path("", include(workshops_urls.calendar_patterns)),
    path("benachrichtigungen/", include("tasks.urls")),
    # The language switch is in the header of every page. Without a CSRF token there,
    # anonymous pages can be kept by a shared cache; switching someone's language is
    # all a forged request could do.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}),
    path("robots.txt", public_views.robots_txt, name="robots_txt"),
    path("farben.css", public_views.theme_css, name="theme_css"),
    path("partner/api/", public_views.partner_api, name="partner_api"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
