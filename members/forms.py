"""The forms of the members app: the membership application, inviting a colleague, the
people of a firm and their import, personal API tokens."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Firm, Person
from members.services import acting_firm, onboarding
from members.services import people as people_service
from members.services.tokens import NAME_MAX_LENGTH
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


class InviteColleagueForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=[
            (Person.Role.ADMIN, _("Firmenadministration (darf auch einladen)")),
            (Person.Role.CONTACT, _("Ansprechperson")),
        ],
        initial=Person.Role.CONTACT,
        widget=forms.RadioSelect,
    )


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = people_service.PERSON_FIELDS
        help_texts = {
            "email": _(
                "Ohne E-Mail-Adresse kann die Person trotzdem zu Workshops angemeldet werden; "
                "Sie handeln dann für sie."
            ),
        }
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, firm, **kwargs):
        self.firm = firm
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "department", "personnel_number"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if people_service.email_taken(
            self.firm, email, exclude=self.instance if self.instance.pk else None
        ):
            raise forms.ValidationError(people_service.duplicate_email_message())
        return email

    def validate_unique(self):
        # The duplicate address is reported by clean_email with a clearer message.
        pass


class AddPersonForm(PersonForm):
    invite = forms.BooleanField(
        label=_("Per E-Mail einladen, einen eigenen Zugang anzulegen"),
        required=False,
        help_text=_(
            "Die Person erhält einen Link, mit dem sie sich selbst zu Workshops anmelden kann."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("invite") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error(
                "email", gettext("Für eine Einladung wird eine E-Mail-Adresse benötigt.")
            )
        return cleaned


class LeftForm(forms.Form):
    left_on = forms.DateField(
        label=_("Ausgeschieden am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_(
            "Eine Zeile je Person. Die erste Zeile enthält die Spaltenüberschriften Vorname, "
            "Nachname, E-Mail, Abteilung und optional Personalnummer. Trennzeichen Semikolon "
            "oder Komma; Zeichensatz UTF-8 oder Windows (Excel-Standard). Höchstens 1.000 "
            "Personen je Datei."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=NAME_MAX_LENGTH,
        help_text=_(
            "Wofür ist das Token? Zum Beispiel „Personalsystem“. So erkennen Sie es später wieder."
        ),
        error_messages={"required": _("Bitte geben Sie eine Bezeichnung ein.")},
    )


class ChooseFirmForm(forms.Form):
    firm = forms.ModelChoiceField(
        label=_("Ich handle für"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie ein Unternehmen."),
            "invalid_choice": _("Bitte wählen Sie eines Ihrer Unternehmen."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = acting_firm.choosable(user)
        self.fields["firm"].label_from_instance = lambda firm: firm.name_with_legal_form
