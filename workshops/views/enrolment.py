"""Enrolment pages: a firm enrols its people, employees enrol themselves, everybody sees
and changes their own enrolments. The rules live in workshops.services.enrolment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Person, managed_firm_ids
from members.permissions import firm_manager_required
from verbund.links import next_url
from workshops.models import ACTIVE, DatePart, Enrolment, WorkshopDate
from workshops.services import enrolment as service
from workshops.services.enrolment import EnrolmentError, NotFound
from workshops.services.offer_links import enrolment_for_token

Status = Enrolment.Status


# --- Queries ------------------------------------------------------------------------------


def _with_positions(enrolments):
    """Enrolments with their date, series, person and parts, plus `position` for waiting ones."""
    enrolments = list(
        enrolments.select_related("date", "date__series", "person", "person__firm")
        .with_waitlist_position()
        .prefetch_related(
            Prefetch("date__parts", queryset=DatePart.objects.order_by("starts_at", "pk"))
        )
    )
    for enrolment in enrolments:
        enrolment.position = enrolment.waitlist_position
        parts = list(enrolment.date.parts.all())
        enrolment.first_start = parts[0].starts_at if parts else None
    return enrolments


def _public_date_or_404(date_id):
    return get_object_or_404(WorkshopDate.objects.public_upcoming(), pk=date_id)


def _enrolable_people(request):
    """Current, not anonymised people of the firm the user acts for."""
    return (
        Person.objects.managed_by(request.user)
        .filter(firm=request.firm, erased_at__isnull=True)
        .current()
        .select_related("firm")
        .order_by("last_name", "first_name", "pk")
    )


def _upcoming_active(enrolments):
    """Active enrolments of dates that have not ended yet, soonest first."""
    return (
        enrolments.filter(status__in=ACTIVE)
        .annotate(last_end=Max("date__parts__ends_at"), date_start=Min("date__parts__starts_at"))
        .filter(Q(last_end__gte=timezone.now()) | Q(last_end__isnull=True))
        .order_by("date_start", "date_id", "person__last_name", "person__first_name", "pk")
    )


# --- A firm enrols its people -----------------------------------------------------------------


@firm_manager_required
def enrol(request, date_id):
    workshop_date = _public_date_or_404(date_id)
    people = list(_enrolable_people(request))
    error = None
    selected = set()
    if request.method == "POST":
        try:
            selected = {int(value) for value in request.POST.getlist("person")}
        except ValueError:
            raise Http404 from None
        if Person.objects.filter(pk__in=selected).exclude(firm=request.firm).exists():
            # Only people of the firm the user acts for, whatever else they manage.
            raise Http404
        try:
            enrolments = service.enrol(
                date_id=workshop_date.pk, person_ids=sorted(selected), by_user=request.user
            )
        except NotFound:
            raise Http404 from None
        except EnrolmentError as exc:
            error = exc.message
        else:
            ids = ",".join(str(enrolment.pk) for enrolment in enrolments)
            return redirect(f"{reverse('enrolment:result', args=[workshop_date.pk])}?ids={ids}")
    enrolled = {
        enrolment.person_id: enrolment
        for enrolment in _with_positions(
            Enrolment.objects.managed_by(request.user).filter(
                date=workshop_date, person__in=people, status__in=ACTIVE
            )
        )
    }
    choices = [person for person in people if person.pk not in enrolled]
    already = [(person, enrolled[person.pk]) for person in people if person.pk in enrolled]
    return render(
        request,
        "workshops/enrol/enrol.html",
        {
            "workshop_date": workshop_date,
            "parts": list(workshop_date.parts.all()),
            "choices": choices,
            "already": already,
            "selected": selected,
            "error": error,
            "deadline_passed": workshop_date.enrolment_deadline <= timezone.now(),
            "firm_seats": service.seats_for_firms(workshop_date, [request.firm]),
        },
        status=400 if error else 200,
    )


@firm_manager_required
def result(request, date_id):
    workshop_date = _public_date_or_404(date_id)
    try:
        ids = [int(value) for value in request.GET.get("ids", "").split(",") if value]
    except ValueError:
        raise Http404 from None
    enrolments = _with_positions(
        Enrolment.objects.managed_by(request.user)
        .filter(date=workshop_date, pk__in=ids, person__firm=request.firm)
        .order_by("person__last_name", "person__first_name", "pk")
    )
    if not enrolments:
        raise Http404
    Status = Enrolment.Status
    return render(
        request,
        "workshops/enrol/result.html",
        {
            "workshop_date": workshop_date,
            "enrolments": enrolments,
            "seated": [e for e in enrolments if e.status == Status.CONFIRMED],
            "waiting": [e for e in enrolments if e.status == Status.WAITLISTED],
            # Anything else: cancelled or moved since the form was sent.
            "other": [
                e for e in enrolments if e.status not in (Status.CONFIRMED, Status.WAITLISTED)
            ],
        },
    )


# --- An employee enrols themself -----------------------------------------------------------------


@require_POST
@login_required
def enrol_self(request, date_id):
    workshop_date = _public_date_or_404(date_id)
    person = service.self_enrolling_person(request.user)
    if person is None:
        raise PermissionDenied(
            _(
                "Ihr Unternehmen meldet seine Beschäftigten selbst an. Bitte wenden Sie sich an "
                "Ihre Firmenadministration."
            )
        )
    try:
        [enrolment] = service.enrol(
            date_id=workshop_date.pk, person_ids=[person.pk], by_user=request.user
        )
    except NotFound:
        raise Http404 from None
    except EnrolmentError as exc:
        messages.error(request, exc.message)
        return redirect(f"{workshop_date.series.url}#termin-{workshop_date.pk}")
    if enrolment.status == Status.WAITLISTED:
        messages.success(
            request,
            _("Der Termin ist ausgebucht. Sie stehen auf der Warteliste, Platz %(position)s.")
            % {"position": service.waitlist_position(enrolment)},
        )
    else:
        messages.success(request, _("Sie sind für den Termin angemeldet."))
    return redirect("enrolment:mine")


# --- Lists ------------------------------------------------------------------------------------


@login_required
def mine(request):
    enrolments = _with_positions(
        _upcoming_active(Enrolment.objects.for_user(request.user).filter(person__user=request.user))
    )
    attended = (
        Enrolment.objects.filter(person__user=request.user, status=Enrolment.Status.CONFIRMED)
        .with_attendance_flag()
        .filter(has_attended=True)
        .select_related("date__series")
        .annotate(first_start=Min("date__parts__starts_at"))
        .order_by("-first_start")
    )
    return render(
        request,
        "workshops/enrol/mine.html",
        {
            "enrolments": enrolments,
            "attended": attended,
            "manages_firm_enrolments": bool(managed_firm_ids(request.user)),
        },
    )


@firm_manager_required
def firm(request):
    enrolments = _with_positions(
        _upcoming_active(
            Enrolment.objects.managed_by(request.user).filter(person__firm=request.firm)
        )
    )
    groups = {}
    for enrolment in enrolments:
        groups.setdefault(enrolment.date_id, (enrolment.date, []))[1].append(enrolment)
    return render(
        request,
        "workshops/enrol/firm.html",
        {"groups": list(groups.values())},
    )


# --- Changing one enrolment -------------------------------------------------------------------


def _own_or_managed(request, pk):
    """The enrolment if it belongs to the user or to a person of a firm they manage."""
    enrolment = (
        Enrolment.objects.own_or_managed(request.user)
        .select_related("date", "date__series", "person")
        .filter(pk=pk)
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def _change(request, pk, action, success):
    try:
        enrolment = action(enrolment_id=pk, by_user=request.user)
    except NotFound:
        raise Http404 from None
    except EnrolmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success % {"name": enrolment.person.full_name})
    return redirect(next_url(request, reverse("enrolment:mine")))


@login_required
def cancel(request, pk):
    if request.method == "POST":
        return _change(request, pk, service.cancel, _("Die Anmeldung von %(name)s ist storniert."))
    enrolment = _own_or_managed(request, pk)
    if enrolment.status not in ACTIVE:
        messages.error(request, _("Diese Anmeldung ist bereits storniert."))
        return redirect(next_url(request, reverse("enrolment:mine")))
    parts = list(enrolment.date.parts.order_by("starts_at", "pk"))
    return render(
        request,
        "workshops/enrol/cancel.html",
        {
            "enrolment": enrolment,
            "parts": parts,
            "next": next_url(request, reverse("enrolment:mine")),
            "late": enrolment.status == Status.CONFIRMED
            and enrolment.date.cancellation_deadline <= timezone.now(),
        },
    )


@require_POST
@login_required
def accept(request, pk):
    return _change(
        request,
        pk,
        service.accept_offer,
        _("%(name)s hat den Platz angenommen und ist jetzt fest angemeldet."),
    )


@require_POST
@login_required
def decline(request, pk):
    return _change(
        request,
        pk,
        service.decline_offer,
        _(
            "Der angebotene Platz für %(name)s ist abgelehnt; er geht an die nächste Person auf "
            "der Warteliste."
        ),
    )


def offer_by_link(request, token):
    """Accept or decline a waiting-list offer from the link in the offer email."""
    enrolment = enrolment_for_token(token)
    if enrolment is None:
        raise Http404
    answered = None
    if request.method == "POST" and request.POST.get("action") in ("accept", "decline"):
        action = request.POST["action"]
        respond = service.accept_offer if action == "accept" else service.decline_offer
        try:
            respond(enrolment_id=enrolment.pk, by_user=request.user, by_link=True)
        except EnrolmentError as exc:
            messages.error(request, exc.message)
        else:
            answered = action
        enrolment.refresh_from_db()
    parts = list(enrolment.date.parts.order_by("starts_at", "pk"))
    return render(
        request,
        "workshops/enrol/offer.html",
        {
            "enrolment": enrolment,
            "parts": parts,
            "answered": answered,
            "open_offer": enrolment.status == Status.OFFERED
            and enrolment.offer_expires_at > timezone.now(),
            # The email has one link per answer; the page asks to confirm it with one click.
            "chosen": {"annehmen": "accept", "ablehnen": "decline"}.get(request.GET.get("aktion")),
        },
    )
