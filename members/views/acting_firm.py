"""Someone who manages several member firms chooses the firm they act for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.forms import ChooseFirmForm
from members.services import acting_firm as service
from verbund.links import next_url


@login_required
@require_http_methods(["GET", "POST"])
def choose_firm(request):
    try:
        current = service.for_request(request)
    except service.FirmChoiceError as error:
        raise PermissionDenied(error.message) from None
    here = reverse("members:choose_firm")
    back = next_url(request, reverse("members:dashboard"))
    if back.split("?")[0] == here:
        back = reverse("members:dashboard")
    if not service.has_choice(request.user):
        return HttpResponseRedirect(back)
    form = ChooseFirmForm(
        request.POST or None, user=request.user, initial={"firm": current.pk if current else None}
    )
    if request.method == "POST" and form.is_valid():
        firm = service.choose(request, form.cleaned_data["firm"])
        messages.success(request, _("Sie handeln jetzt für %(firm)s.") % {"firm": firm.name})
        return HttpResponseRedirect(back)
    return render(
        request,
        "members/acting_firm/choose.html",
        {"form": form, "current": current, "next": back},
        status=400 if form.errors else 200,
    )
