from django import forms
from django.db.models import Prefetch
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button, HeaderButton, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from verbund.permissions import StaffMenuItem

from . import admin_views
from .forms import WorkshopDateForm
from .models import DatePart, Enrolment, WorkshopDate
from .services import dates as date_service


def participants_button(date, user, button_class):
    """ "Teilnehmende" as a button of its own, one click from the listing and the edit view."""
    if not admin_views.may_manage(user):
        return []
    return [
        button_class(
            gettext("Teilnehmende"),
            url=admin_views.participants_url(date),
            icon_name="group",
            priority=5,
        )
    ]


def cancel_button(date, user, button_class):
    """ "Termin absagen", among the further actions."""
    if not admin_views.may_manage(user) or date.status == WorkshopDate.Status.CANCELLED:
        return []
    return [
        button_class(
            gettext("Termin absagen"),
            url=admin_views.cancel_url(date),
            icon_name="cross",
            priority=35,
        )
    ]


def dates_with_parts():
    """Dates ready for str(): series joined, parts prefetched."""
    return WorkshopDate.objects.select_related("series").prefetch_related(
        Prefetch("parts", queryset=DatePart.objects.order_by("starts_at"))
    )


def format_start(workshop_date):
    if workshop_date.first_start is None:
        return ""
    return timezone.localtime(workshop_date.first_start).strftime("%d.%m.%Y, %H:%M Uhr")


class WorkshopDateIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        user = self.request.user
        return [
            *participants_button(instance, user, ListingButton),
            *super().get_list_more_buttons(instance),
            *cancel_button(instance, user, MenuItem),
        ]

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("series")
            .prefetch_related(Prefetch("parts", queryset=DatePart.objects.order_by("starts_at")))
            .with_seat_counts()
        )


class WorkshopDateEditView(EditView):
    """Saving a date that moved in time or place raises its sequence; seats stay."""

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            *participants_button(self.object, self.request.user, HeaderButton),
        ]

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            *cancel_button(self.object, self.request.user, Button),
        ]

    def save_instance(self):
        before = date_service.before_edit(self.object.pk)
        instance = super().save_instance()
        date_service.after_edit(instance, before, self.request.user)
        return instance


class EnrolmentIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("person", "person__firm", "date__series")
            .prefetch_related(
                Prefetch("date__parts", queryset=DatePart.objects.order_by("starts_at"))
            )
        )


class RulesOnlyPermissionPolicy(ModelPermissionPolicy):
    """Enrolments can be looked at here but change only through the enrolment rules (the
    date's "Teilnehmende" page, the firm pages, the API), which check seats and log."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change", "delete") and super().user_has_permission(
            user, action
        )


class WorkshopDateViewSet(ModelViewSet):
    model = WorkshopDate
    name = "termine"
    icon = "date"
    menu_label = _("Termine")
    menu_order = 100
    index_view_class = WorkshopDateIndexView
    edit_view_class = WorkshopDateEditView
    list_display = [
        "series",
        Column("first_start", label=_("Beginn"), sort_key="first_start", accessor=format_start),
        "status",
        "capacity",
        Column("seats_taken", label=_("belegt"), sort_key="seats_taken"),
        Column("waitlist_length", label=_("Warteliste"), sort_key="waitlist_length"),
    ]
    list_filter = ["status", "series"]
    ordering = "first_start"

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        return [
            *super().get_urlpatterns(),
            path(
                f"<{conv}:pk>/teilnehmende/",
                admin_views.ParticipantsView.as_view(),
                name="participants",
            ),
            path(f"<{conv}:pk>/absagen/", admin_views.CancelDateView.as_view(), name="cancel"),
        ]

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("series"),
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("firm_limit")]),
                FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Termin"),
        ),
        InlinePanel(
            "parts",
            label=_("Teile"),
            min_num=1,
            panels=[
                FieldPanel("title"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            ],
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("enrolment_deadline"), FieldPanel("cancellation_deadline")]
                ),
                FieldPanel("offer_hours"),
            ],
            heading=_("Fristen"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("venue_street"),
                FieldRowPanel([FieldPanel("venue_postal_code"), FieldPanel("venue_city")]),
                FieldPanel("district"),
                FieldPanel("venue_accessibility"),
                FieldPanel("online_url"),
            ],
            heading=_("Ort"),
        ),
    ]
    edit_handler = ObjectList(panels, base_form_class=WorkshopDateForm)


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    name = "anmeldungen"
    icon = "list-ul"
    menu_label = _("Anmeldungen")
    menu_order = 200
    index_view_class = EnrolmentIndexView
    list_display = [
        "person",
        Column("firm", label=_("Unternehmen"), accessor="person.firm"),
        "date",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["person__first_name", "person__last_name", "person__firm__name"]
    ordering = "-created_at"
    copy_view_enabled = False
    inspect_view_enabled = True
    # The edit and create views exist but are refused by the permission policy below.
    form_fields = ["date", "person", "status"]
    inspect_view_fields = [
        "date",
        "person",
        "status",
        "offer_expires_at",
        "enrolled_by",
        "created_at",
        "updated_at",
    ]


register_permission_policy(Enrolment, RulesOnlyPermissionPolicy(Enrolment), exact_class=True)


class WorkshopsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Workshops")
    menu_icon = "calendar-alt"
    menu_order = 220
    items = (WorkshopDateViewSet, EnrolmentViewSet)


class FeedbackViewSet(ViewSet):
    name = admin_views.FEEDBACK_URLS
    icon = "pick"
    menu_label = _("Rückmeldungen")
    menu_order = 840
    add_to_admin_menu = True
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.FeedbackIndexView.as_view(), name="index"),
            path("<int:pk>/", admin_views.FeedbackDateView.as_view(), name="date"),
        ]


@hooks.register("register_admin_viewset")
def register_workshops_viewsets():
    return WorkshopsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_feedback_viewset():
    return FeedbackViewSet()
