"""Other login addresses (Wagtail's, the admin's) lead to the site's own login."""

from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def to_site_login(request, *args, **kwargs):
    """Redirect to the allauth login, where rate limits and the second factor apply.

    Only ``next`` is carried over, and only when it stays on this site: whatever else was
    sent (a password in a query string, say) is dropped rather than passed along.
    """
    target = reverse("account_login")
    next_url = request.GET.get("next") or request.POST.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        query = QueryDict(mutable=True)
        query["next"] = next_url
        target += "?" + query.urlencode(safe="/")
    return HttpResponseRedirect(target)
