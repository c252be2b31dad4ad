"""Enrolment rules: the one place that decides who gets a seat.

Every function takes ids, does one thing in one transaction and is used alike by the web
views, the admin and the API. Seats are counted only after the date row is locked
(`SELECT ... FOR UPDATE`), so parallel requests cannot overbook a date; a seat freed by a
cancellation is held for the waiting list as a time-limited offer and counts as taken
until the offer is accepted, declined or expired.
"""

from datetime import timedelta
from typing import NamedTuple

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Firm, Person
from workshops.models import SEAT_HOLDING, Enrolment, EnrolmentLog, WorkshopDate
from workshops.services import notifications

Status = Enrolment.Status


class EnrolmentError(Exception):
    """A rule refused the request; `message` is for the user, `status` for the API."""

    def __init__(self, message, *, code, status=409):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class NotFound(EnrolmentError):
    def __init__(self):
        super().__init__(_("Nicht gefunden."), code="not_found", status=404)


# --- Locks and counts ------------------------------------------------------------------------


def lock_dates(*date_ids):
    """Lock the date rows (in id order, so two movers cannot deadlock) and return them by
    id. Every change to seats or to a date itself holds these locks first."""
    if connection.vendor == "postgresql":
        # A lock that cannot be had quickly becomes "please try again", not a hung request.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")
    try:
        dates = list(
            WorkshopDate.objects.select_for_update()
            .filter(pk__in=sorted(set(date_ids)))
            .order_by("pk")
        )
    except OperationalError as exc:
        raise EnrolmentError(
            _(
                "Gerade melden sich viele Personen gleichzeitig an. Bitte versuchen Sie es in "
                "einigen Sekunden noch einmal."
            ),
            code="busy",
            status=503,
        ) from exc
    if len(dates) != len(set(date_ids)):
        raise NotFound()
    return {date.pk: date for date in dates}


def _seat_counts(date):
    """(seats held on the date, {firm id: seats held by that firm}); call under the lock."""
    per_firm = dict(
        Enrolment.objects.filter(date=date, status__in=SEAT_HOLDING)
        .values_list("person__firm_id")
        .annotate(n=Count("pk"))
        .values_list("person__firm_id", "n")
    )
    return sum(per_firm.values()), per_firm


def _has_seat(date, firm_id, taken, per_firm):
    if taken >= date.capacity:
        return False
    return date.firm_limit is None or per_firm.get(firm_id, 0) < date.firm_limit


def _log(enrolment, old_status, by_user, reason="", *, notify=True):
    """Record one status change; `notify=False` where the caller sends one message for
    several changes (a move)."""
    log = EnrolmentLog.objects.create(
        enrolment=enrolment,
        from_status=old_status or "",
        to_status=enrolment.status,
        by_user=by_user if by_user is not None and by_user.is_authenticated else None,
        reason=reason,
    )
    if notify:
        notifications.status_changed(enrolment, log)
    return log


def _set_status(enrolment, status, by_user, reason="", *, notify=True, **fields):
    old = enrolment.status
    enrolment.status = status
    for name, value in fields.items():
        setattr(enrolment, name, value)
    enrolment.save(update_fields=["status", "updated_at", *fields])
    return _log(enrolment, old, by_user, reason, notify=notify)


def _sync_date_status(date, taken):
    """Open dates show as full while every seat is held, and open again when one frees."""
    if date.status == WorkshopDate.Status.OPEN and taken >= date.capacity:
        date.status = WorkshopDate.Status.FULL
    elif date.status == WorkshopDate.Status.FULL and taken < date.capacity:
        date.status = WorkshopDate.Status.OPEN
    else:
        return
    date.save(update_fields=["status", "updated_at"])


# --- Who may act for whom ------------------------------------------------------------------------


def _may_act_for(user, person, *, enrolling=False):
    """Staff, the person's firm admins and contacts, and the person themself; enrolling
    oneself needs an active member firm that allows self-enrolment."""
    if user.is_staff:
        return True
    if Person.objects.managed_by(user).filter(pk=person.pk).exists():
        return True
    return (
        person.user_id is not None
        and person.user_id == user.pk
        and (not enrolling or _self_enrolment_allowed(person.firm))
    )


def _self_enrolment_allowed(firm):
    return firm.status == Firm.Status.ACTIVE and firm.allow_self_enrolment


def self_enrolling_person(user):
    """The person record through which `user` may enrol themself (a current member of an
    active firm that allows it), or None. The one rule the date cards and the
    self-enrolment view share."""
    if not user.is_authenticated:
        return None
    person = (
        Person.objects.filter(user=user, erased_at__isnull=True)
        .current()
        .select_related("firm")
        .first()
    )
    if person is None or not _self_enrolment_allowed(person.firm):
        return None
    return person


# Dates members can enrol in (a full one still takes the waiting list).
ENROLABLE = (WorkshopDate.Status.OPEN, WorkshopDate.Status.FULL)


def is_open_for_enrolment(date, now=None):
    """Whether members can enrol in `date` now: open or full, before the deadline."""
    return date.status in ENROLABLE and date.enrolment_deadline > (now or timezone.now())


def _check_open(date, user, now):
    if date.status == WorkshopDate.Status.CANCELLED:
        raise EnrolmentError(_("Dieser Termin wurde abgesagt."), code="cancelled")
    if date.status in (WorkshopDate.Status.PLANNED, WorkshopDate.Status.DONE):
        raise EnrolmentError(
            _("Für diesen Termin ist die Anmeldung nicht geöffnet."), code="not_open"
        )
    if date.enrolment_deadline <= now and not user.is_staff:
        raise EnrolmentError(
            _("Der Anmeldeschluss für diesen Termin ist vorbei."), code="deadline_passed"
        )


# --- Enrolling ------------------------------------------------------------------------------------


def enrol(*, date_id, person_ids, by_user, waitlist=True):
    """Enrol several people of the caller's firm in one step; returns their enrolments.

    Each person gets a seat if one is free and their firm is under its limit, otherwise a
    place on the waiting list in arrival order (or, with `waitlist=False`, an error).
    Either all of them are enrolled or none.
    """
    person_ids = list(dict.fromkeys(person_ids))
    if not person_ids:
        raise EnrolmentError(
            _("Bitte wählen Sie mindestens eine Person aus."), code="empty", status=400
        )
    people = {
        person.pk: person
        for person in Person.objects.select_related("firm").filter(pk__in=person_ids)
    }
    if len(people) != len(person_ids) or not all(
        _may_act_for(by_user, person, enrolling=True) for person in people.values()
    ):
        raise NotFound()
    for person in people.values():
        if person.left_on is not None or person.erased_at is not None:
            raise EnrolmentError(
                _("%(name)s ist nicht mehr im Unternehmen und kann nicht angemeldet werden.")
                % {"name": person.full_name},
                code="person_left",
            )
    try:
        with transaction.atomic():
            return _enrol_locked(date_id, [people[pk] for pk in person_ids], by_user, waitlist)
    except IntegrityError as exc:
        # The unique constraint caught a parallel second click for the same person.
        raise _already_enrolled() from exc


def _already_enrolled(name=None):
    if name:
        message = _("%(name)s ist für diesen Termin bereits angemeldet.") % {"name": name}
    else:
        message = _("Diese Person ist für diesen Termin bereits angemeldet.")
    return EnrolmentError(message, code="already_enrolled")


def _enrol_locked(date_id, people, by_user, waitlist):
    date = lock_dates(date_id)[date_id]
    # Taken under the lock, so the waiting list's arrival order is the order of the locks.
    now = timezone.now()
    _check_open(date, by_user, now)
    active = set(
        Enrolment.objects.filter(
            date=date, person__in=people, status__in=[*SEAT_HOLDING, Status.WAITLISTED]
        ).values_list("person_id", flat=True)
    )
    for person in people:
        if person.pk in active:
            raise _already_enrolled(person.full_name)
    taken, per_firm = _seat_counts(date)
    enrolments = []
    for person in people:
        if _has_seat(date, person.firm_id, taken, per_firm):
            status = Status.CONFIRMED
            taken += 1
            per_firm[person.firm_id] = per_firm.get(person.firm_id, 0) + 1
        elif waitlist:
            status = Status.WAITLISTED
        else:
            raise EnrolmentError(_no_seat_message(date, taken), code="no_seat")
        enrolment = Enrolment.objects.create(
            date=date, person=person, status=status, enrolled_by=by_user, created_at=now
        )
        _log(enrolment, "", by_user)
        enrolments.append(enrolment)
    _sync_date_status(date, taken)
    return enrolments


def _no_seat_message(date, taken):
    if taken >= date.capacity:
        return _("Der Termin ist ausgebucht.")
    return _(
        "Ihr Unternehmen hat die Höchstzahl von %(limit)s Plätzen für diesen Termin erreicht."
    ) % {"limit": date.firm_limit}


def staff_add(*, date_id, person_id, by_user, reason):
    """Staff add a person with a confirmed seat even when the date is full."""
    if not by_user.is_staff:
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise EnrolmentError(
            _("Bitte geben Sie einen Grund an."), code="reason_missing", status=400
        )
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    try:
        with transaction.atomic():
            date = lock_dates(date_id)[date_id]
            if date.status == WorkshopDate.Status.CANCELLED:
                raise EnrolmentError(_("Dieser Termin wurde abgesagt."), code="cancelled")
            if Enrolment.objects.filter(
                date=date, person=person, status__in=[*SEAT_HOLDING, Status.WAITLISTED]
            ).exists():
                raise _already_enrolled(person.full_name)
            enrolment = Enrolment.objects.create(
                date=date, person=person, status=Status.CONFIRMED, enrolled_by=by_user
            )
            _log(enrolment, "", by_user, reason)
            _sync_date_status(date, _seat_counts(date)[0])
            return enrolment
    except IntegrityError as exc:
        raise _already_enrolled(person.full_name) from exc


# --- Freeing seats and the waiting list ---------------------------------------------------------


def promote_waitlist(date, by_user=None, now=None):
    """Offer every free seat to the first waiting person whose firm is under its limit.

    Call with the date locked. Returns the enrolments that received an offer.
    """
    now = now or timezone.now()
    taken, per_firm = _seat_counts(date)
    offered = []
    if taken < date.capacity and date.status not in (
        WorkshopDate.Status.CANCELLED,
        WorkshopDate.Status.DONE,
    ):
        waiting = (
            Enrolment.objects.filter(date=date, status=Status.WAITLISTED)
            .select_related("person")
            .order_by("created_at", "pk")
        )
        for enrolment in waiting:
            if taken >= date.capacity:
                break
            firm_id = enrolment.person.firm_id
            if not _has_seat(date, firm_id, taken, per_firm):
                continue
            _set_status(
                enrolment,
                Status.OFFERED,
                by_user,
                offer_expires_at=now + timedelta(hours=date.offer_hours),
            )
            taken += 1
            per_firm[firm_id] = per_firm.get(firm_id, 0) + 1
            offered.append(enrolment)
    _sync_date_status(date, taken)
    return offered


@transaction.atomic
def offer_free_seats(date_id, by_user=None):
    """Offer the seats that are free now (say, after the edit form raised the capacity or
    the firm limit) to the waiting list."""
    date = lock_dates(date_id)[date_id]
    return promote_waitlist(date, by_user)


def _load_for_change(enrolment_id, by_user, *, by_link=False):
    """The enrolment if `by_user` may act on it (its person, their firm, or staff).

    `by_link`: the caller checked a signed link sent to the person, which is their
    authority; no login is needed then.
    """
    enrolments = Enrolment.objects if by_link else Enrolment.objects.for_user(by_user)
    enrolment = (
        enrolments.select_related("person", "person__firm", "date").filter(pk=enrolment_id).first()
    )
    if enrolment is None:
        raise NotFound()
    if by_link:
        return enrolment
    if not by_user.is_staff and not _may_act_for(by_user, enrolment.person):
        raise NotFound()
    return enrolment


@transaction.atomic
def cancel(*, enrolment_id, by_user, reason=""):
    """Cancel a seat, a waiting-list place or an offer; a freed seat goes to the waiting list."""
    enrolment = _load_for_change(enrolment_id, by_user)
    date = lock_dates(enrolment.date_id)[enrolment.date_id]
    enrolment.refresh_from_db()
    if enrolment.status not in (*SEAT_HOLDING, Status.WAITLISTED):
        raise EnrolmentError(_("Diese Anmeldung ist bereits storniert."), code="already_cancelled")
    if (
        enrolment.status == Status.CONFIRMED
        and date.cancellation_deadline <= timezone.now()
        and not by_user.is_staff
    ):
        raise EnrolmentError(
            _("Die Stornofrist ist abgelaufen. Bitte wenden Sie sich an die Koordinierungsstelle."),
            code="cancellation_deadline_passed",
        )
    _set_status(enrolment, Status.CANCELLED, by_user, reason)
    promote_waitlist(date, by_user)
    return enrolment


def accept_offer(*, enrolment_id, by_user, by_link=False):
    """Confirm an offered seat. An offer that has run out is expired (and its seat passed
    on) before the error is raised, so the expiry is kept."""
    with transaction.atomic():
        enrolment = _load_for_change(enrolment_id, by_user, by_link=by_link)
        date = lock_dates(enrolment.date_id)[enrolment.date_id]
        enrolment.refresh_from_db()
        if enrolment.status != Status.OFFERED:
            raise EnrolmentError(
                _("Für diese Anmeldung liegt kein Platzangebot vor."), code="no_offer"
            )
        expired = enrolment.offer_expires_at <= timezone.now()
        if expired:
            _expire(enrolment, date)
        else:
            _set_status(enrolment, Status.CONFIRMED, by_user, offer_expires_at=None)
    if expired:
        raise EnrolmentError(
            _(
                "Das Platzangebot ist leider abgelaufen; der Platz ging an die nächste Person "
                "auf der Warteliste."
            ),
            code="offer_expired",
        )
    return enrolment


@transaction.atomic
def decline_offer(*, enrolment_id, by_user, by_link=False):
    enrolment = _load_for_change(enrolment_id, by_user, by_link=by_link)
    date = lock_dates(enrolment.date_id)[enrolment.date_id]
    enrolment.refresh_from_db()
    if enrolment.status != Status.OFFERED:
        raise EnrolmentError(_("Für diese Anmeldung liegt kein Platzangebot vor."), code="no_offer")
    _set_status(enrolment, Status.DECLINED, by_user, offer_expires_at=None)
    promote_waitlist(date, by_user)
    return enrolment


def _expire(enrolment, date):
    _set_status(enrolment, Status.EXPIRED, None, offer_expires_at=None)
    promote_waitlist(date)


def expire_offers(now=None):
    """Pass on every seat whose offer has run out; returns how many offers expired."""
    now = now or timezone.now()
    expired = 0
    due = (
        Enrolment.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
        .values_list("pk", "date_id")
        .order_by("date_id", "pk")
    )
    for enrolment_id, date_id in due:
        with transaction.atomic():
            date = lock_dates(date_id)[date_id]
            enrolment = Enrolment.objects.get(pk=enrolment_id)
            if enrolment.status == Status.OFFERED and enrolment.offer_expires_at <= now:
                _expire(enrolment, date)
                expired += 1
    return expired


@transaction.atomic
def change_capacity(*, date_id, capacity, by_user, cancel_enrolment_ids=(), reason=""):
    """Change the number of seats. Lowering it below the confirmed seats needs staff to name
    who loses their seat; raising it offers the new seats to the waiting list."""
    if not by_user.is_staff:
        raise NotFound()
    if capacity < 0:
        raise EnrolmentError(
            _("Die Zahl der Plätze kann nicht negativ sein."), code="invalid_capacity", status=400
        )
    date = lock_dates(date_id)[date_id]
    if date.firm_limit is not None and date.firm_limit > capacity:
        raise EnrolmentError(
            _("Die Plätze je Unternehmen dürfen nicht höher sein als die Zahl der Plätze."),
            code="invalid_capacity",
            status=400,
        )
    to_cancel = list(
        Enrolment.objects.filter(date=date, pk__in=cancel_enrolment_ids, status__in=SEAT_HOLDING)
    )
    taken, _per_firm = _seat_counts(date)
    if taken - len(to_cancel) > capacity:
        raise EnrolmentError(
            _(
                "Es sind %(taken)s Plätze vergeben. Wählen Sie aus, wer seinen Platz verliert, "
                "oder senken Sie die Zahl der Plätze weniger stark."
            )
            % {"taken": taken},
            code="capacity_below_confirmed",
            status=400,
        )
    for enrolment in to_cancel:
        _set_status(enrolment, Status.CANCELLED, by_user, reason or _("Platzzahl verringert"))
    date.capacity = capacity
    date.save(update_fields=["capacity", "updated_at"])
    promote_waitlist(date, by_user)
    return date


@transaction.atomic
def move(*, enrolment_id, target_date_id, by_user, reason):
    """Staff move a person to another date of the same series (confirmed there)."""
    if not by_user.is_staff:
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise EnrolmentError(
            _("Bitte geben Sie einen Grund an."), code="reason_missing", status=400
        )
    enrolment = Enrolment.objects.select_related("person").filter(pk=enrolment_id).first()
    if enrolment is None:
        raise NotFound()
    dates = lock_dates(enrolment.date_id, target_date_id)
    source, target = dates[enrolment.date_id], dates[target_date_id]
    enrolment.refresh_from_db()
    if source.pk == target.pk or source.series_id != target.series_id:
        raise EnrolmentError(
            _("Verschieben ist nur auf einen anderen Termin derselben Workshopreihe möglich."),
            code="invalid_target",
            status=400,
        )
    if target.status == WorkshopDate.Status.CANCELLED:
        raise EnrolmentError(_("Dieser Termin wurde abgesagt."), code="cancelled")
    if enrolment.status not in (*SEAT_HOLDING, Status.WAITLISTED):
        raise EnrolmentError(_("Diese Anmeldung ist bereits storniert."), code="already_cancelled")
    if Enrolment.objects.filter(
        date=target, person=enrolment.person, status__in=[*SEAT_HOLDING, Status.WAITLISTED]
    ).exists():
        raise _already_enrolled(enrolment.person.full_name)
    taken, per_firm = _seat_counts(target)
    if not _has_seat(target, enrolment.person.firm_id, taken, per_firm):
        raise EnrolmentError(
            _(
                "%(reason)s Die Person bleibt auf ihrem bisherigen Termin. Wenn sie trotzdem "
                "einen Platz bekommen soll, fügen Sie sie auf der Seite „Teilnehmende“ des "
                "Zieltermins hinzu."
            )
            % {"reason": _no_seat_message(target, taken)},
            code="no_seat",
        )
    was_confirmed = enrolment.status == Status.CONFIRMED
    _set_status(enrolment, Status.CANCELLED, by_user, reason, notify=False, offer_expires_at=None)
    # Whoever enrolled the person keeps receiving their mail; the move is the office's.
    moved = Enrolment.objects.create(
        date=target,
        person=enrolment.person,
        status=Status.CONFIRMED,
        enrolled_by=enrolment.enrolled_by,
    )
    log = _log(moved, "", by_user, reason, notify=False)
    notifications.enrolment_moved(enrolment, moved, log, was_confirmed=was_confirmed)
    promote_waitlist(source, by_user)
    _sync_date_status(target, taken + 1)
    return moved


class SeatsForFirm(NamedTuple):
    firm: Firm
    held: int  # seats the firm's people hold on the date (confirmed or offered)
    can_book: int  # how many more of its people would get a seat now
    limit: int | None  # the date's limit per firm


def seats_for_firms(date, firms):
    """For the enrol form: how many more seats each firm would get now, under the date's
    free seats and its per-firm limit (without locking: the rules decide on submit)."""
    per_firm = dict(
        Enrolment.objects.filter(date=date, person__firm__in=firms, status__in=SEAT_HOLDING)
        .values_list("person__firm_id")
        .annotate(n=Count("pk"))
        .values_list("person__firm_id", "n")
    )
    taken = Enrolment.objects.filter(date=date, status__in=SEAT_HOLDING).count()
    free = max(date.capacity - taken, 0)
    result = []
    for firm in firms:
        held = per_firm.get(firm.pk, 0)
        can_book = free
        if date.firm_limit is not None:
            can_book = min(free, max(date.firm_limit - held, 0))
        result.append(SeatsForFirm(firm, held, can_book, date.firm_limit))
    return result


def waitlist_position(enrolment):
    """1-based position among the waiting people of its date (None if not waiting)."""
    return (
        Enrolment.objects.with_waitlist_position()
        .values_list("waitlist_position", flat=True)
        .get(pk=enrolment.pk)
    )
