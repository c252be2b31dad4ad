"""The enrolment rules as a firm, a participant and the coordination office experience them."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from members.models import Firm, Person
from tests.factories import (
    BERLIN,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    UserFactory,
    WorkshopDateFactory,
)
from workshops.models import Enrolment, EnrolmentLog, WorkshopDate
from workshops.services.enrolment import (
    EnrolmentError,
    NotFound,
    accept_offer,
    cancel,
    change_capacity,
    decline_offer,
    enrol,
    expire_offers,
    move,
    staff_add,
    waitlist_position,
)
from workshops.tasks import expire_waitlist_offers

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
Status = Enrolment.Status


@pytest.fixture
def clock(time_machine):
    """Time stands still at NOW unless a test moves it on."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def staff():
    return UserFactory(staff=True)


def admin_of(firm):
    return PersonFactory(firm=firm, admin=True).user


def employees(firm, n):
    return [PersonFactory(firm=firm) for _ in range(n)]


def status_of(person, date):
    """The status of the person's latest enrolment on the date, as the firm would see it."""
    enrolment = Enrolment.objects.filter(person=person, date=date).order_by("-pk").first()
    return enrolment.status if enrolment else None


def snapshot(date):
    """Everything a user could notice about a date's enrolments."""
    date.refresh_from_db()
    return (
        date.status,
        date.capacity,
        sorted(Enrolment.objects.filter(date=date).values_list("pk", "person_id", "status")),
        EnrolmentLog.objects.filter(enrolment__date=date).count(),
    )


def enrol_one(date, person, user, **kwargs):
    return enrol(date_id=date.pk, person_ids=[person.pk], by_user=user, **kwargs)[0]


# --- Enrolling ----------------------------------------------------------------------------------


def test_a_free_seat_is_confirmed(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=2)
    (worker,) = employees(firm, 1)

    enrolment = enrol_one(date, worker, admin)

    assert enrolment.status == Status.CONFIRMED
    assert enrolment.enrolled_by == admin
    assert waitlist_position(enrolment) is None
    date.refresh_from_db()
    assert date.status == WorkshopDate.Status.OPEN


def test_a_full_date_puts_people_on_the_waiting_list_in_arrival_order(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=1)
    first, *waiting = employees(firm, 4)

    assert enrol_one(date, first, admin).status == Status.CONFIRMED
    # Arrival order, not the order of ids: the later-created person arrives first.
    waiting = [waiting[2], waiting[0], waiting[1]]
    enrolments = []
    for person in waiting:
        clock.shift(timedelta(minutes=1))
        enrolments.append(enrol_one(date, person, admin))

    assert [e.status for e in enrolments] == [Status.WAITLISTED] * 3
    assert [waitlist_position(e) for e in enrolments] == [1, 2, 3]


def test_several_people_in_one_step_queue_in_the_order_given(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=1)
    people = employees(firm, 3)
    order = [people[2], people[0], people[1]]

    enrolments = enrol(date_id=date.pk, person_ids=[p.pk for p in order], by_user=admin)

    assert [e.person for e in enrolments] == order
    assert [e.status for e in enrolments] == [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert [waitlist_position(e) for e in enrolments] == [None, 1, 2]


def test_the_firm_limit_waitlists_that_firm_while_other_firms_still_get_seats(clock):
    busy, other = FirmFactory(), FirmFactory()
    date = WorkshopDateFactory(capacity=5, firm_limit=2)
    busy_people = employees(busy, 3)
    (outsider,) = employees(other, 1)

    statuses = [
        e.status
        for e in enrol(
            date_id=date.pk, person_ids=[p.pk for p in busy_people], by_user=admin_of(busy)
        )
    ]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]

    assert enrol_one(date, outsider, admin_of(other)).status == Status.CONFIRMED


def test_the_same_person_twice_is_refused_and_nothing_changes(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=1)
    confirmed, waiting = employees(firm, 2)
    enrol(date_id=date.pk, person_ids=[confirmed.pk, waiting.pk], by_user=admin)
    before = snapshot(date)

    for person in (confirmed, waiting):
        with pytest.raises(EnrolmentError) as error:
            enrol_one(date, person, admin)
        assert error.value.code == "already_enrolled"
        assert person.full_name in error.value.message
    assert snapshot(date) == before


def test_a_double_submit_gives_already_enrolled_the_second_time(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=5)
    people = employees(firm, 2)
    submit = {"date_id": date.pk, "person_ids": [p.pk for p in people], "by_user": admin}

    enrol(**submit)
    before = snapshot(date)
    with pytest.raises(EnrolmentError) as error:
        enrol(**submit)

    assert error.value.code == "already_enrolled"
    assert snapshot(date) == before
    assert Enrolment.objects.filter(date=date).count() == 2


def test_someone_who_cancelled_can_enrol_again(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=5)
    (worker,) = employees(firm, 1)
    cancel(enrolment_id=enrol_one(date, worker, admin).pk, by_user=admin)

    assert enrol_one(date, worker, admin).status == Status.CONFIRMED


def test_a_person_who_left_the_firm_cannot_be_enrolled(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory()
    gone = PersonFactory(firm=firm, left_on=NOW.date() - timedelta(days=1))
    (colleague,) = employees(firm, 1)

    with pytest.raises(EnrolmentError) as error:
        enrol(date_id=date.pk, person_ids=[colleague.pk, gone.pk], by_user=admin)

    assert error.value.code == "person_left"
    assert gone.full_name in error.value.message
    assert not Enrolment.objects.filter(date=date).exists()
    assert not EnrolmentLog.objects.exists()


def test_several_people_are_enrolled_all_or_nothing(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=5)
    first, already, last = employees(firm, 3)
    enrol_one(date, already, admin)
    before = snapshot(date)

    with pytest.raises(EnrolmentError) as error:
        enrol(date_id=date.pk, person_ids=[first.pk, already.pk, last.pk], by_user=admin)

    assert error.value.code == "already_enrolled"
    assert snapshot(date) == before
    assert status_of(first, date) is None
    assert status_of(last, date) is None


def test_after_the_enrolment_deadline_only_staff_can_enrol(clock, staff):
    firm = FirmFactory()
    date = WorkshopDateFactory(starts_at=NOW + timedelta(days=5))  # deadline two days ago
    late, by_staff = employees(firm, 2)

    with pytest.raises(EnrolmentError) as error:
        enrol_one(date, late, admin_of(firm))
    assert error.value.code == "deadline_passed"
    assert status_of(late, date) is None

    assert enrol_one(date, by_staff, staff).status == Status.CONFIRMED


def test_the_deadline_is_exact_to_the_minute(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(starts_at=NOW + timedelta(days=7, minutes=1))
    on_time, too_late = employees(firm, 2)

    assert enrol_one(date, on_time, admin).status == Status.CONFIRMED
    clock.shift(timedelta(minutes=1))
    with pytest.raises(EnrolmentError) as error:
        enrol_one(date, too_late, admin)
    assert error.value.code == "deadline_passed"


@pytest.mark.parametrize(
    ("status", "code"),
    [(WorkshopDate.Status.CANCELLED, "cancelled"), (WorkshopDate.Status.PLANNED, "not_open")],
)
def test_cancelled_and_planned_dates_take_no_enrolments(clock, status, code):
    firm = FirmFactory()
    date = WorkshopDateFactory(status=status)
    (worker,) = employees(firm, 1)

    with pytest.raises(EnrolmentError) as error:
        enrol_one(date, worker, admin_of(firm))

    assert error.value.code == code
    assert status_of(worker, date) is None


def test_employees_enrol_themselves_only_if_their_firm_allows_it(clock):
    firm = FirmFactory(allow_self_enrolment=False)
    date = WorkshopDateFactory()
    me = PersonFactory(firm=firm, with_account=True)

    with pytest.raises(NotFound) as error:
        enrol_one(date, me, me.user)
    assert error.value.status == 404
    assert status_of(me, date) is None

    firm.allow_self_enrolment = True
    firm.save()
    me.refresh_from_db()
    assert enrol_one(date, me, me.user).status == Status.CONFIRMED


def test_self_enrolment_needs_an_active_member_firm(clock):
    firm = FirmFactory(allow_self_enrolment=True, status=Firm.Status.APPLIED)
    date = WorkshopDateFactory()
    me = PersonFactory(firm=firm, with_account=True)

    with pytest.raises(NotFound):
        enrol_one(date, me, me.user)
    assert status_of(me, date) is None


def test_an_employee_cannot_enrol_a_colleague(clock):
    firm = FirmFactory(allow_self_enrolment=True)
    date = WorkshopDateFactory()
    me = PersonFactory(firm=firm, with_account=True)
    (colleague,) = employees(firm, 1)

    with pytest.raises(NotFound):
        enrol_one(date, colleague, me.user)
    assert status_of(colleague, date) is None


def test_nobody_signed_in_can_enrol_a_person_without_a_login(clock):
    firm = FirmFactory(allow_self_enrolment=True)
    date = WorkshopDateFactory()
    (worker,) = employees(firm, 1)  # no login: worker.user is None

    with pytest.raises(NotFound):
        enrol_one(date, worker, AnonymousUser())
    assert status_of(worker, date) is None


def test_a_firm_admin_gets_404_for_another_firms_person(clock):
    mine, theirs = FirmFactory(), FirmFactory()
    date = WorkshopDateFactory()
    (own,) = employees(mine, 1)
    (stranger,) = employees(theirs, 1)

    with pytest.raises(NotFound) as error:
        enrol(date_id=date.pk, person_ids=[own.pk, stranger.pk], by_user=admin_of(mine))

    assert error.value.status == 404
    assert error.value.code == "not_found"
    assert not Enrolment.objects.filter(date=date).exists()


def test_a_contact_may_enrol_for_the_firm(clock):
    firm = FirmFactory()
    contact = PersonFactory(firm=firm, role=Person.Role.CONTACT, with_account=True).user
    date = WorkshopDateFactory()
    people = employees(firm, 2)

    enrolments = enrol(date_id=date.pk, person_ids=[p.pk for p in people], by_user=contact)

    assert [e.status for e in enrolments] == [Status.CONFIRMED, Status.CONFIRMED]


# --- Freeing seats and offers --------------------------------------------------------------------


def full_date_with_waitlist(capacity=1, firm_limit=None, offer_hours=48, waiting=2):
    """A full date: `capacity` confirmed people of one firm, then `waiting` people (with a
    login, each of their own firm) on the waiting list, one minute apart."""
    date = WorkshopDateFactory(capacity=capacity, firm_limit=firm_limit, offer_hours=offer_hours)
    firm = FirmFactory()
    confirmed = [
        EnrolmentFactory(date=date, person__firm=firm, created_at=NOW - timedelta(days=2))
        for _ in range(capacity)
    ]
    queue = [
        EnrolmentFactory(
            date=date,
            status=Status.WAITLISTED,
            person__with_account=True,
            created_at=NOW - timedelta(days=1, minutes=-i),
        )
        for i in range(waiting)
    ]
    date.status = WorkshopDate.Status.FULL
    date.save()
    return date, confirmed, queue


def reload(*enrolments):
    for enrolment in enrolments:
        enrolment.refresh_from_db()


def test_a_cancelled_seat_is_offered_to_the_first_waiting_person(clock):
    date, (seat,), (first, second) = full_date_with_waitlist(offer_hours=24)
    admin = admin_of(seat.person.firm)

    cancel(enrolment_id=seat.pk, by_user=admin)

    reload(seat, first, second)
    assert seat.status == Status.CANCELLED
    assert first.status == Status.OFFERED
    assert first.offer_expires_at == NOW + timedelta(hours=24)
    assert second.status == Status.WAITLISTED
    assert waitlist_position(second) == 1
    date.refresh_from_db()
    assert date.status == WorkshopDate.Status.FULL  # the offered seat is held


def test_the_offer_skips_a_waiting_person_whose_firm_is_at_its_limit(clock):
    date = WorkshopDateFactory(capacity=2, firm_limit=1)
    limited, freeing, other = FirmFactory(), FirmFactory(), FirmFactory()
    admin = admin_of(freeing)
    enrol(
        date_id=date.pk, person_ids=[p.pk for p in employees(limited, 2)], by_user=admin_of(limited)
    )
    clock.shift(timedelta(minutes=1))
    (leaving,) = employees(freeing, 1)
    seat = enrol_one(date, leaving, admin)
    clock.shift(timedelta(minutes=1))
    (patient,) = employees(other, 1)
    later = enrol_one(date, patient, admin_of(other))
    skipped = Enrolment.objects.get(date=date, person__firm=limited, status=Status.WAITLISTED)
    assert waitlist_position(skipped) == 1

    cancel(enrolment_id=seat.pk, by_user=admin)

    reload(skipped, later)
    assert skipped.status == Status.WAITLISTED
    assert later.status == Status.OFFERED


def test_the_held_seat_cannot_be_taken_by_a_new_enrolment(clock):
    date, (seat,), (first, _second) = full_date_with_waitlist()
    cancel(enrolment_id=seat.pk, by_user=admin_of(seat.person.firm))
    newcomer_firm = FirmFactory()
    (newcomer,) = employees(newcomer_firm, 1)

    enrolment = enrol_one(date, newcomer, admin_of(newcomer_firm))

    assert enrolment.status == Status.WAITLISTED
    assert waitlist_position(enrolment) == 2
    reload(first)
    assert first.status == Status.OFFERED


def test_accepting_an_offer_confirms_the_seat(clock):
    date, (seat,), (first, _second) = full_date_with_waitlist()
    cancel(enrolment_id=seat.pk, by_user=admin_of(seat.person.firm))
    clock.shift(timedelta(hours=47))

    accept_offer(enrolment_id=first.pk, by_user=first.person.user)

    reload(first)
    assert first.status == Status.CONFIRMED
    assert first.offer_expires_at is None
    with pytest.raises(EnrolmentError) as error:
        accept_offer(enrolment_id=first.pk, by_user=first.person.user)
    assert error.value.code == "no_offer"


def test_declining_an_offer_passes_the_seat_on(clock):
    date, (seat,), (first, second) = full_date_with_waitlist()
    cancel(enrolment_id=seat.pk, by_user=admin_of(seat.person.firm))
    clock.shift(timedelta(hours=1))

    decline_offer(enrolment_id=first.pk, by_user=admin_of(first.person.firm))

    reload(first, second)
    assert first.status == Status.DECLINED
    assert second.status == Status.OFFERED
    assert second.offer_expires_at == NOW + timedelta(hours=1 + 48)


def test_accepting_an_expired_offer_fails_and_the_seat_goes_to_the_next(clock):
    date, (seat,), (first, second) = full_date_with_waitlist()
    cancel(enrolment_id=seat.pk, by_user=admin_of(seat.person.firm))
    clock.shift(timedelta(hours=48))

    with pytest.raises(EnrolmentError) as error:
        accept_offer(enrolment_id=first.pk, by_user=admin_of(first.person.firm))

    assert error.value.code == "offer_expired"
    reload(first, second)
    assert first.status == Status.EXPIRED
    assert second.status == Status.OFFERED
    assert second.offer_expires_at == NOW + timedelta(hours=96)


def test_expire_offers_expires_due_offers_and_promotes(clock):
    due_date, (due_seat,), (due_offer, due_next) = full_date_with_waitlist()
    cancel(enrolment_id=due_seat.pk, by_user=admin_of(due_seat.person.firm))
    clock.shift(timedelta(hours=1))
    fresh_date, (fresh_seat,), (fresh_offer, _) = full_date_with_waitlist()
    cancel(enrolment_id=fresh_seat.pk, by_user=admin_of(fresh_seat.person.firm))
    clock.shift(timedelta(hours=47))

    assert expire_offers(NOW + timedelta(hours=48)) == 1

    reload(due_offer, due_next, fresh_offer)
    assert due_offer.status == Status.EXPIRED
    assert due_next.status == Status.OFFERED
    assert fresh_offer.status == Status.OFFERED
    assert expire_offers(NOW + timedelta(hours=48)) == 0


def test_the_periodic_task_expires_offers(clock):
    date, (seat,), (first, second) = full_date_with_waitlist()
    cancel(enrolment_id=seat.pk, by_user=admin_of(seat.person.firm))
    assert expire_waitlist_offers() == 0
    clock.shift(timedelta(hours=48, seconds=1))

    assert expire_waitlist_offers() == 1

    reload(first, second)
    assert first.status == Status.EXPIRED
    assert second.status == Status.OFFERED
    entry = settings.CELERY_BEAT_SCHEDULE["expire-waitlist-offers"]
    assert entry["task"] == expire_waitlist_offers.name
    assert entry["schedule"] == 60.0


def test_an_offer_that_nobody_takes_leaves_the_seat_free(clock):
    date, (seat,), (only,) = full_date_with_waitlist(waiting=1)
    cancel(enrolment_id=seat.pk, by_user=admin_of(seat.person.firm))
    clock.shift(timedelta(hours=49))

    expire_offers()

    date.refresh_from_db()
    assert date.status == WorkshopDate.Status.OPEN


# --- Cancelling ---------------------------------------------------------------------------------


def test_after_the_cancellation_deadline_only_staff_can_cancel(clock, staff):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(starts_at=NOW + timedelta(days=10))
    participant = PersonFactory(firm=firm, with_account=True)
    enrolment = enrol_one(date, participant, admin)
    clock.shift(timedelta(days=7))  # cancellation deadline (three days before) reached

    for user in (participant.user, admin):
        with pytest.raises(EnrolmentError) as error:
            cancel(enrolment_id=enrolment.pk, by_user=user)
        assert error.value.code == "cancellation_deadline_passed"
    reload(enrolment)
    assert enrolment.status == Status.CONFIRMED

    cancel(enrolment_id=enrolment.pk, by_user=staff, reason="Krankheit")
    reload(enrolment)
    assert enrolment.status == Status.CANCELLED


def test_cancelling_twice_fails_and_logs_once(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory()
    enrolment = enrol_one(date, employees(firm, 1)[0], admin)
    cancel(enrolment_id=enrolment.pk, by_user=admin)

    with pytest.raises(EnrolmentError) as error:
        cancel(enrolment_id=enrolment.pk, by_user=admin)

    assert error.value.code == "already_cancelled"
    assert list(enrolment.log.values_list("from_status", "to_status")) == [
        ("", Status.CONFIRMED),
        (Status.CONFIRMED, Status.CANCELLED),
    ]


def test_a_participant_cancels_their_own_enrolment_without_self_enrolment(clock):
    firm = FirmFactory(allow_self_enrolment=False)
    date = WorkshopDateFactory()
    participant = PersonFactory(firm=firm, with_account=True)
    enrolment = enrol_one(date, participant, admin_of(firm))

    cancel(enrolment_id=enrolment.pk, by_user=participant.user, reason="Terminkonflikt")

    reload(enrolment)
    assert enrolment.status == Status.CANCELLED
    last = enrolment.log.last()
    assert (last.by_user, last.reason) == (participant.user, "Terminkonflikt")


def test_a_colleague_cannot_cancel_someone_elses_enrolment(clock):
    firm = FirmFactory(allow_self_enrolment=True)
    date = WorkshopDateFactory()
    colleague = PersonFactory(firm=firm, with_account=True)
    enrolment = enrol_one(date, employees(firm, 1)[0], admin_of(firm))

    with pytest.raises(NotFound):
        cancel(enrolment_id=enrolment.pk, by_user=colleague.user)
    reload(enrolment)
    assert enrolment.status == Status.CONFIRMED


# --- Staff operations ---------------------------------------------------------------------------


def test_staff_add_over_capacity_needs_a_reason_and_logs_it(clock, staff):
    date, _confirmed, _queue = full_date_with_waitlist()
    (extra,) = employees(FirmFactory(), 1)
    before = snapshot(date)

    with pytest.raises(EnrolmentError) as error:
        staff_add(date_id=date.pk, person_id=extra.pk, by_user=staff, reason="  ")
    assert error.value.code == "reason_missing"
    assert snapshot(date) == before

    enrolment = staff_add(
        date_id=date.pk, person_id=extra.pk, by_user=staff, reason="Ersatz für die Ausbilderin"
    )

    assert enrolment.status == Status.CONFIRMED
    assert Enrolment.objects.filter(date=date, status=Status.CONFIRMED).count() == 2
    log = enrolment.log.get()
    assert (log.from_status, log.to_status, log.by_user, log.reason) == (
        "",
        Status.CONFIRMED,
        staff,
        "Ersatz für die Ausbilderin",
    )


def test_only_staff_may_add_over_capacity(clock):
    firm = FirmFactory()
    date = WorkshopDateFactory(capacity=1)
    (worker,) = employees(firm, 1)

    with pytest.raises(NotFound):
        staff_add(date_id=date.pk, person_id=worker.pk, by_user=admin_of(firm), reason="bitte")
    assert status_of(worker, date) is None


def test_lowering_capacity_below_the_confirmed_needs_a_choice(clock, staff):
    date = WorkshopDateFactory(capacity=3)
    firm = FirmFactory()
    enrol(date_id=date.pk, person_ids=[p.pk for p in employees(firm, 3)], by_user=admin_of(firm))
    before = snapshot(date)

    with pytest.raises(EnrolmentError) as error:
        change_capacity(date_id=date.pk, capacity=1, by_user=staff)

    assert error.value.code == "capacity_below_confirmed"
    assert snapshot(date) == before


def test_lowering_capacity_cancels_the_chosen_people(clock, staff):
    date = WorkshopDateFactory(capacity=3)
    firm = FirmFactory()
    keep, drop_a, drop_b = enrol(
        date_id=date.pk, person_ids=[p.pk for p in employees(firm, 3)], by_user=admin_of(firm)
    )

    change_capacity(
        date_id=date.pk,
        capacity=1,
        by_user=staff,
        cancel_enrolment_ids=[drop_a.pk, drop_b.pk],
        reason="Raum kleiner",
    )

    reload(keep, drop_a, drop_b)
    date.refresh_from_db()
    assert date.capacity == 1
    assert date.status == WorkshopDate.Status.FULL
    assert [keep.status, drop_a.status, drop_b.status] == [
        Status.CONFIRMED,
        Status.CANCELLED,
        Status.CANCELLED,
    ]
    log = drop_a.log.last()
    assert (log.to_status, log.by_user, log.reason) == (Status.CANCELLED, staff, "Raum kleiner")


def test_raising_capacity_offers_the_new_seats_to_the_waiting_list(clock, staff):
    date, _confirmed, (first, second) = full_date_with_waitlist(waiting=2)
    third = EnrolmentFactory(date=date, status=Status.WAITLISTED)

    change_capacity(date_id=date.pk, capacity=3, by_user=staff)

    reload(first, second, third)
    assert [first.status, second.status, third.status] == [
        Status.OFFERED,
        Status.OFFERED,
        Status.WAITLISTED,
    ]
    date.refresh_from_db()
    assert date.status == WorkshopDate.Status.FULL


def test_a_firm_limit_above_the_capacity_is_refused(clock, staff):
    date = WorkshopDateFactory(capacity=5, firm_limit=3)
    before = snapshot(date)

    with pytest.raises(EnrolmentError) as error:
        change_capacity(date_id=date.pk, capacity=2, by_user=staff)

    assert error.value.code == "invalid_capacity"
    assert error.value.status == 400
    assert snapshot(date) == before


def test_only_staff_change_capacity(clock):
    firm = FirmFactory()
    date = WorkshopDateFactory(capacity=5)

    with pytest.raises(NotFound):
        change_capacity(date_id=date.pk, capacity=50, by_user=admin_of(firm))
    date.refresh_from_db()
    assert date.capacity == 5


def test_staff_move_a_person_to_another_date_of_the_same_series(clock, staff):
    source, (seat,), (waiting, _) = full_date_with_waitlist()
    target = WorkshopDateFactory(series=source.series, capacity=1)
    before = snapshot(source)

    with pytest.raises(EnrolmentError) as error:
        move(enrolment_id=seat.pk, target_date_id=target.pk, by_user=staff, reason="")
    assert error.value.code == "reason_missing"
    assert snapshot(source) == before

    moved = move(
        enrolment_id=seat.pk, target_date_id=target.pk, by_user=staff, reason="Wunsch der Firma"
    )

    reload(seat, waiting)
    assert seat.status == Status.CANCELLED
    assert (moved.date, moved.person, moved.status) == (target, seat.person, Status.CONFIRMED)
    assert seat.log.last().reason == moved.log.get().reason == "Wunsch der Firma"
    assert waiting.status == Status.OFFERED
    target.refresh_from_db()
    assert target.status == WorkshopDate.Status.FULL


def test_moving_to_another_series_is_refused(clock, staff):
    source, (seat,), _queue = full_date_with_waitlist()
    elsewhere = WorkshopDateFactory()
    before = snapshot(source)

    with pytest.raises(EnrolmentError) as error:
        move(enrolment_id=seat.pk, target_date_id=elsewhere.pk, by_user=staff, reason="Wunsch")

    assert error.value.code == "invalid_target"
    assert snapshot(source) == before
    assert not Enrolment.objects.filter(date=elsewhere).exists()


# --- The log and the date's status ------------------------------------------------------------


def test_every_state_change_is_logged_with_who_and_why(clock, staff):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=1)
    holder, waiter = employees(firm, 2)
    seat, waiting = enrol(date_id=date.pk, person_ids=[holder.pk, waiter.pk], by_user=admin)
    cancel(enrolment_id=seat.pk, by_user=admin, reason="krank")
    accept_offer(enrolment_id=waiting.pk, by_user=admin)
    cancel(enrolment_id=waiting.pk, by_user=staff, reason="Firma abgemeldet")

    rows = list(
        EnrolmentLog.objects.filter(enrolment__date=date)
        .order_by("pk")
        .values_list("enrolment", "from_status", "to_status", "by_user", "reason")
    )
    assert rows == [
        (seat.pk, "", Status.CONFIRMED, admin.pk, ""),
        (waiting.pk, "", Status.WAITLISTED, admin.pk, ""),
        (seat.pk, Status.CONFIRMED, Status.CANCELLED, admin.pk, "krank"),
        (waiting.pk, Status.WAITLISTED, Status.OFFERED, admin.pk, ""),
        (waiting.pk, Status.OFFERED, Status.CONFIRMED, admin.pk, ""),
        (waiting.pk, Status.CONFIRMED, Status.CANCELLED, staff.pk, "Firma abgemeldet"),
    ]


def test_an_expiry_is_logged_without_a_person(clock):
    date, (seat,), (first, _second) = full_date_with_waitlist()
    cancel(enrolment_id=seat.pk, by_user=admin_of(seat.person.firm))
    clock.shift(timedelta(hours=48))

    expire_offers()

    log = first.log.last()
    assert (log.from_status, log.to_status, log.by_user) == (Status.OFFERED, Status.EXPIRED, None)


def test_the_date_is_full_while_every_seat_is_held_and_open_again_when_one_frees(clock):
    firm = FirmFactory()
    admin = admin_of(firm)
    date = WorkshopDateFactory(capacity=2)
    first, second = enrol(
        date_id=date.pk, person_ids=[p.pk for p in employees(firm, 2)], by_user=admin
    )
    date.refresh_from_db()
    assert date.status == WorkshopDate.Status.FULL

    cancel(enrolment_id=first.pk, by_user=admin)

    date.refresh_from_db()
    assert date.status == WorkshopDate.Status.OPEN
