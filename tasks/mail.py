"""Email backends.

`QueuedEmailBackend` is what the application uses for ready-made messages (allauth's
account emails, invitations): it writes each message to the notification outbox in the
surrounding transaction, and the worker delivers it with
`settings.VERBUND_DELIVERY_EMAIL_BACKEND`, like every other notification.

`ConsoleAndFileBackend` is the delivery backend of the embedded default: every message
is printed and also written as an .eml file to `settings.MAIL_DIR`.
"""

import base64
import email
import uuid
from email.mime.base import MIMEBase
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone


def serialize_message(message: EmailMessage) -> dict:
    """A JSON-safe description of a message, enough to rebuild it in the worker."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):  # a ready-made part, e.g. a calendar invitation
            attachments.append({"mime": base64.b64encode(attachment.as_bytes()).decode("ascii")})
            continue
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode("utf-8")
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        # "html" for a message whose body is HTML (allauth sends such when a template
        # exists only as .html).
        "content_subtype": message.content_subtype,
        "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def deserialize_message(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for attachment in data["attachments"]:
        if isinstance(attachment, dict):
            message.attach(_mime_part(base64.b64decode(attachment["mime"])))
        else:
            filename, content, mimetype = attachment
            message.attach(filename, base64.b64decode(content), mimetype)
    return message


def _mime_part(raw: bytes) -> MIMEBase:
    parsed = email.message_from_bytes(raw)
    part = MIMEBase(parsed.get_content_maintype(), parsed.get_content_subtype())
    for header in ("Content-Type", "MIME-Version"):
        del part[header]
    for header, value in parsed.items():
        part[header] = value
    part.set_payload(parsed.get_payload())
    return part


class NotificationEmail(EmailMultiAlternatives):
    """An email with ready-made MIME parts inside multipart/alternative, after the text and
    HTML: where Outlook, Exchange and Apple Mail look for a calendar's iTIP part."""

    def __init__(self, *args, alternative_parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.alternative_parts = list(alternative_parts)

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        for part in self.alternative_parts:
            msg.attach(part)
        return msg


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        # Imported here: the outbox renders its messages with this module's classes.
        from tasks.models import MessageKind
        from tasks.services.outbox import notify

        queued = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            notify(
                MessageKind.MESSAGE,
                email=recipients[0],
                context={"message": serialize_message(message)},
                key=f"message|{uuid.uuid4().hex}",
            )
            queued += 1
        return queued


class ConsoleAndFileBackend(ConsoleBackend):
    def write_message(self, message):
        super().write_message(message)
        mail_dir = Path(settings.MAIL_DIR)
        mail_dir.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = mail_dir / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(message.message().as_bytes())
