"""Choosing which non-essential emails to get: the one-click unsubscribe link in every such
email (no login) and the account page "E-Mail-Benachrichtigungen"."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tasks import registry
from tasks.models import Unsubscription
from tasks.services import preferences


def _recipient_exists(person_id, user_id):
    if person_id:
        person_model = Unsubscription._meta.get_field("person").related_model
        return person_model.objects.filter(pk=person_id, erased_at__isnull=True).exists()
    return get_user_model().objects.filter(pk=user_id).exists()


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a form
@never_cache
@require_http_methods(["GET", "POST"])  # a HEAD from a link checker changes nothing
def unsubscribe(request, token):
    """The link in an email asks first: a GET only shows the page with a button (link
    scanners of mail providers open every link); the button's POST, or the RFC 8058
    one-click POST of the mail program, unsubscribes; the page offers to undo it."""
    try:
        category, person_id, user_id = preferences.read_token(token)
    except signing.BadSignature:
        raise Http404 from None
    if not _recipient_exists(person_id, user_id):
        raise Http404
    recipient = {"category": category, "person_id": person_id, "user_id": user_id}
    changed = request.method == "POST"
    if not changed:
        subscribed = not preferences.is_unsubscribed(**recipient)
    elif request.POST.get("action") == "resubscribe":
        preferences.resubscribe(**recipient)
        subscribed = True
    else:
        preferences.unsubscribe(**recipient)
        subscribed = False
    response = render(
        request,
        "tasks/unsubscribe.html",
        {
            "category": registry.CATEGORIES[category],
            "subscribed": subscribed,
            "changed": changed,
            "token": token,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    user = request.user
    offered = preferences.categories_for(user)
    if request.method == "POST":
        wanted = request.POST.getlist("receive")
        unknown = set(wanted) - set(offered)
        if unknown:
            messages.error(
                request,
                _(
                    "Diese Auswahl kennen wir nicht; es wurde nichts geändert. Bitte laden Sie "
                    "die Seite neu."
                ),
            )
            return redirect("notification_settings:preferences")
        preferences.save_choices(user, wanted)
        messages.success(
            request, _("Ihre Einstellungen für E-Mail-Benachrichtigungen sind gespeichert.")
        )
        return redirect("notification_settings:preferences")
    off = preferences.unsubscribed_categories(user)
    return render(
        request,
        "tasks/preferences.html",
        {
            "choices": [
                (registry.CATEGORIES[category], category not in off) for category in offered
            ],
        },
    )
