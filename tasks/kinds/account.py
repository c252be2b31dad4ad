"""Account emails (sign-up, password reset, invitations): ready-made messages."""

from tasks.mail import deserialize_message
from tasks.models import Notification
from tasks.services.render import kind


@kind(Notification.Kind.MESSAGE)
def message(row):
    return {"message": deserialize_message(row.context["message"])}
