"""Turning an outbox row into an email, at the moment it is sent.

Each kind registers a context function with `@kind(Kind.X, category=...)` in its app's
`notifications.py` (see tasks.registry). The function gets the row and returns the
template context, or raises `SkipNotification` when the message no longer makes sense
(a reminder for a seat that was cancelled since). It may put ready-made MIME parts under
the key "alternatives" (placed in multipart/alternative after text and HTML, e.g. a
calendar's iTIP part) and under "attachments".

Every message, ready-made account emails included, answers to the office (Reply-To) and
has a Message-ID in the site's own domain.

Templates live in `templates/<app>/email/<kind>_subject.txt`, `<kind>.txt` and
`<kind>.html`; they extend `tasks/email/base.txt` and `base.html`, which carry the office's
contact details (registered with `tasks.registry.office_details`) and, for non-essential
kinds, the unsubscribe link. Everything is rendered in the recipient's language.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tasks import registry
from tasks.mail import NotificationEmail
from tasks.models import MessageKind, Unsubscription
from tasks.services import preferences
from verbund.links import site_domain


def recipient_address(row):
    """The address to send to now, or "" when nobody should get it any more."""
    if row.person_id:
        person = row.person
        if person.erased_at is not None or not person.email:
            return ""
        return person.email
    if row.user_id:
        user = row.user
        return user.email if user.is_active else ""
    return row.to_email


def is_unsubscribed(row):
    category = registry.category_of(row.kind)
    if category is None:
        return False
    recipients = Unsubscription.objects.filter(category=category)
    if row.person_id:
        account = row.person.user_id
        return recipients.filter(person_id=row.person_id).exists() or (
            account is not None and recipients.filter(user_id=account).exists()
        )
    if row.user_id:
        return recipients.filter(user_id=row.user_id).exists()
    return False


def office():
    """The office's name and contact details, from the app that keeps them."""
    return registry.office()


def sender(office_settings):
    default_name, default_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr(
        (office_settings.office_name or default_name, office_settings.email or default_email)
    )


def recipient_name(row):
    if row.person_id:
        return row.person.full_name
    if row.user_id:
        return row.user.get_full_name()
    return ""


def build_message(row, address):
    """The email for one row; raises SkipNotification or any rendering error."""
    spec = registry.spec(row.kind)
    with translation.override(row.language or settings.LANGUAGE_CODE):
        context = spec.build_context(row)
        if row.kind == MessageKind.MESSAGE:
            return _stamped(context["message"], row, office())
        alternatives = context.pop("alternatives", [])
        attachments = context.pop("attachments", [])
        office_settings = office()
        unsubscribe_url = ""
        if spec.category is not None:
            unsubscribe_url = preferences.unsubscribe_url(row, spec.category)
        context.update(
            notification=row,
            office=office_settings,
            recipient_name=recipient_name(row),
            site_url=settings.SITE_URL,
            unsubscribe_url=unsubscribe_url,
        )
        base = spec.template
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        if context.get("on_behalf_of"):
            # The inbox of a firm admin shows at once whom a message is about.
            subject = _("Für %(name)s: %(subject)s") % {
                "name": context["on_behalf_of"],
                "subject": subject,
            }
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = NotificationEmail(
        subject=subject,
        body=text,
        from_email=sender(office_settings),
        to=[address],
        headers=headers,
        alternative_parts=alternatives,
    )
    message.attach_alternative(html, "text/html")
    for part in attachments:
        message.attach(part)
    return _stamped(message, row, office_settings)


def _stamped(message, row, office_settings):
    """What every message carries: the office as Reply-To, a Message-ID in the site's
    domain, and the row's number for support. The Message-ID is the same for every try of
    one row, so a receiving system can drop a message delivered twice."""
    if office_settings.email and not message.reply_to:
        message.reply_to = [office_settings.email]
    headers = {name.lower(): name for name in message.extra_headers}
    if "message-id" in headers:
        del message.extra_headers[headers["message-id"]]
    message.extra_headers["Message-ID"] = (
        f"<verbund.{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{site_domain()}>"
    )
    message.extra_headers["X-Verbund-Notification"] = str(row.pk)
    return message
