from django import forms
from django.utils.translation import gettext_lazy as _


class HoneypotForm(forms.Form):
    """Adds a field that people leave empty and form-filling robots fill in.

    Render it with "includes/honeypot_and_consent.html" (hidden from people and from
    screen readers, out of the tab order).
    """

    fax = forms.CharField(
        label=_("Fax (bitte leer lassen)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_fax(self):
        if self.cleaned_data["fax"]:
            raise forms.ValidationError(
                _(
                    "Bitte lassen Sie das Feld „Fax“ leer; es dient dem Schutz vor "
                    "automatisierten Einsendungen."
                )
            )
        return ""
