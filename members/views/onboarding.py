"""The public membership application form."""

from django import forms
from django.core.validators import RegexValidator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from members.models import Firm
from members.services import onboarding
from verbund.forms import HoneypotForm

postal_code_validator = RegexValidator(
    r"^\d{5}$", _("Bitte geben Sie eine Postleitzahl mit genau fünf Ziffern ein.")
)


class ApplicationForm(HoneypotForm, forms.ModelForm):
    contact_first_name = forms.CharField(label=_("Vorname"), max_length=150)
    contact_last_name = forms.CharField(label=_("Nachname"), max_length=150)
    contact_email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("An diese Adresse schicken wir die Entscheidung und Ihren Zugang."),
    )
    contact_phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)
    consent = forms.BooleanField(
        label=_("Ich stimme der oben stehenden Einwilligung zu"),
        error_messages={
            "required": _(
                "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu, damit wir "
                "Ihren Antrag bearbeiten können."
            )
        },
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("zum Beispiel https://www.beispiel.de"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    class Meta:
        model = Firm
        fields = onboarding.FIRM_FIELDS
        labels = {
            "name": _("Name des Unternehmens"),
            "employee_count": _("Zahl der Beschäftigten"),
            "postal_code": _("Postleitzahl"),
        }
        widgets = {
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["legal_form"].choices = [("", _("Bitte wählen"))] + list(Firm.LegalForm.choices)
        self.fields["sector"].choices = [("", _("Bitte wählen"))] + list(Firm.Sector.choices)
        self.fields["sector"].initial = None
        self.fields["district"].empty_label = _("Bitte wählen")
        self.fields["employee_count"].min_value = 1
        self.fields["employee_count"].widget.attrs["min"] = 1
        self.fields["postal_code"].validators.append(postal_code_validator)
        self.fields["contact_first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["contact_last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs.update(autocomplete="tel", type="tel")

    def clean_employee_count(self):
        count = self.cleaned_data["employee_count"]
        if count is not None and count < 1:
            raise forms.ValidationError(
                _("Bitte geben Sie mindestens eine beschäftigte Person an.")
            )
        return count

    def clean_postal_code(self):
        return self.cleaned_data["postal_code"].strip()

    def clean_contact_email(self):
        email = self.cleaned_data["contact_email"].strip().lower()
        if onboarding.has_open_application(email):
            raise forms.ValidationError(
                _(
                    "Für diese E-Mail-Adresse liegt bereits ein Antrag vor, über den noch nicht "
                    "entschieden ist. Wir melden uns bei Ihnen."
                )
            )
        return email

    def firm_fields(self):
        return [self[name] for name in ("name", "legal_form", "sector", "employee_count")]

    def address_fields(self):
        return [
            self[name] for name in ("street", "postal_code", "city", "district", "phone", "website")
        ]

    def contact_fields(self):
        return [self[name] for name in onboarding.CONTACT_FIELDS]


@require_http_methods(["GET", "POST"])
def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        onboarding.submit_application(form.cleaned_data)
        return redirect("members:apply_done")
    return render(
        request,
        "members/onboarding/apply.html",
        {"form": form, "consent_text": onboarding.CONSENT_TEXT},
    )


def apply_done(request):
    return render(request, "members/onboarding/apply_done.html")


urlpatterns = [
    path("mitglied-werden/", apply, name="apply"),
    path("mitglied-werden/danke/", apply_done, name="apply_done"),
]
