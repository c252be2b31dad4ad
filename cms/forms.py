import time
from decimal import Decimal

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.forms import HoneypotForm

from .models import AdviceRequest, ContactPointPage, Topic
from .pages.funding import FEDERAL_STATES
from .services.funding import Case

# People need a few seconds to fill in the advice form; robots post at once. Only the first
# submission is timed: a form shown again with a message has been sent once, and whoever
# corrects one field may send it again at once.
ADVICE_MIN_FILL_SECONDS = 3
_STARTED_SALT = "verbund.advice.form-started"
# A note older than this counts as missing (and the form is shown again with a new one).
_STARTED_MAX_AGE = 24 * 60 * 60


def form_started_token(at=None, *, sent_before=False):
    """A signed note of when the form was shown (and whether it was sent once already)."""
    shown = time.time() if at is None else at
    return signing.dumps({"shown": shown, "sent_before": sent_before}, salt=_STARTED_SALT)


def _read_started(token):
    """(time shown, sent before) from a token, or None for a missing or forged one."""
    try:
        value = signing.loads(token, salt=_STARTED_SALT, max_age=_STARTED_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if isinstance(value, dict):
        try:
            return float(value["shown"]), bool(value.get("sent_before"))
        except (KeyError, TypeError, ValueError):
            return None
    return None


class AdviceRequestForm(HoneypotForm):
    name = forms.CharField(label=_("Ihr Name"), max_length=200)
    firm_name = forms.CharField(label=_("Unternehmen"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        required=False,
        help_text=_("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an."),
    )
    phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)
    topic = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=_("Bitte wählen"),
    )
    message = forms.CharField(
        label=_("Ihr Anliegen"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Bitte beschreiben Sie kurz Ihr Anliegen.")},
    )
    contact_point = forms.ModelChoiceField(
        label=_("Gewünschte Anlaufstelle"),
        queryset=ContactPointPage.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={"required": _("Bitte wählen Sie eine Anlaufstelle.")},
    )
    consent = forms.BooleanField(
        label=_("Ich stimme der oben stehenden Einwilligung zu"),
        error_messages={
            "required": _(
                "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu, damit wir "
                "Ihre Anfrage bearbeiten können."
            )
        },
    )

    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = form_started_token()
        self.fields["name"].error_messages["required"] = _("Bitte geben Sie Ihren Namen an.")
        self.fields["contact_point"].queryset = (
            ContactPointPage.objects.live().select_related("district").order_by("title")
        )
        self.fields["contact_point"].label_from_instance = lambda page: (
            f"{page.title} ({page.city})"
        )
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["firm_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")

    def clean_started(self):
        started = _read_started(self.cleaned_data["started"])
        if started is not None and started[1]:
            return ""
        if started is None or time.time() - started[0] < ADVICE_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _(
                    "Das ging schneller, als ein Mensch das Formular ausfüllen kann. Bitte "
                    "prüfen Sie Ihre Angaben und senden Sie das Formular noch einmal ab."
                ),
                code="too_fast",
            )
        return ""

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            # Shown again with a message, the form has been sent once: the next try is
            # not timed.
            self.data = self.data.copy()
            self.data[self.add_prefix("started")] = form_started_token(sent_before=True)

    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("email") or "").strip()
        phone = (cleaned.get("phone") or "").strip()
        if not email and not phone and "email" not in self.errors:
            self.add_error(
                "email",
                _(
                    "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit wir "
                    "Sie erreichen können."
                ),
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
        label=_("Neue Notiz"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Bitte schreiben Sie eine Notiz.")},
    )


APPROVAL_CHOICES = [
    ("ja", _("Ja")),
    ("nein", _("Nein")),
    ("unbekannt", _("Weiß ich nicht")),
]


def approval_question(label, help_text, required):
    """A yes / no / don't know question about AZAV approval."""
    return forms.ChoiceField(
        label=label,
        choices=APPROVAL_CHOICES,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={
            "required": required,
            "invalid_choice": _("Bitte wählen Sie „Ja“, „Nein“ oder „Weiß ich nicht“."),
        },
    )


class FundingCheckForm(forms.Form):
    """The questions of the funding check; sent by GET so the result has its own address."""

    MIN_AGE, MAX_AGE = 15, 75
    MAX_HOURS = Decimal("5000")
    QUALIFICATION_CHOICES = [
        ("ja", _("Ja – eine abgeschlossene Ausbildung, Fortbildung oder ein Studium")),
        ("nein", _("Nein, keinen Berufsabschluss")),
    ]

    beschaeftigte = forms.IntegerField(
        label=_("Wie viele Beschäftigte hat Ihr Unternehmen?"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("Die Zahl bestimmt die Größenklasse, z. B. unter 50 oder 50 bis 499."),
        error_messages={
            "required": _("Bitte geben Sie die Zahl der Beschäftigten an."),
            "invalid": _("Bitte geben Sie die Zahl der Beschäftigten als ganze Zahl an."),
            "min_value": _("Die Zahl der Beschäftigten muss mindestens 1 sein."),
            "max_value": _("Bitte prüfen Sie die Zahl der Beschäftigten."),
        },
    )
    alter = forms.IntegerField(
        label=_("Wie alt ist die oder der Beschäftigte?"),
        min_value=MIN_AGE,
        max_value=MAX_AGE,
        error_messages={
            "required": _("Bitte geben Sie das Alter an."),
            "invalid": _("Bitte geben Sie das Alter in ganzen Jahren an."),
            "min_value": _("Bitte geben Sie ein Alter zwischen 15 und 75 Jahren an."),
            "max_value": _("Bitte geben Sie ein Alter zwischen 15 und 75 Jahren an."),
        },
    )
    berufsabschluss = forms.ChoiceField(
        label=_("Hat die Person einen Berufsabschluss?"),
        choices=QUALIFICATION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte geben Sie an, ob die Person einen Berufsabschluss hat."),
            "invalid_choice": _("Bitte wählen Sie „Ja“ oder „Nein“."),
        },
    )
    abschluss_jahr = forms.IntegerField(
        label=_("In welchem Jahr war der letzte Berufsabschluss?"),
        required=False,
        help_text=_("Nur nötig, wenn die Person einen Berufsabschluss hat."),
        error_messages={"invalid": _("Bitte geben Sie das Jahr vierstellig an, z. B. 2015.")},
    )
    stunden = forms.DecimalField(
        label=_("Wie viele Stunden dauert der Kurs?"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=MAX_HOURS,
        help_text=_("Alle Unterrichtsstunden zusammen, z. B. 160."),
        error_messages={
            "required": _("Bitte geben Sie die Dauer des Kurses in Stunden an."),
            "invalid": _("Bitte geben Sie die Dauer als Zahl an, z. B. 160 oder 7,5."),
            "min_value": _("Die Dauer des Kurses muss größer als 0 Stunden sein."),
            "max_value": _("Bitte geben Sie eine Dauer bis 5000 Stunden an."),
            "max_digits": _("Bitte geben Sie eine Dauer bis 5000 Stunden an."),
            "max_decimal_places": _(
                "Bitte geben Sie die Dauer mit höchstens einer Nachkommastelle an."
            ),
            "max_whole_digits": _("Bitte geben Sie eine Dauer bis 5000 Stunden an."),
        },
    )
    traeger_zugelassen = approval_question(
        _("Ist der Bildungsträger nach AZAV zugelassen?"),
        _("AZAV ist die Zulassung für die Arbeitsförderung. Der Bildungsanbieter weiß es."),
        _("Bitte geben Sie an, ob der Bildungsträger nach AZAV zugelassen ist."),
    )
    kurs_zugelassen = approval_question(
        _("Ist der Kurs selbst nach AZAV zugelassen?"),
        _("Zugelassen wird jeder Kurs (jede Maßnahme) einzeln, nicht nur der Träger."),
        _("Bitte geben Sie an, ob der Kurs nach AZAV zugelassen ist."),
    )
    bundesland = forms.ChoiceField(
        label=_("In welchem Bundesland arbeitet die Person?"),
        choices=[("", _("Bitte wählen")), *FEDERAL_STATES],
        error_messages={
            "required": _("Bitte wählen Sie ein Bundesland."),
            "invalid_choice": _(
                "Dieses Bundesland kennen wir nicht. Bitte wählen Sie eines aus der Liste."
            ),
        },
    )

    # Older result addresses asked one question for both; it still answers both.
    BOTH_APPROVED = "azav"

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and self.BOTH_APPROVED in data:
            data = data.copy()
            for name in ("traeger_zugelassen", "kurs_zugelassen"):
                if name not in data:
                    data[name] = data[self.BOTH_APPROVED]
        super().__init__(data, *args, **kwargs)
        for name in ("beschaeftigte", "alter", "abschluss_jahr"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.fields["stunden"].widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("berufsabschluss") != "ja":
            cleaned["abschluss_jahr"] = None
            return cleaned
        year = cleaned.get("abschluss_jahr")
        if year is None:
            if "abschluss_jahr" not in self.errors:
                self.add_error(
                    "abschluss_jahr",
                    _("Bitte geben Sie an, in welchem Jahr der letzte Berufsabschluss war."),
                )
            return cleaned
        this_year = timezone.localdate().year
        age = cleaned.get("alter")
        if year > this_year:
            self.add_error("abschluss_jahr", _("Das Jahr liegt in der Zukunft."))
        elif age is not None and year < this_year - age:
            self.add_error(
                "abschluss_jahr",
                _(
                    "Das Jahr liegt vor der Geburt der Person (%(age)s Jahre alt). Bitte prüfen "
                    "Sie das Jahr des Abschlusses und das Alter."
                )
                % {"age": age},
            )
        elif cleaned.get("alter") is not None and year < this_year - cleaned["alter"] + 14:
            self.add_error(
                "abschluss_jahr",
                _("Das Jahr passt nicht zum Alter: Die Person wäre damals jünger als 14 gewesen."),
            )
        return cleaned

    def case(self):
        data = self.cleaned_data
        return Case(
            employees=data["beschaeftigte"],
            age=data["alter"],
            has_qualification=data["berufsabschluss"] == "ja",
            qualification_year=data["abschluss_jahr"],
            course_hours=data["stunden"],
            provider_approved={"ja": True, "nein": False}.get(data["traeger_zugelassen"]),
            course_approved={"ja": True, "nein": False}.get(data["kurs_zugelassen"]),
            federal_state=data["bundesland"],
        )
