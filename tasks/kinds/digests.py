"""The weekly overview for firm admins and the daily one for the coordination office."""

from datetime import datetime

from django.urls import reverse

from members.models import Firm, Person
from tasks.models import Notification, Unsubscription
from tasks.services import digests
from tasks.services.render import SkipNotification, kind
from verbund.links import absolute_url


@kind(Notification.Kind.FIRM_DIGEST, category=Unsubscription.Category.FIRM_DIGEST)
def firm_digest(row):
    if row.object_id is None or row.content_type.model_class() is not Firm:
        raise SkipNotification("not about a firm")
    person = row.person
    if person is None or person.firm_id != row.object_id or person.role != Person.Role.ADMIN:
        raise SkipNotification("recipient is no longer the firm's admin")
    if person.left_on is not None:
        raise SkipNotification("recipient has left the firm")
    firm = Firm.objects.filter(pk=row.object_id, status=Firm.Status.ACTIVE).first()
    if firm is None:
        raise SkipNotification("firm is no longer a member")
    context = digests.firm_digest(firm)
    if context["is_empty"]:
        raise SkipNotification("nothing to report")
    context.update(
        firm_enrolments_url=absolute_url(reverse("enrolment:firm")),
    )
    return context


@kind(Notification.Kind.STAFF_DIGEST, category=Unsubscription.Category.STAFF_DIGEST)
def staff_digest(row):
    user = row.user
    if user is None or not user.is_staff:
        raise SkipNotification("recipient is no longer staff")
    since = row.context.get("since")
    since = datetime.fromisoformat(since) if since else digests.staff_digest_since(row.due_at)
    context = digests.staff_digest(since)
    if context["is_empty"]:
        raise SkipNotification("nothing to report")
    context.update(
        admin_url=absolute_url(reverse("wagtailadmin_home")),
        enrolments_admin_url=absolute_url(reverse("anmeldungen:index")),
        applications_admin_url=absolute_url(reverse("mitgliedsantraege:index")),
    )
    return context
