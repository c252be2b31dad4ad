"""The public membership application form."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from members.forms import ApplicationForm
from members.services import onboarding


@require_http_methods(["GET", "POST"])
def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        onboarding.submit_application(form.cleaned_data)
        return redirect("members:apply_done")
    return render(
        request,
        "members/onboarding/apply.html",
        {"form": form, "consent_text": onboarding.CONSENT_TEXT},
    )


def apply_done(request):
    return render(request, "members/onboarding/apply_done.html")
