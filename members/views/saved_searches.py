"""Saved offer-finder searches of the signed-in account: save, list, run, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from members.services import saved_searches


@login_required
@require_POST
def saved_search_create(request):
    query = request.POST.get("query", "")[:1000]
    finder_url = reverse("offers:finder")
    try:
        search, created = saved_searches.save_search(request.user, query)
    except saved_searches.SavedSearchError as error:
        messages.error(request, str(error))
        return redirect(f"{finder_url}?{query}" if query else finder_url)
    if created:
        messages.success(
            request,
            _(
                "Ihre Suche „%(name)s“ ist gespeichert. Sobald neue passende Termine "
                "veröffentlicht werden, erhalten Sie eine E-Mail."
            )
            % {"name": search.name},
        )
    else:
        messages.info(
            request,
            _("Diese Suche hatten Sie schon gespeichert („%(name)s“).") % {"name": search.name},
        )
    return redirect("members:saved_searches")


@never_cache
@login_required
def saved_search_list(request):
    searches = saved_searches.searches_of(request.user)
    finder_url = reverse("offers:finder")
    rows = [(search, f"{finder_url}?{search.query}") for search in searches]
    return render(request, "members/saved_searches/list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_delete(request, search_id):
    search = saved_searches.searches_of(request.user).filter(pk=search_id).first()
    if search is None:
        raise Http404
    if request.method == "POST":
        saved_searches.delete_search(request.user, search.pk)
        messages.success(request, _("Die Suche „%(name)s“ wurde gelöscht.") % {"name": search.name})
        return redirect("members:saved_searches")
    return render(request, "members/saved_searches/delete.html", {"search": search})
