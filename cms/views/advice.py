"""Advice requests: the public form and the queue of advisors and the office."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cms.forms import AdviceRequestForm, NoteForm, StatusForm
from cms.models import AdviceRequest
from cms.services import advice


def _client_ip(request):
    """The sender's address as the login rate limits see it (honours trusted proxies)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


@require_http_methods(["GET", "POST"])
def advice_form(request):
    form = AdviceRequestForm(request.POST or None)
    status = 200
    if request.method == "GET" and request.GET.get("anlaufstelle", "").isdigit():
        preselected = (
            form.fields["contact_point"].queryset.filter(pk=request.GET["anlaufstelle"]).first()
        )
        if preselected is not None:
            form.initial["contact_point"] = preselected.pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice.submit_request(
                name=data["name"],
                firm_name=data["firm_name"],
                email=data["email"],
                phone=data["phone"],
                topic=data["topic"],
                message=data["message"],
                contact_point=data["contact_point"],
                client_ip=_client_ip(request),
            )
        except advice.TooManyRequests as error:
            form.add_error(None, str(error))
            status = 429
        except advice.AdviceError as error:
            form.add_error("email", str(error))
        else:
            return redirect("cms:advice_form_done")
    return render(
        request,
        "cms/advice/form.html",
        {"form": form, "consent_text": advice.CONSENT_TEXT},
        status=status,
    )


def advice_form_done(request):
    return render(request, "cms/advice/form_done.html")


def _require_queue(user):
    if not advice.works_on_advice(user):
        raise PermissionDenied(
            _(
                "Beratungsanfragen sehen nur die Lotsinnen und Lotsen der Anlaufstellen und "
                "die Koordinierungsstelle."
            )
        )


@login_required
def advice_queue(request):
    _require_queue(request.user)
    status = request.GET.get("status", "")
    if status not in AdviceRequest.Status.values:
        status = ""
    page = Paginator(advice.queue(request.user, status), 50).get_page(request.GET.get("seite"))
    return render(
        request,
        "cms/advice/queue.html",
        {"page_obj": page, "status": status, "statuses": AdviceRequest.Status.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def advice_request(request, pk):
    _require_queue(request.user)
    advice_request = get_object_or_404(
        advice.queue(request.user).select_related("topic", "contact_point__district"), pk=pk
    )
    status_form = StatusForm(initial={"status": advice_request.status}, prefix="status")
    note_form = NoteForm(prefix="note")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "status":
            status_form = StatusForm(request.POST, prefix="status")
            if status_form.is_valid():
                try:
                    advice.change_status(
                        advice_request, status_form.cleaned_data["status"], request.user
                    )
                except advice.AdviceError as error:
                    status_form.add_error("status", str(error))
                else:
                    messages.success(request, _("Der Status wurde geändert."))
                    return redirect("cms:advice_request", pk=advice_request.pk)
        elif action == "note":
            note_form = NoteForm(request.POST, prefix="note")
            if note_form.is_valid():
                try:
                    advice.add_note(advice_request, note_form.cleaned_data["text"], request.user)
                except advice.AdviceError as error:
                    note_form.add_error("text", str(error))
                else:
                    messages.success(request, _("Die Notiz wurde gespeichert."))
                    return redirect("cms:advice_request", pk=advice_request.pk)
    notes = advice_request.notes.select_related("author")
    return render(
        request,
        "cms/advice/request.html",
        {
            "advice_request": advice_request,
            "notes": notes,
            "status_form": status_form,
            "note_form": note_form,
        },
    )
