from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.forms import HoneypotForm

from .models import AdviceRequest, ContactPointPage, Topic


class AdviceRequestForm(HoneypotForm):
    name = forms.CharField(label=_("Ihr Name"), max_length=200)
    firm_name = forms.CharField(label=_("Unternehmen"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"), required=False,
        help_text=_("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an."),
    )
    phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)
    topic = forms.ModelChoiceField(
        label=_("Thema"), queryset=Topic.objects.all(), required=False,
        empty_label=_("Bitte wählen"),
    )
    message = forms.CharField(
        label=_("Ihr Anliegen"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Bitte beschreiben Sie kurz Ihr Anliegen.")},
    )
    contact_point = forms.ModelChoiceField(
        label=_("Gewünschte Anlaufstelle"), queryset=ContactPointPage.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={"required": _("Bitte wählen Sie eine Anlaufstelle.")},
    )
    consent = forms.BooleanField(
        label=_("Ich stimme der oben stehenden Einwilligung zu"),
        error_messages={
            "required": _("Bitte stimmen Sie der Verarbeitung Ihrer Daten zu, damit wir "
                          "Ihre Anfrage bearbeiten können.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Bitte geben Sie Ihren Namen an.")
        self.fields["contact_point"].queryset = (
            ContactPointPage.objects.live().select_related("district").order_by("title")
        )
        self.fields["contact_point"].label_from_instance = (
            lambda page: f"{page.title} ({page.city})"
        )
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["firm_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")


    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("email") or "").strip()
        phone = (cleaned.get("phone") or "").strip()
        if not email and not phone and "email" not in self.errors:
            self.add_error(
                "email",
                _("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit wir "
                  "Sie erreichen können."),
            )
        return cleaned

    def person_fields(self):
        return [self[name] for name in ("name", "firm_name", "email", "phone")]

    def request_fields(self):
        return [self[name] for name in ("contact_point", "topic", "message")]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AdviceRequest.Status.choices)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Neue Notiz"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Bitte schreiben Sie eine Notiz.")},
    )
