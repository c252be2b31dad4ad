"""Trainers: their dates, the participants and the attendance per part."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from workshops.forms import AttendanceForm
from workshops.models import Attendance
from workshops.services import attendance as service


def trainer_required(view):
    """Signed-in trainers and staff; everybody else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not service.is_trainer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@trainer_required
def trainer_dates(request):
    upcoming, past = service.recent_dates(request.user)
    return render(
        request,
        "workshops/trainer/date_list.html",
        {"upcoming": upcoming, "past": past, "is_staff": request.user.is_staff},
    )


@trainer_required
def trainer_date(request, pk):
    workshop_date = get_object_or_404(service.dates_for_trainer(request.user), pk=pk)
    parts = list(workshop_date.parts.all())
    enrolments = list(service.participants(workshop_date))
    recorded = service.attendance_of(workshop_date)

    bound = None
    if request.method == "POST":
        part_id = request.POST.get("part", "")
        bound_part = next((part for part in parts if str(part.pk) == part_id), None)
        if bound_part is None:
            raise Http404
        bound = AttendanceForm(
            request.POST, part=bound_part, enrolments=enrolments, recorded=recorded
        )
        if bound.is_valid():
            try:
                count = service.record_attendance(
                    workshop_date, bound_part, bound.entries(), request.user
                )
            except service.AttendanceError as error:
                bound.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Die Anwesenheit für %(part)s ist gespeichert (%(count)d Person).",
                        "Die Anwesenheit für %(part)s ist gespeichert (%(count)d Personen).",
                        count,
                    )
                    % {"part": bound_part, "count": count},
                )
                return redirect(request.path + f"#teil-{bound_part.pk}")

    now = timezone.now()
    sections = []
    for number, part in enumerate(parts, start=1):
        if bound is not None and bound.part.pk == part.pk:
            form = bound
        elif service.has_started(part, now):
            form = AttendanceForm(part=part, enrolments=enrolments, recorded=recorded)
        else:
            form = None
        sections.append({"number": number, "part": part, "form": form})

    rows = [
        {
            "enrolment": enrolment,
            "attendance": [
                Attendance.Status(recorded[(enrolment.pk, part.pk)]).label
                if (enrolment.pk, part.pk) in recorded
                else None
                for part in parts
            ],
        }
        for enrolment in enrolments
    ]
    return render(
        request,
        "workshops/trainer/date_detail.html",
        {
            "workshop_date": workshop_date,
            "parts": parts,
            "rows": rows,
            "sections": sections,
            "bound_form": bound,
        },
    )
