"""What the enrol button on a date card offers the person looking at it."""

from django import template
from django.utils import timezone

from members.models import Firm, Person, managed_firm_ids
from workshops.models import WorkshopDate

register = template.Library()

ENROLABLE = (WorkshopDate.Status.OPEN, WorkshopDate.Status.FULL)


class Viewer:
    """Who is looking: anonymous, a firm admin or contact, an employee who may enrol
    themself, or somebody else. Worked out once per request."""

    def __init__(self, user):
        self.anonymous = not user.is_authenticated
        self.is_staff = user.is_staff
        self.manages_firm = not self.anonymous and bool(managed_firm_ids(user))
        self.may_enrol_self = False
        if not self.anonymous and not self.manages_firm:
            self.may_enrol_self = (
                Person.objects.filter(
                    user=user,
                    left_on__isnull=True,
                    erased_at__isnull=True,
                    firm__status=Firm.Status.ACTIVE,
                    firm__allow_self_enrolment=True,
                ).exists()
            )


@register.simple_tag(takes_context=True)
def enrolment_viewer(context):
    request = context.get("request")
    if request is None:
        return None
    viewer = getattr(request, "_enrolment_viewer", None)
    if viewer is None:
        viewer = request._enrolment_viewer = Viewer(request.user)
    return viewer


@register.filter
def enrolment_open(workshop_date):
    """Whether members can enrol in this date now (a full date still takes a waiting list)."""
    return workshop_date.status in ENROLABLE and workshop_date.enrolment_deadline > timezone.now()
