"""Calendar files: subscription feeds (personal and firm by secret token, public per series,
per topic and for all upcoming dates), single-date downloads, and the account page that
shows the feed addresses. The files are built by workshops.calendar."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cms.models import Topic, WorkshopSeriesPage
from members.models import Firm
from members.services import calendar_feeds
from workshops.calendar import date_download, dates_for_calendar, feed_for, file_etag
from workshops.models import Enrolment, WorkshopDate

CONTENT_TYPE = "text/calendar; charset=utf-8"
PUBLIC_MAX_AGE = 15 * 60


def _last_modified(dates, *also):
    """The latest change we can know of cheaply: the dates, their series' publication,
    and `also` (e.g. the latest enrolment change); the current hour for an empty feed."""
    moments = [moment for moment in also if moment is not None]
    for date in dates:
        moments.append(date.updated_at)
        if date.series.last_published_at:
            moments.append(date.series.last_published_at)
    if not moments:
        return timezone.now().replace(minute=0, second=0, microsecond=0)
    return max(moments)


def _calendar_response(
    request, body, *, last_modified, filename, private, download=False, etag=None
):
    """The file with ETag and Last-Modified, or 304 when the client's copy is current."""
    etag = etag or file_etag(body)
    last_modified = int(last_modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        disposition = "attachment" if download else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    if private:
        patch_cache_control(response, private=True, no_cache=True)
        response["X-Robots-Tag"] = "noindex"
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _feed(request, queryset, *, name, filename, private, changed=None):
    feed = feed_for(queryset, name=name)
    moments = [moment for moment in (feed.changed, changed) if moment is not None]
    last_modified = max(moments) if moments else _last_modified([])
    return _calendar_response(
        request,
        feed.body,
        last_modified=last_modified,
        filename=filename,
        private=private,
        etag=feed.etag,
    )


# --- Token feeds -----------------------------------------------------------------------------


@require_GET
def person_feed(request, token):
    feed = calendar_feeds.token_or_none(token, kind="user")
    if feed is None:
        raise Http404
    user = feed.user
    return _feed(
        request,
        calendar_feeds.person_dates(user),
        name=_("Meine Workshops"),
        filename="meine-workshops.ics",
        private=True,
        changed=calendar_feeds.person_changed(user),
    )


@require_GET
def firm_feed(request, token):
    feed = calendar_feeds.token_or_none(token, kind="firm")
    if feed is None:
        raise Http404
    firm = feed.firm
    return _feed(
        request,
        calendar_feeds.firm_dates(firm),
        name=_("Workshops: %(firm)s") % {"firm": firm.name},
        filename="workshops-unternehmen.ics",
        private=True,
        changed=calendar_feeds.firm_changed(firm),
    )


# --- Public feeds ----------------------------------------------------------------------------


@require_GET
def series_feed(request, page_id):
    series = get_object_or_404(WorkshopSeriesPage.objects.live(), pk=page_id)
    return _feed(
        request,
        calendar_feeds.public_dates().filter(series=series),
        name=series.title,
        filename=f"workshopreihe-{series.pk}.ics",
        private=False,
    )


@require_GET
def topic_feed(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return _feed(
        request,
        calendar_feeds.public_dates().filter(series__topic=topic),
        name=_("Workshops: %(topic)s") % {"topic": topic.name},
        filename=f"thema-{topic.slug}.ics",
        private=False,
    )


@require_GET
def all_dates_feed(request):
    return _feed(
        request,
        calendar_feeds.public_dates(),
        name=_("Workshops im Weiterbildungsverbund"),
        filename="termine.ics",
        private=False,
    )


# --- Single dates ----------------------------------------------------------------------------


@require_GET
def date_file(request, date_id):
    queryset = dates_for_calendar(WorkshopDate.objects.filter(series__live=True))
    date = get_object_or_404(queryset, pk=date_id)
    return _calendar_response(
        request,
        date_download(date),
        last_modified=_last_modified([date]),
        filename=f"termin-{date.pk}.ics",
        private=False,
        download=True,
    )


@require_GET
@login_required
def enrolment_file(request, enrolment_id):
    enrolments = Enrolment.objects.for_user(request.user).select_related("person")
    enrolment = get_object_or_404(enrolments, pk=enrolment_id)
    date = dates_for_calendar(WorkshopDate.objects.filter(pk=enrolment.date_id)).get()
    # The online link is for the participant themself, not for whoever manages their firm.
    own = enrolment if enrolment.person.user_id == request.user.pk else None
    return _calendar_response(
        request,
        date_download(date, enrolment=own),
        last_modified=_last_modified([date], enrolment.updated_at),
        filename=f"termin-{date.pk}.ics",
        private=True,
        download=True,
    )


# --- Account page ----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    user = request.user
    personal = calendar_feeds.has_personal_feed(user)
    firms = list(Firm.objects.administered_by(user).order_by("name"))
    if request.method == "POST":
        target = request.POST.get("regenerate", "")
        if target == "person" and personal:
            calendar_feeds.regenerate(user)
            messages.success(
                request,
                _(
                    "Ihr Kalender hat eine neue Adresse. Die bisherige Adresse funktioniert nicht "
                    "mehr; tragen Sie die neue in Ihrem Kalenderprogramm ein."
                ),
            )
        else:
            firm = next((f for f in firms if target == f"firm-{f.pk}"), None)
            if firm is None:
                raise Http404
            calendar_feeds.regenerate(firm)
            messages.success(
                request,
                _(
                    "Der Kalender von %(firm)s hat eine neue Adresse. Die bisherige Adresse "
                    "funktioniert nicht mehr."
                )
                % {"firm": firm.name},
            )
        return redirect("calendar:account")
    context = {
        "personal_url": calendar_feeds.personal_feed_url(user) if personal else None,
        "firm_feeds": [
            (firm, calendar_feeds.feed_url(calendar_feeds.firm_feed_token(firm))) for firm in firms
        ],
        "public_url": settings.SITE_URL + reverse("calendar:all"),
    }
    return render(request, "workshops/calendar/account.html", context)
