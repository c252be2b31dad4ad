"""The funding check (Förder-Check) at /foerder-check/."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cms.forms import FundingCheckForm
from cms.models import FundingProgrammeIndexPage
from cms.services import funding


@require_safe
def funding_check(request):
    # Only the form's own fields count; anything else in the address is ignored.
    submitted = any(name in request.GET for name in FundingCheckForm.base_fields)
    form = FundingCheckForm(request.GET if submitted else None)
    assessments = None
    if form.is_valid():
        today = timezone.localdate()
        assessments = funding.assess_all(funding.current_programmes(today), form.case(), today)
    return render(
        request,
        "cms/funding_check.html",
        {
            "form": form,
            "assessments": assessments,
            "funding_index": FundingProgrammeIndexPage.objects.live().first(),
        },
    )
