"""Staff review of membership applications in the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from verbund.permissions import StaffMenuItem, StaffOnlyMixin

from .models import Firm, MembershipApplication, Person, User
from .services import onboarding

URL_NAMESPACE = "mitgliedsantraege"


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Begründung"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Wird der Ansprechperson per E-Mail mitgeteilt."),
        error_messages={"required": gettext_lazy("Bitte geben Sie eine Begründung an.")},
    )


class ApplicationIndexView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/onboarding/admin_index.html"
    page_title = gettext_lazy("Mitgliedsanträge")
    header_icon = "form"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = onboarding.pending_applications()
        context["decided"] = (
            MembershipApplication.objects.exclude(firm__status=Firm.Status.APPLIED)
            .select_related("firm", "decided_by")
            .order_by("-decided_at")[:20]
        )
        return context


class ApplicationDetailView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/onboarding/admin_detail.html"
    header_icon = "form"

    @cached_property
    def application(self):
        return get_object_or_404(
            MembershipApplication.objects.select_related("firm", "firm__district", "decided_by"),
            pk=self.kwargs["pk"],
        )

    def get_page_title(self):
        return _("Mitgliedsantrag")

    def get_page_subtitle(self):
        return self.application.firm.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": _("Mitgliedsanträge")},
            {"url": "", "label": self.application.firm.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        existing = (
            Person.objects.filter(email__iexact=application.contact_email)
            .exclude(firm=application.firm)
            .select_related("firm")
            .first()
        )
        context.update(
            application=application,
            firm=application.firm,
            is_pending=application.firm.status == Firm.Status.APPLIED,
            decline_form=kwargs.get("decline_form") or DeclineForm(),
            existing_person=existing,
            existing_account=User.objects.filter(email__iexact=application.contact_email).exists(),
        )
        return context

    def post(self, request, *args, **kwargs):
        application = self.application
        action = request.POST.get("action")
        try:
            if action == "approve":
                onboarding.approve_application(application, request.user)
                messages.success(
                    request,
                    _("%(firm)s ist jetzt Mitglied; die Ansprechperson wurde eingeladen.")
                    % {"firm": application.firm.name},
                )
                return redirect(f"{URL_NAMESPACE}:index")
            if action == "decline":
                form = DeclineForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Bitte geben Sie eine Begründung an."))
                    return self.render_to_response(self.get_context_data(decline_form=form))
                onboarding.decline_application(
                    application, request.user, form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _(
                        "Der Antrag von %(firm)s wurde abgelehnt; die Begründung wurde per "
                        "E-Mail verschickt."
                    )
                    % {"firm": application.firm.name},
                )
                return redirect(f"{URL_NAMESPACE}:index")
        except onboarding.OnboardingError as exc:
            messages.error(request, str(exc))
        return redirect(f"{URL_NAMESPACE}:detail", pk=application.pk)


class ApplicationViewSet(ViewSet):
    name = URL_NAMESPACE
    icon = "form"
    menu_label = gettext_lazy("Mitgliedsanträge")
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", ApplicationIndexView.as_view(), name="index"),
            path("<int:pk>/", ApplicationDetailView.as_view(), name="detail"),
        ]


class PendingApplicationsSummaryItem(SummaryItem):
    """The dashboard's count of applications waiting for a decision."""

    order = 50
    template_name = "members/onboarding/admin_summary_item.html"

    def get_context_data(self, parent_context):
        return {
            "count": onboarding.pending_count(),
            "url": reverse(f"{URL_NAMESPACE}:index"),
        }

    def is_shown(self):
        return self.request.user.is_staff
