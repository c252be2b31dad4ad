"""Trainers: the participants of the dates they run, and attendance per part."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import TRAINER_GROUP
from verbund.audit import record
from workshops.models import Attendance, DatePart, Enrolment, WorkshopDate

PAST_WINDOW = timedelta(days=92)


class AttendanceError(Exception):
    """Attendance that cannot be recorded; the message is for the user."""


def is_trainer(user):
    """Staff and members of the Trainer group (cached on the user)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_is_trainer", None)
    if cached is None:
        cached = user.groups.filter(name=TRAINER_GROUP).exists()
        user._is_trainer = cached
    return cached


def dates_for_trainer(user):
    """The dates `user` may see the participants of: staff all, a trainer their own."""
    if not is_trainer(user):
        raise PermissionDenied
    dates = WorkshopDate.objects.select_related("series").prefetch_related(
        Prefetch("parts", queryset=DatePart.objects.order_by("starts_at"))
    )
    if user.is_staff:
        return dates
    return dates.filter(trainers=user)


def recent_dates(user, now=None):
    """(running or upcoming, past) dates of `user`; the past ones of the last three months."""
    now = now or timezone.now()
    dates = (
        dates_for_trainer(user)
        .annotate(
            confirmed_count=Count(
                "enrolments",
                filter=Q(enrolments__status=Enrolment.Status.CONFIRMED),
                distinct=True,
            ),
            first_start=Min("parts__starts_at"),
            last_end=Max("parts__ends_at"),
        )
        .filter(last_end__gte=now - PAST_WINDOW)
        .order_by("first_start", "pk")
    )
    upcoming, past = [], []
    for workshop_date in dates:
        (upcoming if workshop_date.last_end >= now else past).append(workshop_date)
    past.reverse()
    return upcoming, past


def participants(workshop_date):
    """Confirmed enrolments of the date with person and firm, by last name."""
    return (
        Enrolment.objects.filter(date=workshop_date, status=Enrolment.Status.CONFIRMED)
        .select_related("person", "person__firm")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def attendance_of(workshop_date):
    """{(enrolment id, part id): status} of everything recorded for the date."""
    return {
        (enrolment_id, part_id): status
        for enrolment_id, part_id, status in Attendance.objects.filter(
            part__date=workshop_date
        ).values_list("enrolment_id", "part_id", "status")
    }


def has_started(part, now=None):
    return part.starts_at <= (now or timezone.now())


def record_attendance(workshop_date, part, entries, by_user, now=None):
    """Record {enrolment id: status} for one part of a date; all or nothing.

    Only confirmed participants of this date, only a part of this date that has begun.
    """
    if not dates_for_trainer(by_user).filter(pk=workshop_date.pk).exists():
        raise PermissionDenied
    if part.date_id != workshop_date.pk:
        raise AttendanceError(_("Dieser Teil gehört nicht zu diesem Termin."))
    if workshop_date.status == WorkshopDate.Status.CANCELLED:
        raise AttendanceError(
            _("Der Termin ist abgesagt; eine Anwesenheit kann nicht erfasst werden.")
        )
    if not has_started(part, now):
        raise AttendanceError(
            _("Die Anwesenheit kann erst ab Beginn des Teils erfasst werden (%(start)s Uhr).")
            % {"start": timezone.localtime(part.starts_at).strftime("%d.%m.%Y, %H:%M")}
        )
    if not entries:
        raise AttendanceError(_("Es wurde keine Anwesenheit angegeben."))
    valid_statuses = set(Attendance.Status.values)
    if any(status not in valid_statuses for status in entries.values()):
        raise AttendanceError(
            _("Bitte wählen Sie je Person „anwesend“, „nicht erschienen“ oder „entschuldigt“.")
        )
    with transaction.atomic():
        confirmed = set(
            participants(workshop_date)
            .select_for_update(of=("self",))
            .filter(pk__in=list(entries))
            .values_list("pk", flat=True)
        )
        if confirmed != set(entries):
            raise AttendanceError(
                _(
                    "Die Angaben passen nicht zur Teilnehmendenliste dieses Termins. Bitte "
                    "laden Sie die Seite neu; es wurde nichts gespeichert."
                )
            )
        recorded_at = timezone.now()
        Attendance.objects.bulk_create(
            [
                Attendance(
                    enrolment_id=enrolment_id,
                    part=part,
                    status=status,
                    recorded_by=by_user,
                    recorded_at=recorded_at,
                )
                for enrolment_id, status in sorted(entries.items())
            ],
            update_conflicts=True,
            unique_fields=["enrolment", "part"],
            update_fields=["status", "recorded_by", "recorded_at"],
        )
        record(
            workshop_date,
            "verbund.attendance.recorded",
            by_user,
            part=part.pk,
            attendance={str(key): value for key, value in sorted(entries.items())},
        )
    return len(entries)
