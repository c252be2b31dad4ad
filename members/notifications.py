"""The members' emails, registered with the outbox (tasks.registry) when the app loads.

New dates for a saved offer-finder search: which ones, decided when the email goes out.

The row names the dates that were new at the check; the email lists those of them that are
still public and upcoming, and is dropped when none are left or the search was deleted.
"""

from django.urls import reverse

from members.models import SavedSearch
from members.services.saved_searches import Category, Kind
from tasks.registry import SkipNotification, category, kind
from verbund.links import absolute_url
from workshops.services import offers

category(Category.SAVED_SEARCHES, order=30)


@kind(Kind.SAVED_SEARCH, category=Category.SAVED_SEARCHES)
def saved_search(row):
    search = SavedSearch.objects.filter(pk=row.object_id).first() if row.object_id else None
    if search is None:
        raise SkipNotification("saved search deleted")
    date_ids = row.context.get("date_ids") or []
    still_offered = list(offers.find_offers(offers.OfferFilters()).filter(pk__in=date_ids))
    if not still_offered:
        raise SkipNotification("none of the new dates is offered any more")
    finder = reverse("offers:finder")
    return {
        "saved_search": search,
        "offers": [
            {
                "offer": offer,
                "series": offer.series,
                "first_part": next(iter(offer.parts.all()), None),
                "more_parts": max(len(offer.parts.all()) - 1, 0),
                "url": absolute_url(offer.series.url or "/") + f"#termin-{offer.pk}",
            }
            for offer in still_offered
        ],
        "finder_url": absolute_url(f"{finder}?{search.query}"),
        "searches_url": absolute_url(reverse("members:saved_searches")),
    }
