"""After a date: thanks, the certificate of attendance and the feedback form."""

from django.conf import settings
from django.urls import reverse

from tasks.models import Notification, Unsubscription
from tasks.services.render import SkipNotification, kind
from workshops.models import Enrolment
from workshops.services import feedback as feedback_service


@kind(Notification.Kind.THANK_YOU, category=Unsubscription.Category.FOLLOW_UP)
def thank_you(row):
    if row.object_id is None or row.content_type.model_class() is not Enrolment:
        raise SkipNotification("not about an enrolment")
    enrolment = (
        feedback_service.attended_enrolments()
        .select_related("date__series", "person")
        .filter(pk=row.object_id)
        .first()
    )
    if enrolment is None:
        raise SkipNotification("no attendance recorded (any more)")
    parts = list(enrolment.date.parts.order_by("starts_at", "pk"))
    return {
        "enrolment": enrolment,
        "workshop_date": enrolment.date,
        "series": enrolment.date.series,
        "first_start": parts[0].starts_at if parts else None,
        # The certificate needs a sign-in; people without an account get it from their firm.
        "has_account": enrolment.person.user_id is not None,
        "certificate_url": settings.SITE_URL
        + reverse("documents:certificate", args=[enrolment.pk]),
        "feedback_url": feedback_service.feedback_url(enrolment),
        "already_answered": feedback_service.existing_feedback(enrolment) is not None,
    }
