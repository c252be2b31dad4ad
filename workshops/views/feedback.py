"""The short feedback form after a date, reached from the thank-you email by a signed link."""

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from workshops.forms import FeedbackForm
from workshops.models import Enrolment
from workshops.services import feedback as feedback_service


def _enrolment_or_404(token):
    try:
        return feedback_service.enrolment_for_token(token)
    except (signing.BadSignature, Enrolment.DoesNotExist):
        raise Http404 from None


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_form(request, token):
    enrolment = _enrolment_or_404(token)
    context = {"enrolment": enrolment, "workshop_date": enrolment.date, "token": token}
    answer = feedback_service.existing_feedback(enrolment)
    if answer is not None:
        return render(
            request, "workshops/feedback/already_given.html", {**context, "feedback": answer}
        )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_service.submit(enrolment, **form.cleaned_data)
        except feedback_service.FeedbackAlreadyGiven:
            return render(request, "workshops/feedback/already_given.html", context)
        return redirect("feedback:thanks", token=token)
    return render(request, "workshops/feedback/form.html", {**context, "form": form})


@never_cache
@require_http_methods(["GET"])
def feedback_thanks(request, token):
    enrolment = _enrolment_or_404(token)
    return render(
        request,
        "workshops/feedback/thanks.html",
        {"enrolment": enrolment, "workshop_date": enrolment.date},
    )
