"""The short feedback form after a date, reached from the thank-you email by a signed link."""

from django import forms
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from workshops.models import Enrolment, Feedback
from workshops.services import feedback as feedback_service

RATING_CHOICES = [
    (5, _("5 – sehr zufrieden")),
    (4, _("4 – zufrieden")),
    (3, _("3 – teils, teils")),
    (2, _("2 – unzufrieden")),
    (1, _("1 – gar nicht zufrieden")),
]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Wie zufrieden waren Sie mit dem Workshop insgesamt?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie eine Bewertung von 1 bis 5."),
            "invalid_choice": _("Bitte wählen Sie eine Bewertung von 1 bis 5."),
        },
    )
    useful = forms.CharField(
        label=Feedback._meta.get_field("useful").verbose_name,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    to_improve = forms.CharField(
        label=Feedback._meta.get_field("to_improve").verbose_name,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


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
