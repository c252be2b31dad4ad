"""The filter form of the offer finder (/angebote/): reads the URL, gives OfferFilters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import WorkshopSeriesPage
from workshops.services import offers


class OfferFinderForm(forms.Form):
    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        strip=True,
        help_text=_("z. B. Robotik, Schweißen oder ein Wort aus der Beschreibung"),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": offers.Q_MAX_LENGTH}),
    )
    topic = forms.CharField(label=_("Thema"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("alle Formate")), *WorkshopSeriesPage.Format.choices],
        error_messages={"invalid_choice": _("Bitte wählen Sie Präsenz, Online oder Hybrid.")},
    )
    date_from = forms.DateField(
        label=_("Beginn ab"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, z. B. 12.01.2027.")},
    )
    date_to = forms.DateField(
        label=_("Beginn bis"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, z. B. 12.01.2027.")},
    )
    district = forms.CharField(label=_("Kreis"), required=False)
    free_only = forms.BooleanField(label=_("nur mit freien Plätzen"), required=False)
    member_free = forms.BooleanField(label=_("für Mitglieder kostenfrei"), required=False)
    funding = forms.BooleanField(label=_("förderfähig"), required=False)

    def clean_q(self):
        return offers.clean_text(self.cleaned_data["q"])

    def clean(self):
        data = super().clean()
        filters = self.filters()
        for name, message in offers.problems(filters).items():
            self.add_error(name, message)
        return data

    def filters(self):
        """The usable filters: the valid ones (all of them when the form is valid)."""
        data = getattr(self, "cleaned_data", {})
        return offers.OfferFilters(**{name: data.get(name) for name in self.fields if name in data})
