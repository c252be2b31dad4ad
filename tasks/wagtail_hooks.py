"""The outbox in the admin ("Postausgang"), for staff only."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from tasks.models import Notification
from tasks.services import outbox
from verbund.links import next_url
from verbund.permissions import is_office

OUTBOX = "postausgang"


class StaffReadOnlyPolicy(BasePermissionPolicy):
    """Staff may look at the outbox; rows are never added, edited or deleted by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and is_office(user)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_staff=True)


register_permission_policy(Notification, StaffReadOnlyPolicy(Notification), exact_class=True)


def _when(value):
    return timezone.localtime(value).strftime("%d.%m.%Y, %H:%M") if value else ""


def about_label(row):
    if row.content_type_id is None:
        return ""
    return f"{row.content_type.name} #{row.object_id}"


def short_error(row):
    return row.last_error if len(row.last_error) <= 160 else row.last_error[:159] + "…"


class SendAgainColumn(Column):
    cell_template_name = "tasks/admin/send_again_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context.update(
            may_send_again=instance.state in outbox.RESENDABLE,
            action_url=reverse(f"{OUTBOX}:send_again", args=[instance.pk]),
            csrf_token_value=get_token(request) if request is not None else "",
        )
        return context


class NotificationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person", "user", "content_type")


class SendAgainView(View):
    """POST: put a failed or cancelled row back into the queue."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not is_office(request.user):
            raise PermissionDenied
        row = get_object_or_404(Notification, pk=pk)
        if row.state not in outbox.RESENDABLE:
            messages.error(
                request,
                _(
                    "Nur fehlgeschlagene oder verworfene Nachrichten können erneut gesendet "
                    "werden; „%(row)s“ ist %(state)s."
                )
                % {"row": row.get_kind_display(), "state": row.get_state_display()},
            )
        else:
            outbox.send_again([row.pk])
            messages.success(
                request,
                _("„%(kind)s“ an %(recipient)s wird erneut gesendet.")
                % {"kind": row.get_kind_display(), "recipient": row.recipient_label},
            )
        return redirect(next_url(request, reverse(f"{OUTBOX}:index")))


class NotificationViewSet(ModelViewSet):
    model = Notification
    name = OUTBOX
    icon = "mail"
    menu_label = gettext_lazy("Postausgang")
    menu_order = 850
    add_to_admin_menu = True
    index_view_class = NotificationIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "kind",
        Column("recipient", label=gettext_lazy("Empfänger/in"), accessor="recipient_label"),
        Column("about", label=gettext_lazy("betrifft"), accessor=about_label),
        Column(
            "due_at",
            label=gettext_lazy("fällig ab"),
            sort_key="due_at",
            accessor=lambda row: _when(row.due_at),
        ),
        "state",
        Column("attempts", label=gettext_lazy("Versuche")),
        Column("last_error", label=gettext_lazy("letzter Fehler"), accessor=short_error),
        Column(
            "sent_at",
            label=gettext_lazy("gesendet am"),
            sort_key="sent_at",
            accessor=lambda row: _when(row.sent_at),
        ),
        SendAgainColumn("send_again", label=gettext_lazy("Aktion")),
    ]
    list_filter = ["state", "kind"]
    ordering = ["-due_at", "-pk"]
    # The edit form exists but the permission policy refuses it.
    form_fields = ["state"]
    inspect_view_fields = [
        "kind",
        "person",
        "user",
        "to_email",
        "content_type",
        "object_id",
        "version",
        "language",
        "due_at",
        "state",
        "attempts",
        "last_error",
        "enqueued_at",
        "sent_at",
        "created_at",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/erneut-senden/", SendAgainView.as_view(), name="send_again"),
        ]


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return NotificationViewSet()
