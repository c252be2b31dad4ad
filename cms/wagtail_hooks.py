from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import AdviceRequest


class AdviceRequestIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("contact_point", "topic")


class AdviceRequestViewSet(ModelViewSet):
    model = AdviceRequest
    name = "beratungsanfragen"
    icon = "mail"
    menu_label = _("Beratungsanfragen")
    menu_order = 220
    add_to_admin_menu = True
    index_view_class = AdviceRequestIndexView
    list_display = ["name", "firm_name", "contact_point", "topic", "status", "created_at"]
    list_filter = ["status", "contact_point"]
    search_fields = ["name", "firm_name", "email"]
    ordering = "-created_at"
    inspect_view_enabled = True
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("firm_name")]),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
            ],
            heading=_("Kontaktdaten"),
        ),
        FieldPanel("contact_point"),
        FieldPanel("topic"),
        FieldPanel("message"),
        FieldPanel("status"),
        FieldPanel("consent_text", read_only=True),
        FieldPanel("consent_given_at", read_only=True),
    ]


@hooks.register("register_admin_viewset")
def register_advice_viewset():
    return AdviceRequestViewSet()
