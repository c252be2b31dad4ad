"""Unsubscribing from non-essential emails (one click, no login)."""

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from tasks.models import Unsubscription
from tasks.services import preferences


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a form
def unsubscribe(request, token):
    try:
        category, person_id, user_id = preferences.read_token(token)
    except signing.BadSignature:
        raise Http404 from None
    recipient = {"person_id": person_id, "user_id": user_id}
    if request.method == "POST" and request.POST.get("action") == "resubscribe":
        preferences.resubscribe(category=category, **recipient)
        subscribed = True
    else:
        preferences.unsubscribe(category=category, **recipient)
        subscribed = False
    return render(request, "tasks/unsubscribe.html", {
        "category": Unsubscription.Category(category),
        "subscribed": subscribed,
        "token": token,
    })
