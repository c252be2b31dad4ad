"""Answering a waiting-list offer from the email, without signing in.

The link names one enrolment and the offer it was sent for (its expiry time), so a link
from an earlier offer cannot answer a later one. The offer's own expiry limits it.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from workshops.models import Enrolment

SALT = "verbund.offer"


def make_token(enrolment):
    return signing.dumps(
        {"e": enrolment.pk, "o": enrolment.offer_expires_at.isoformat()}, salt=SALT
    )


def offer_url(enrolment):
    return settings.SITE_URL + reverse("enrolment:offer", args=[make_token(enrolment)])


def enrolment_for_token(token):
    """The enrolment a link was sent for, or None when the link is not ours.

    The enrolment comes back whatever its status now, so the page can say that the offer
    was answered or has run out; only the offer it was made for counts.
    """
    try:
        data = signing.loads(token, salt=SALT)
        enrolment_id, offer = int(data["e"]), str(data["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    enrolment = (
        Enrolment.objects.select_related("date__series", "person").filter(pk=enrolment_id).first()
    )
    if enrolment is None:
        return None
    if enrolment.status == Enrolment.Status.OFFERED and (
        enrolment.offer_expires_at is None or enrolment.offer_expires_at.isoformat() != offer
    ):
        return None
    return enrolment
