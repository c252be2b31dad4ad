"""The outbox's own email kind: account emails (sign-up, password reset, invitations) that
arrive as ready-made messages through `tasks.mail.QueuedEmailBackend`."""

from tasks.mail import deserialize_message
from tasks.models import MessageKind
from tasks.registry import kind


@kind(MessageKind.MESSAGE)
def message(row):
    return {"message": deserialize_message(row.context["message"])}
