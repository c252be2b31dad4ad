"""Membership applications: a firm applies through the public form, the office decides."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Firm, MembershipApplication, Person
from verbund.audit import record

from .invitations import create_invitation

CONSENT_VERSION = "2026-01"
CONSENT_TEXT = gettext_lazy(
    "Ich willige ein, dass die Koordinierungsstelle des Weiterbildungsverbunds die Angaben "
    "in diesem Antrag (Daten des Unternehmens und der Ansprechperson) speichert und "
    "verarbeitet, um über die Mitgliedschaft zu entscheiden, das Unternehmen zu betreuen "
    "und es über Weiterbildungsangebote des Verbunds zu informieren. Die Daten werden nicht "
    "an Dritte weitergegeben. Ich kann diese Einwilligung jederzeit mit Wirkung für die "
    "Zukunft per E-Mail an die Koordinierungsstelle widerrufen."
)

FIRM_FIELDS = (
    "name",
    "legal_form",
    "sector",
    "employee_count",
    "district",
    "street",
    "postal_code",
    "city",
    "phone",
    "website",
)
CONTACT_FIELDS = ("contact_first_name", "contact_last_name", "contact_email", "contact_phone")


class OnboardingError(Exception):
    """A decision that cannot be made; the message is for the user."""


def has_open_application(email):
    return MembershipApplication.objects.filter(
        contact_email__iexact=email.strip(), firm__status=Firm.Status.APPLIED
    ).exists()


def pending_applications():
    return (
        MembershipApplication.objects.filter(firm__status=Firm.Status.APPLIED)
        .select_related("firm", "firm__district")
        .order_by("submitted_at")
    )


def pending_count():
    return MembershipApplication.objects.filter(firm__status=Firm.Status.APPLIED).count()


def _send(template, application, **context):
    """Email the application's contact person, in German (the language of the form)."""
    context = {
        "application": application,
        "firm": application.firm,
        "contact_name": (
            f"{application.contact_first_name} {application.contact_last_name}".strip()
        ),
        **context,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"members/onboarding/email/{template}_subject.txt", context)
        body = render_to_string(f"members/onboarding/email/{template}.txt", context)
    send_mail(subject.strip(), body, None, [application.contact_email])


@transaction.atomic
def submit_application(data):
    """Create the applicant firm (status APPLIED) and its application from cleaned form data.

    The consent text shown on the form is stored verbatim with the time of consent.
    """
    now = timezone.now()
    firm = Firm.objects.create(
        status=Firm.Status.APPLIED,
        created_at=now,
        **{field: data[field] for field in FIRM_FIELDS},
    )
    application = MembershipApplication.objects.create(
        firm=firm,
        contact_first_name=data["contact_first_name"].strip(),
        contact_last_name=data["contact_last_name"].strip(),
        contact_email=data["contact_email"].strip().lower(),
        contact_phone=(data.get("contact_phone") or "").strip(),
        consent_text=str(CONSENT_TEXT),
        consent_given_at=now,
        submitted_at=now,
    )
    record(
        firm, "verbund.firm.applied", application=application.pk, consent_version=CONSENT_VERSION
    )
    _send("received", application)
    return application


def _lock(application):
    """The application with its firm, locked; OnboardingError if it was already decided."""
    application = (
        MembershipApplication.objects.select_for_update()
        .select_related("firm")
        .get(pk=application.pk)
    )
    if application.firm.status != Firm.Status.APPLIED:
        raise OnboardingError(
            _("Über diesen Antrag wurde bereits entschieden (%(status)s).")
            % {"status": application.firm.get_status_display()}
        )
    return application


@transaction.atomic
def approve_application(application, by_user):
    """Make the firm a member; its contact person becomes the firm's admin and is invited."""
    application = _lock(application)
    firm = application.firm
    now = timezone.now()
    firm.status = Firm.Status.ACTIVE
    firm.save(update_fields=["status"])
    application.decided_at = now
    application.decided_by = by_user
    application.decline_reason = ""
    application.save(update_fields=["decided_at", "decided_by", "decline_reason"])
    person, created = Person.objects.get_or_create(
        firm=firm,
        email__iexact=application.contact_email,
        defaults={
            "first_name": application.contact_first_name,
            "last_name": application.contact_last_name,
            "email": application.contact_email.lower(),
            "role": Person.Role.ADMIN,
        },
    )
    if not created and person.role != Person.Role.ADMIN:
        person.role = Person.Role.ADMIN
        person.save(update_fields=["role"])
    record(
        person,
        "verbund.person.created" if created else "verbund.person.changed",
        user=by_user,
        role=person.role,
    )
    record(
        firm, "verbund.firm.approved", user=by_user, application=application.pk, person=person.pk
    )
    with translation.override(settings.LANGUAGE_CODE):
        create_invitation(
            firm=firm,
            email=application.contact_email,
            role=Person.Role.ADMIN,
            invited_by=by_user,
            person=person,
        )
    _send("approved", application)
    return application


@transaction.atomic
def decline_application(application, by_user, reason):
    """Decline the application with a reason, which is emailed to the contact person."""
    reason = (reason or "").strip()
    if not reason:
        raise OnboardingError(_("Bitte geben Sie eine Begründung für die Ablehnung an."))
    application = _lock(application)
    firm = application.firm
    firm.status = Firm.Status.DECLINED
    firm.save(update_fields=["status"])
    application.decided_at = timezone.now()
    application.decided_by = by_user
    application.decline_reason = reason
    application.save(update_fields=["decided_at", "decided_by", "decline_reason"])
    record(firm, "verbund.firm.declined", user=by_user, application=application.pk, reason=reason)
    _send("declined", application, reason=reason)
    return application
