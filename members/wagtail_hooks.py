from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from verbund import audit

from . import admin_erasure
from .admin_views import ApplicationViewSet, PendingApplicationsSummaryItem
from .models import District, Firm, Person


class FirmIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("district")


class PersonIndexView(admin_erasure.EraseListButtonMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("firm")


class FirmViewSet(ModelViewSet):
    model = Firm
    name = "unternehmen"
    icon = "site"
    menu_label = _("Unternehmen")
    menu_order = 100
    index_view_class = FirmIndexView
    list_display = ["name", "district", "employee_count", "status"]
    list_filter = ["status", "district", "sector"]
    search_fields = ["name", "city"]
    ordering = "name"
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldRowPanel([FieldPanel("legal_form"), FieldPanel("sector")]),
                FieldRowPanel([FieldPanel("employee_count"), FieldPanel("status")]),
            ],
            heading=_("Unternehmen"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
                FieldPanel("district"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("website")]),
            ],
            heading=_("Anschrift und Kontakt"),
        ),
        FieldPanel("allow_self_enrolment"),
    ]


class PersonViewSet(ModelViewSet):
    model = Person
    name = "personen"
    icon = "user"
    menu_label = _("Personen")
    menu_order = 200
    index_view_class = PersonIndexView
    edit_view_class = admin_erasure.PersonEditView
    list_display = ["__str__", "firm", "role", "email", "left_on"]
    list_filter = ["firm", "role"]
    search_fields = ["first_name", "last_name", "email"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("firm"),
                FieldPanel("role"),
                FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
                FieldPanel("email"),
                FieldRowPanel([FieldPanel("department"), FieldPanel("personnel_number")]),
            ],
            heading=_("Person"),
        ),
        FieldPanel("user"),
        FieldPanel("left_on"),
    ]


class DistrictViewSet(ModelViewSet):
    model = District
    name = "kreise"
    icon = "pick"
    menu_label = _("Kreise")
    menu_order = 300
    list_display = ["name", "slug"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


class MembersViewSetGroup(ModelViewSetGroup):
    menu_label = _("Mitglieder")
    menu_icon = "group"
    menu_order = 210
    items = (FirmViewSet, PersonViewSet, DistrictViewSet, ApplicationViewSet)


@hooks.register("register_admin_viewset")
def register_members_viewsets():
    return MembersViewSetGroup()


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    audit.register_actions(actions)


@hooks.register("register_admin_urls")
def register_person_erasure_urls():
    return admin_erasure.urlpatterns


@hooks.register("construct_homepage_summary_items")
def add_pending_applications_summary(request, summary_items):
    summary_items.append(PendingApplicationsSummaryItem(request))
