"""The offer finder /angebote/: the public face of GET /api/v1/offers, same filters."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workshops.forms import OfferFinderForm
from workshops.services import offers

PAGE_SIZE = 20


def _page(results, number):
    """The page asked for; past the end the last page, with a note saying so."""
    paginator = Paginator(results, PAGE_SIZE)
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        return paginator.page(1), ""
    except EmptyPage:
        last = paginator.num_pages
        try:
            asked = int(number)
        except (TypeError, ValueError):
            asked = 0
        if asked < 1:
            return paginator.page(1), ""
        return paginator.page(last), _(
            "Seite %(asked)s gibt es nicht. Angezeigt wird die letzte Seite (%(last)s)."
        ) % {"asked": asked, "last": last}


@require_GET
def offer_finder(request):
    form = OfferFinderForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters() if form.is_bound else offers.OfferFilters()
    version = offers.catalogue_version()
    facets = offers.facet_counts(filters, version)
    page, page_note = None, ""
    if valid:
        results = offers.results(filters, count=facets.results)
        page, page_note = _page(results, request.GET.get("page"))
    query_string = filters.query_string()
    return render(
        request,
        "workshops/offers/finder.html",
        {
            "form": form,
            "valid": valid,
            "filters": filters,
            "facets": facets,
            "page_obj": page,
            "catalogue_version": version,
            # A window of page links around the current one, not a link to every page.
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2)
            if page is not None
            else [],
            "page_note": page_note,
            "query_string": query_string,
            "saved_search_query": query_string if valid else "",
        },
    )
