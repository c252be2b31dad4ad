"""What the enrol button on a date card offers the person looking at it."""

from django import template

from members.models import managed_firm_ids
from workshops.services import enrolment

register = template.Library()


class Viewer:
    """Who is looking: anonymous, a firm admin or contact, an employee who may enrol
    themself, or somebody else. Worked out once per request."""

    def __init__(self, user):
        self.anonymous = not user.is_authenticated
        self.is_staff = user.is_staff
        self.manages_firm = not self.anonymous and bool(managed_firm_ids(user))
        self.may_enrol_self = False
        if not self.anonymous and not self.manages_firm:
            self.may_enrol_self = enrolment.self_enrolling_person(user) is not None


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
    return enrolment.is_open_for_enrolment(workshop_date)
