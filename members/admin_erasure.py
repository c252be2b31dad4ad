"""Wagtail admin: the office anonymises a person (Art. 17 DSGVO) after a confirmation."""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import EditView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from members.models import Invitation, Person
from members.services.personal_data import ErasureError, erase_person
from workshops.models import Enrolment

URL_NAME = "members_person_erase"


def may_erase(user):
    return user.is_active and user.is_staff and user.has_perm("members.change_person")


def erase_url(person):
    return reverse(URL_NAME, args=[quote(person.pk)])


def _normalise(name):
    return " ".join(name.split()).casefold()


class ConfirmErasureForm(forms.Form):
    full_name = forms.CharField(
        label=_("Zur Bestätigung den vollständigen Namen eingeben"),
        max_length=310,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["full_name"].help_text = _("Genau so: %(name)s") % {"name": person.full_name}

    def clean_full_name(self):
        value = self.cleaned_data["full_name"]
        if _normalise(value) != _normalise(self.person.full_name):
            raise forms.ValidationError(
                _("Der Name stimmt nicht überein. Bitte geben Sie „%(name)s“ ein.")
                % {"name": self.person.full_name}
            )
        return value


class PersonEraseView(WagtailAdminTemplateMixin, FormView):
    template_name = "members/admin/person_erase.html"
    form_class = ConfirmErasureForm
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not may_erase(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def person(self):
        return get_object_or_404(
            Person.objects.managed_by(self.request.user).select_related("firm", "user"),
            pk=self.kwargs["pk"],
        )

    def get_page_title(self):
        return gettext("Person anonymisieren")

    def get_page_subtitle(self):
        return str(self.person)

    def edit_url(self):
        return reverse("personen:edit", args=[quote(self.person.pk)])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("personen:index"), "label": gettext("Personen")},
            {"url": self.edit_url(), "label": str(self.person)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.person
        context.update(
            person=person,
            edit_url=self.edit_url(),
            enrolment_count=Enrolment.objects.for_user(self.request.user)
            .filter(person=person)
            .count(),
            pending_invitations=Invitation.objects.managed_by(self.request.user)
            .pending()
            .filter(person=person)
            .count(),
        )
        return context

    def form_valid(self, form):
        try:
            erase_person(self.person, self.request.user)
        except ErasureError as error:
            messages.error(self.request, str(error))
            return redirect(self.edit_url())
        messages.success(
            self.request,
            gettext(
                "Die Person wurde anonymisiert. Anmeldungen bleiben für die Statistik erhalten."
            ),
        )
        return redirect(self.edit_url())


class PersonEditView(EditView):
    """The Person edit view with an "anonymise" entry in its actions menu."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if may_erase(self.request.user) and self.object.erased_at is None:
            buttons.append(
                Button(
                    gettext("Person anonymisieren"),
                    url=erase_url(self.object),
                    icon_name="bin",
                    priority=40,
                )
            )
        return buttons


class EraseListButtonMixin:
    """Adds "Person anonymisieren" to each row's actions in the people listing."""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if may_erase(self.request.user) and instance.erased_at is None:
            buttons.append(
                MenuItem(
                    gettext("Person anonymisieren"),
                    url=erase_url(instance),
                    icon_name="bin",
                    priority=40,
                )
            )
        return buttons


urlpatterns = [
    path("personen/anonymisieren/<int:pk>/", PersonEraseView.as_view(), name=URL_NAME),
]
