"""Wagtail admin: the participants of a date, staff overrides on them, and cancelling
the whole date."""

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from verbund.permissions import StaffOnlyMixin, is_office
from workshops.forms import CapacityForm, MoveForm, StaffAddForm
from workshops.models import SEAT_HOLDING, DatePart, Enrolment, EnrolmentLog, WorkshopDate
from workshops.services import dates as date_service
from workshops.services import enrolment as enrolment_service
from workshops.services import feedback as feedback_service

URL_NAMESPACE = "termine"
FEEDBACK_URLS = "rueckmeldungen"
Status = Enrolment.Status


MANAGE_DATES = "workshops.change_workshopdate"


def may_manage(user):
    """The coordination office: staff who may change dates."""
    return is_office(user, MANAGE_DATES)


def participants_url(date):
    return reverse(f"{URL_NAMESPACE}:participants", args=[quote(date.pk)])


def cancel_url(date):
    return reverse(f"{URL_NAMESPACE}:cancel", args=[quote(date.pk)])


def participant_page_links(date):
    """Extra links on a date's "Teilnehmende" page, e.g. downloads of the participant list.

    Returns a list of dicts with "label" and "url" (and optionally "icon", a Wagtail icon
    name). Other modules extend it to add their entries.
    """
    return [
        {
            "label": _("Teilnehmendenliste (CSV)"),
            "url": reverse("documents:participants_csv", args=[date.pk]),
            "icon": "download",
        },
        {
            "label": _("Teilnehmendenliste (Excel)"),
            "url": reverse("documents:participants_xlsx", args=[date.pk]),
            "icon": "download",
        },
        {
            "label": _("Unterschriftenliste (PDF)"),
            "url": reverse("documents:sign_in_sheet", args=[date.pk]),
            "icon": "doc-full",
        },
        {
            "label": _("Anwesenheit erfassen"),
            "url": reverse("workshops:trainer_date", args=[date.pk]),
            "icon": "check",
        },
    ]


class DateMixin(StaffOnlyMixin):
    header_icon = "date"
    permission = MANAGE_DATES

    @cached_property
    def date(self):
        return get_object_or_404(
            WorkshopDate.objects.select_related("series").prefetch_related(
                Prefetch("parts", queryset=DatePart.objects.order_by("starts_at"))
            ),
            pk=self.kwargs["pk"],
        )

    def edit_url(self):
        return reverse(f"{URL_NAMESPACE}:edit", args=[quote(self.date.pk)])

    def get_page_subtitle(self):
        return str(self.date)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": gettext("Termine")},
            {"url": self.edit_url(), "label": str(self.date)},
            {"url": "", "label": self.get_page_title()},
        ]


class ParticipantsView(DateMixin, WagtailAdminTemplateMixin, TemplateView):
    """Who holds a seat, who waits, who cancelled, and every state change of the date."""

    template_name = "workshops/admin/participants.html"
    page_title = _("Teilnehmende")
    forms = {"capacity": CapacityForm, "add": StaffAddForm, "move": MoveForm}

    @cached_property
    def enrolments(self):
        return list(
            Enrolment.objects.for_user(self.request.user)
            .filter(date=self.date)
            .select_related("person", "person__firm")
            .order_by("created_at", "pk")
        )

    def by_status(self, *statuses):
        return [e for e in self.enrolments if e.status in statuses]

    def make_form(self, action, data=None):
        kwargs = {"data": data}
        if action == "capacity":
            kwargs.update(date=self.date, seat_holders=self.by_status(*SEAT_HOLDING))
        elif action == "add":
            kwargs.update(user=self.request.user)
        else:
            kwargs.update(date=self.date, active=self.by_status(*SEAT_HOLDING, Status.WAITLISTED))
        return self.forms[action](**kwargs)

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        date = self.date
        waitlisted = self.by_status(Status.WAITLISTED)
        for position, enrolment in enumerate(waitlisted, start=1):
            enrolment.waitlist_position = position
        log = (
            EnrolmentLog.objects.filter(enrolment__date=date)
            .select_related("enrolment__person", "by_user")
            .order_by("created_at", "pk")
        )
        bound_action = getattr(bound, "action_name", None)
        page_forms = {
            action: bound if action == bound_action else self.make_form(action)
            for action in self.forms
        }
        context.update(
            date=date,
            is_cancelled=date.status == WorkshopDate.Status.CANCELLED,
            confirmed=self.by_status(Status.CONFIRMED),
            offered=self.by_status(Status.OFFERED),
            waitlisted=waitlisted,
            ended=self.by_status(Status.CANCELLED, Status.DECLINED, Status.EXPIRED),
            seats_taken=len(self.by_status(*SEAT_HOLDING)),
            log=log,
            edit_url=self.edit_url(),
            cancel_url=cancel_url(date),
            extra_links=participant_page_links(date),
            capacity_form=page_forms["capacity"],
            add_form=page_forms["add"],
            move_form=page_forms["move"],
            bound_action=bound_action,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action not in self.forms:
            messages.error(request, gettext("Unbekannte Aktion."))
            return redirect(participants_url(self.date))
        form = self.make_form(action, data=request.POST)
        form.action_name = action
        if form.is_valid():
            try:
                message = getattr(self, f"do_{action}")(form.cleaned_data)
            except enrolment_service.EnrolmentError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, message)
                return redirect(participants_url(self.date))
        messages.error(
            request,
            gettext(
                "Die Änderung wurde nicht gespeichert. Bitte prüfen Sie die markierten Angaben."
            ),
        )
        return self.render_to_response(self.get_context_data(bound=form))

    def do_capacity(self, data):
        enrolment_service.change_capacity(
            date_id=self.date.pk,
            capacity=data["capacity"],
            by_user=self.request.user,
            cancel_enrolment_ids=[e.pk for e in data["cancel"]],
            reason=data["reason"].strip(),
        )
        return gettext("Die Zahl der Plätze ist jetzt %(capacity)s.") % {
            "capacity": data["capacity"]
        }

    def do_add(self, data):
        enrolment = enrolment_service.staff_add(
            date_id=self.date.pk,
            person_id=data["person"].pk,
            by_user=self.request.user,
            reason=data["reason"],
        )
        return gettext("%(name)s hat einen bestätigten Platz.") % {
            "name": enrolment.person.full_name
        }

    def do_move(self, data):
        moved = enrolment_service.move(
            enrolment_id=data["enrolment"].pk,
            target_date_id=data["target"].pk,
            by_user=self.request.user,
            reason=data["reason"],
        )
        return gettext("%(name)s wurde auf den Termin %(date)s verschoben.") % {
            "name": moved.person.full_name,
            "date": str(data["target"]),
        }


class CancelDateForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Absage"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wird bei jeder stornierten Anmeldung im Protokoll gespeichert."),
        error_messages={"required": _("Bitte geben Sie einen Grund für die Absage an.")},
    )


class CancelDateView(DateMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "workshops/admin/cancel_date.html"
    form_class = CancelDateForm
    page_title = _("Termin absagen")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict.fromkeys((*SEAT_HOLDING, Status.WAITLISTED), 0)
        for status in Enrolment.objects.filter(date=self.date, status__in=counts).values_list(
            "status", flat=True
        ):
            counts[status] += 1
        context.update(
            date=self.date,
            is_cancelled=self.date.status == WorkshopDate.Status.CANCELLED,
            confirmed_count=counts[Status.CONFIRMED],
            offered_count=counts[Status.OFFERED],
            waitlisted_count=counts[Status.WAITLISTED],
            edit_url=self.edit_url(),
            participants_url=participants_url(self.date),
        )
        return context

    def form_valid(self, form):
        try:
            count = date_service.cancel_date(
                self.date.pk, self.request.user, form.cleaned_data["reason"]
            )
        except enrolment_service.EnrolmentError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Der Termin wurde abgesagt; %(count)s Anmeldung wurde storniert.",
                "Der Termin wurde abgesagt; %(count)s Anmeldungen wurden storniert.",
                count,
            )
            % {"count": count},
        )
        return redirect(participants_url(self.date))


# --- Feedback after dates (Rückmeldungen) -------------------------------------------------


class FeedbackIndexView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "workshops/feedback/admin_index.html"
    page_title = _("Rückmeldungen")
    header_icon = "pick"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dates"] = feedback_service.summary_by_date()[:200]
        return context


class FeedbackDateView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "workshops/feedback/admin_date.html"
    header_icon = "pick"

    @cached_property
    def workshop_date(self):
        return get_object_or_404(feedback_service.summary_by_date(), pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Rückmeldungen")

    def get_page_subtitle(self):
        return str(self.workshop_date.series.title)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{FEEDBACK_URLS}:index"), "label": _("Rückmeldungen")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workshop_date"] = self.workshop_date
        context["answers"] = feedback_service.feedback_of_date(self.workshop_date)
        context["distribution"] = feedback_service.rating_distribution(self.workshop_date)
        return context
