"""Staff forms for workshop dates in the Wagtail admin."""

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from members.models import Firm, Person
from workshops.models import SEAT_HOLDING, DatePart, Enrolment, WorkshopDate
from workshops.services import dates as date_service

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
