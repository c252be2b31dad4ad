"""Downloads: participant lists, sign-in sheets and certificates of attendance."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from cms.models import OfficeSettings
from members.middleware import needs_mfa_setup
from members.permissions import staff_required
from workshops import exports
from workshops.services.attendance import dates_for_trainer


def download(document):
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def participants_csv(request, pk):
    workshop_date = get_object_or_404(exports.dates_with_details(), pk=pk)
    return download(exports.participants_csv(workshop_date))


@staff_required
def participants_xlsx(request, pk):
    workshop_date = get_object_or_404(exports.dates_with_details(), pk=pk)
    return download(exports.participants_xlsx(workshop_date))


@login_required
def sign_in_sheet(request, pk):
    """Staff and the trainers of the date; other trainers get 404, everybody else 403."""
    if request.user.is_staff and needs_mfa_setup(request.user):
        return redirect("mfa_activate_totp")
    dates = dates_for_trainer(request.user).select_related("series__topic")
    workshop_date = get_object_or_404(dates.prefetch_related("trainers"), pk=pk)
    return download(exports.sign_in_sheet(workshop_date))


@login_required
def certificate(request, enrolment_id):
    """The participant, their firm's admins and contacts, and staff; others get 404."""
    if request.user.is_staff and needs_mfa_setup(request.user):
        return redirect("mfa_activate_totp")
    enrolment = get_object_or_404(exports.certificate_enrolments(request.user), pk=enrolment_id)
    if not exports.attended_parts(enrolment):
        raise Http404(_("Für diese Anmeldung gibt es keine Teilnahmebescheinigung."))
    return download(exports.certificate(enrolment, OfficeSettings.for_default_site()))
