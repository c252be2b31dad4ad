"""The forms of the workshops app: staff forms for workshop dates in the Wagtail admin,
attendance for trainers, the feedback form and the filter form of the offer finder."""

import re

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cms.models import WorkshopSeriesPage
from members.models import Firm, Person
from workshops.models import SEAT_HOLDING, Attendance, DatePart, Enrolment, Feedback, WorkshopDate
from workshops.services import dates as date_service
from workshops.services import offers

PARTS = "parts"


def _when(value):
    return timezone.localtime(value).strftime("%d.%m.%Y, %H:%M Uhr")


class WorkshopDateForm(WagtailAdminModelForm):
    """The date with its parts: every part ends after it starts, no two parts overlap,
    there is at least one part, and both deadlines lie before the first part begins."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("capacity", "firm_limit", "offer_hours"):
            if name in self.fields:
                self.fields[name].error_messages["min_value"] = _(
                    "Bitte geben Sie eine Zahl ab 0 ein."
                )
        parts = self.formsets.get(PARTS)
        if parts is not None:
            parts.error_messages["too_few_forms"] = _(
                "Ein Termin braucht mindestens einen Teil mit Beginn und Ende."
            )

    def is_valid(self):
        valid = super().is_valid()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return valid
        return self._check_parts() and valid

    def _current_parts(self):
        """(form, start, end) of every part that stays, as entered."""
        formset = self.formsets[PARTS]
        current = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if formset.can_delete and formset._should_delete_form(form):
                continue
            start, end = data.get("starts_at"), data.get("ends_at")
            if start and end:
                current.append((form, start, end))
        return sorted(current, key=lambda item: (item[1], item[2]))

    def _check_parts(self):
        if PARTS not in self.formsets:
            return True
        ok = True
        parts = self._current_parts()
        previous = None
        for form, start, end in parts:
            if previous is not None and end > start and start < previous[2]:
                form.add_error(
                    "starts_at",
                    gettext(
                        "Dieser Teil überschneidet sich mit dem Teil von %(start)s bis %(end)s."
                    )
                    % {"start": _when(previous[1]), "end": _when(previous[2])},
                )
                ok = False
            if end > start and (previous is None or end > previous[2]):
                previous = (form, start, end)
        now = timezone.now()
        for form, start, _end in parts:
            if "starts_at" in form.changed_data and start < now:
                form.add_error(
                    "starts_at",
                    gettext(
                        "Dieser Beginn liegt in der Vergangenheit. Ein Termin kann nur auf "
                        "eine Zeit verschoben werden, die noch vor uns liegt."
                    ),
                )
                ok = False
        if not parts:
            return ok
        first_start = parts[0][1]
        self._keep_deadline_distance(first_start)
        deadlines = {
            "enrolment_deadline": gettext(
                "Der Anmeldeschluss muss vor dem Beginn des ersten Teils (%(start)s) liegen."
            ),
            "cancellation_deadline": gettext(
                "Die Stornofrist muss vor dem Beginn des ersten Teils (%(start)s) liegen."
            ),
        }
        for name, message in deadlines.items():
            value = self.cleaned_data.get(name)
            if value is not None and value > first_start:
                self.add_error(name, message % {"start": _when(first_start)})
                ok = False
        return ok

    def _keep_deadline_distance(self, first_start):
        """A date that moves takes its deadlines along, unless staff set them here too."""
        if not self.instance.pk:
            return
        stored = date_service.stored_schedule(self.instance.pk)
        if stored is None or stored.first_start is None:
            return
        for name in date_service.DEADLINES:
            if name in self.changed_data or self.cleaned_data.get(name) is None:
                continue
            moved = date_service.keep_distance(
                getattr(stored, name), stored.first_start, first_start
            )
            self.cleaned_data[name] = moved
            setattr(self.instance, name, moved)

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            held = Enrolment.objects.filter(
                date_id=self.instance.pk, status__in=SEAT_HOLDING
            ).count()
            if capacity < held:
                self.add_error(
                    "capacity",
                    gettext(
                        "Es sind %(held)s Plätze vergeben. Um die Zahl der Plätze darunter "
                        "zu senken, wählen Sie auf der Seite „Teilnehmende“ aus, wer "
                        "seinen Platz verliert."
                    )
                    % {"held": held},
                )
        stored = None
        if self.instance.pk:
            stored = (
                WorkshopDate.objects.filter(pk=self.instance.pk)
                .values_list("status", flat=True)
                .first()
            )
        if (
            cleaned.get("status") == WorkshopDate.Status.CANCELLED
            and stored is not None
            and stored != WorkshopDate.Status.CANCELLED
        ):
            self.add_error(
                "status",
                gettext(
                    "Bitte sagen Sie den Termin über „Termin absagen“ ab; dabei werden "
                    "alle Anmeldungen mit Begründung storniert."
                ),
            )
        return cleaned


# --- The participant page ------------------------------------------------------------------

REASON_HELP = _("Wird im Protokoll der Anmeldung gespeichert.")


def reason_field(required=True):
    return forms.CharField(
        label=_("Grund"),
        required=required,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
        error_messages={"required": _("Bitte geben Sie einen Grund an.")},
    )


def _enrolment_label(enrolment):
    return (
        f"{enrolment.person.full_name} ({enrolment.person.firm.name}, "
        f"{enrolment.get_status_display()})"
    )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Neue Zahl der Plätze"),
        min_value=0,
        error_messages={
            "required": _("Bitte geben Sie die neue Zahl der Plätze an."),
            "min_value": _("Die Zahl der Plätze kann nicht negativ sein."),
            "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
        },
    )
    cancel = forms.ModelMultipleChoiceField(
        label=_("Diese Personen verlieren ihren Platz"),
        queryset=Enrolment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nur nötig, wenn weniger Plätze bleiben, als vergeben sind."),
    )
    reason = reason_field(required=False)

    def __init__(self, *args, date, seat_holders, **kwargs):
        kwargs.setdefault("prefix", "capacity")
        kwargs.setdefault("initial", {"capacity": date.capacity})
        super().__init__(*args, **kwargs)
        self.fields["cancel"].queryset = Enrolment.objects.filter(
            date=date, status__in=SEAT_HOLDING
        )
        # Labels come from the rows the page already loaded.
        self.fields["cancel"].choices = [(e.pk, _enrolment_label(e)) for e in seat_holders]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cancel") and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason",
                gettext("Bitte geben Sie einen Grund an, wenn Personen ihren Platz verlieren."),
            )
        return cleaned


class StaffAddForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={
            "required": _("Bitte wählen Sie eine Person aus."),
            "invalid_choice": _("Bitte wählen Sie eine Person aus der Liste."),
        },
    )
    reason = reason_field()

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        people = (
            Person.objects.managed_by(user)
            .current()
            .filter(firm__status=Firm.Status.ACTIVE, erased_at__isnull=True)
            .select_related("firm")
            .order_by("firm__name", "last_name", "first_name", "pk")
        )
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda person: (
            f"{person.full_name} ({person.firm.name})"
        )


class MoveForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        label=_("Anmeldung"),
        queryset=Enrolment.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={
            "required": _("Bitte wählen Sie die Anmeldung aus, die verschoben wird."),
            "invalid_choice": _("Bitte wählen Sie eine Anmeldung aus der Liste."),
        },
    )
    target = forms.ModelChoiceField(
        label=_("Neuer Termin"),
        queryset=WorkshopDate.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={
            "required": _("Bitte wählen Sie den neuen Termin aus."),
            "invalid_choice": _("Bitte wählen Sie einen Termin aus der Liste."),
        },
    )
    reason = reason_field()

    def __init__(self, *args, date, active, **kwargs):
        kwargs.setdefault("prefix", "move")
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = Enrolment.objects.filter(
            date=date, pk__in=[e.pk for e in active]
        )
        self.fields["enrolment"].choices = [("", _("Bitte wählen"))] + [
            (e.pk, _enrolment_label(e)) for e in active
        ]
        self.fields["target"].queryset = (
            WorkshopDate.objects.filter(series_id=date.series_id)
            .exclude(pk=date.pk)
            .exclude(status=WorkshopDate.Status.CANCELLED)
            .select_related("series")
            .prefetch_related(Prefetch("parts", queryset=DatePart.objects.order_by("starts_at")))
        )


# --- Attendance (trainers) -----------------------------------------------------------------


ENROLMENT_FIELD = re.compile(r"^enrolment-(\d+)$")


class AttendanceForm(forms.Form):
    """One radio group per confirmed participant for one part of a date."""

    def __init__(self, *args, part, enrolments, recorded, **kwargs):
        kwargs.setdefault("prefix", f"teil-{part.pk}")
        super().__init__(*args, **kwargs)
        self.part = part
        for enrolment in enrolments:
            person = enrolment.person
            self.fields[f"enrolment-{enrolment.pk}"] = forms.ChoiceField(
                label=f"{person.last_name}, {person.first_name} ({person.firm.name})",
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=recorded.get((enrolment.pk, part.pk)),
                error_messages={
                    "required": gettext("Bitte wählen Sie aus, ob die Person teilgenommen hat."),
                    "invalid_choice": gettext(
                        "Bitte wählen Sie „anwesend“, „nicht erschienen“ oder „entschuldigt“."
                    ),
                },
            )

    def entries(self):
        """{enrolment id: status}, including ids that were posted but are not on the list."""
        entries = {}
        prefix = f"{self.prefix}-"
        for key in self.data:
            if not key.startswith(prefix):
                continue
            match = ENROLMENT_FIELD.match(key[len(prefix) :])
            if match:
                entries[int(match.group(1))] = self.data.get(key)
        entries.update(
            {int(name.split("-")[1]): value for name, value in self.cleaned_data.items()}
        )
        return entries


# --- Feedback after a date -----------------------------------------------------------------


RATING_CHOICES = [
    (5, _("5 – sehr zufrieden")),
    (4, _("4 – zufrieden")),
    (3, _("3 – teils, teils")),
    (2, _("2 – unzufrieden")),
    (1, _("1 – gar nicht zufrieden")),
]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Wie zufrieden waren Sie mit dem Workshop insgesamt?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie eine Bewertung von 1 bis 5."),
            "invalid_choice": _("Bitte wählen Sie eine Bewertung von 1 bis 5."),
        },
    )
    useful = forms.CharField(
        label=Feedback._meta.get_field("useful").verbose_name,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    to_improve = forms.CharField(
        label=Feedback._meta.get_field("to_improve").verbose_name,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- The offer finder (/angebote/): reads the URL, gives OfferFilters ----------------------


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
        # What was asked, before the checks below set aside what names nothing.
        self.requested = self.filters()
        for name, message in offers.problems(self.requested).items():
            self.add_error(name, message)
        return data

    def filters(self):
        """The usable filters: the valid ones (all of them when the form is valid)."""
        data = getattr(self, "cleaned_data", {})
        return offers.OfferFilters(**{name: data.get(name) for name in self.fields if name in data})


def read_offer_filters(data):
    """The one reading of offer filters, for the finder (/angebote/), saved searches and
    GET /api/v1/offers: (the filters as asked, {field: message} for what cannot be
    answered). A value that cannot be read at all (a date like 31.02.) is left out."""
    form = OfferFinderForm(data)
    form.is_valid()
    requested = getattr(form, "requested", offers.OfferFilters())
    return requested, {name: str(errors[0]) for name, errors in form.errors.items()}
