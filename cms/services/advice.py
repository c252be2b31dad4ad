"""Advice requests: anyone asks a contact point for advice, its advisors work the queue."""

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.models import AdviceNote, AdviceRequest
from members.models import ADVISOR_GROUP
from verbund.audit import record

CONSENT_VERSION = "2026-01"
CONSENT_TEXT = gettext_lazy(
    "Ich willige ein, dass die gewählte Anlaufstelle und die Koordinierungsstelle des "
    "Weiterbildungsverbunds meine Angaben in dieser Anfrage speichern und verarbeiten, um "
    "mich zu beraten und mit mir Kontakt aufzunehmen. Die Daten werden nicht an Dritte "
    "weitergegeben. Ich kann diese Einwilligung jederzeit mit Wirkung für die Zukunft per "
    "E-Mail an die Koordinierungsstelle widerrufen."
)


# Requests one address (IP) may send per hour; more are refused, nothing is saved.
RATE_LIMIT_REQUESTS = 5
RATE_LIMIT_SECONDS = 60 * 60


class AdviceError(Exception):
    """A change that cannot be made; the message is for the user."""


class TooManyRequests(AdviceError):
    """The sender's address has sent the most requests allowed for now."""


def _count_request_from(client_ip):
    """Count one request from `client_ip`; refuse it if the address is over the limit."""
    if not client_ip:
        return
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        source = client_ip
    else:
        # One IPv6 connection usually has a whole /64 network to pick addresses from.
        prefix = 64 if address.version == 6 else 32
        source = ipaddress.ip_network(f"{address}/{prefix}", strict=False).with_prefixlen
    key = f"verbund:advice-requests:{source}"
    cache.add(key, 0, RATE_LIMIT_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add() and incr()
        cache.set(key, 1, RATE_LIMIT_SECONDS)
        count = 1
    if count > RATE_LIMIT_REQUESTS:
        raise TooManyRequests(
            _(
                "Von Ihrem Internetanschluss kamen in der letzten Stunde zu viele Anfragen. "
                "Bitte versuchen Sie es später noch einmal oder rufen Sie die Anlaufstelle an."
            )
        )


def _render_mail(template, context):
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"cms/advice/email/{template}_subject.txt", context)
        body = render_to_string(f"cms/advice/email/{template}.txt", context)
    return subject.strip(), body


@transaction.atomic
def submit_request(
    *, name, email, phone, message, contact_point, topic=None, firm_name="", client_ip=None
):
    """Store a request for `contact_point`, confirm it to the sender and tell the advisors.

    At least one way to reply (email or phone) is required. The consent text shown on the
    form is stored verbatim with the time of consent. `client_ip` (the sender's address)
    is only used for the rate limit and not stored.
    """
    email = (email or "").strip().lower()
    phone = (phone or "").strip()
    if not email and not phone:
        raise AdviceError(
            _(
                "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit wir "
                "Sie erreichen können."
            )
        )
    _count_request_from(client_ip)
    advice_request = AdviceRequest.objects.create(
        name=name.strip(),
        firm_name=(firm_name or "").strip(),
        email=email,
        phone=phone,
        topic=topic,
        message=message.strip(),
        contact_point=contact_point,
        consent_text=str(CONSENT_TEXT),
        consent_given_at=timezone.now(),
    )
    record(
        advice_request,
        "verbund.advice.submitted",
        contact_point=contact_point.pk,
        consent_version=CONSENT_VERSION,
    )

    context = {"advice_request": advice_request, "contact_point": contact_point}
    if email:
        subject, body = _render_mail("confirmation", context)
        send_mail(subject, body, None, [email])
    advisor_emails = list(
        contact_point.advisors.filter(is_active=True).values_list("email", flat=True)
    )
    if advisor_emails:
        context["queue_url"] = settings.SITE_URL + reverse(
            "cms:advice_request", args=[advice_request.pk]
        )
        subject, body = _render_mail("new_request", context)
        send_mail(subject, body, None, advisor_emails)
    return advice_request


def _visible(advice_request, by_user):
    """The request locked for change, if `by_user` may work on it."""
    found = (
        AdviceRequest.objects.for_user(by_user)
        .filter(pk=advice_request.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise AdviceError(_("Sie dürfen diese Anfrage nicht bearbeiten."))
    return AdviceRequest.objects.select_for_update().get(pk=found)


@transaction.atomic
def change_status(advice_request, status, by_user):
    if status not in AdviceRequest.Status.values:
        raise AdviceError(_("Bitte wählen Sie einen gültigen Status."))
    locked = _visible(advice_request, by_user)
    if locked.status == status:
        return locked
    previous = locked.status
    locked.status = status
    locked.save(update_fields=["status"])
    record(locked, "verbund.advice.status", user=by_user, previous=previous, status=status)
    return locked


@transaction.atomic
def add_note(advice_request, text, by_user):
    text = (text or "").strip()
    if not text:
        raise AdviceError(_("Bitte schreiben Sie eine Notiz."))
    locked = _visible(advice_request, by_user)
    note = AdviceNote.objects.create(request=locked, author=by_user, text=text)
    record(locked, "verbund.advice.note", user=by_user, note=note.pk)
    return note


def works_on_advice(user):
    """Whether `user` has an advice queue: the office and the advisors of contact points."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.groups.filter(name=ADVISOR_GROUP).exists()


def queue(user, status=None):
    requests = AdviceRequest.objects.for_user(user).select_related("contact_point", "topic")
    if status:
        requests = requests.filter(status=status)
    return requests
