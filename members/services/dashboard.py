"""The firm dashboard: per current person their enrolments, waiting-list places, past
participation and training hours this year, plus the firm's pending invitations.

The number of database queries does not depend on the number of people or enrolments.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Firm, Invitation, Person, managed_firm_ids
from members.services import acting_firm
from workshops.models import DatePart, Enrolment, WorkshopDate

BERLIN = ZoneInfo("Europe/Berlin")


OPEN_DATES = 3


@dataclass
class PersonOverview:
    person: Person
    upcoming: list = field(default_factory=list)
    waitlist: list = field(default_factory=list)
    past: list = field(default_factory=list)
    hours_this_year: float = 0.0


@dataclass
class Dashboard:
    firm: Firm
    year: int
    people: list
    invitations: list
    # Dates a firm can enrol people in now, soonest first: the dashboard starts with them.
    open_dates: list = field(default_factory=list)

    @property
    def hours_this_year(self):
        return sum(row.hours_this_year for row in self.people)

    @property
    def upcoming_count(self):
        return sum(len(row.upcoming) for row in self.people)

    @property
    def waitlist_count(self):
        return sum(len(row.waitlist) for row in self.people)


class FirmNotChosen(Exception):
    """The user manages several firms and has not chosen the one they act for."""


def dashboard_firm(request, firm_id=None):
    """The firm whose dashboard the signed-in user may see.

    Firm admins and contacts see the firm they act for (FirmNotChosen while they manage
    several and have not chosen) or, by id, another firm they manage; the coordination
    office any firm by id. Anybody else gets PermissionDenied; a firm the user does not
    manage is not found.
    """
    user = request.user
    firm_ids = managed_firm_ids(user)
    if not user.is_staff and not firm_ids:
        raise PermissionDenied(
            _("Die Firmenübersicht ist für Firmenadministrationen und Ansprechpersonen.")
        )
    if firm_id is None:
        if not firm_ids:
            raise PermissionDenied(_("Ihr Konto gehört zu keinem Mitgliedsunternehmen."))
        firm = acting_firm.for_request(request)
        if firm is None:
            raise FirmNotChosen
        return firm
    elif not user.is_staff and firm_id not in firm_ids:
        raise Http404
    firm = Firm.objects.filter(pk=firm_id).first()
    if firm is None:
        raise Http404
    return firm


def _year_bounds(now):
    year = timezone.localtime(now, BERLIN).year
    return year, datetime(year, 1, 1, tzinfo=BERLIN), datetime(year + 1, 1, 1, tzinfo=BERLIN)


def build_dashboard(user, firm, now=None):
    now = now or timezone.now()
    year, year_start, year_end = _year_bounds(now)
    people = list(
        Person.objects.managed_by(user)
        .filter(firm=firm, erased_at__isnull=True)
        .current()
        .order_by("last_name", "first_name", "pk")
    )
    rows = {person.pk: PersonOverview(person=person) for person in people}
    enrolments = (
        Enrolment.objects.managed_by(user)
        .filter(person_id__in=rows.keys())
        .filter(
            status__in=[
                Enrolment.Status.CONFIRMED,
                Enrolment.Status.OFFERED,
                Enrolment.Status.WAITLISTED,
            ]
        )
        .exclude(date__status=WorkshopDate.Status.CANCELLED)
        .with_attendance_flag()
        .select_related("date", "date__series")
        .with_waitlist_position()
        .prefetch_related(
            Prefetch("date__parts", queryset=DatePart.objects.order_by("starts_at", "pk"))
        )
    )
    for enrolment in enrolments:
        parts = list(enrolment.date.parts.all())
        enrolment.first_start = parts[0].starts_at if parts else None
        enrolment.last_end = max(part.ends_at for part in parts) if parts else None
        finished = enrolment.last_end is not None and enrolment.last_end <= now
        row = rows[enrolment.person_id]
        if enrolment.status == Enrolment.Status.WAITLISTED:
            if not finished:
                enrolment.position = enrolment.waitlist_position
                row.waitlist.append(enrolment)
        elif not finished:
            row.upcoming.append(enrolment)
        elif enrolment.status == Enrolment.Status.CONFIRMED:
            row.past.append(enrolment)
            seconds = sum(
                (part.ends_at - part.starts_at).total_seconds()
                for part in parts
                if year_start <= part.starts_at < year_end
            )
            row.hours_this_year += seconds / 3600
    far_future = now + timedelta(days=365 * 100)
    for row in rows.values():
        row.upcoming.sort(key=lambda e: (e.first_start or far_future, e.pk))
        row.waitlist.sort(key=lambda e: (e.first_start or far_future, e.pk))
        row.past.sort(key=lambda e: (e.first_start, e.pk), reverse=True)
        row.hours_this_year = round(row.hours_this_year, 2)
    invitations = list(
        Invitation.objects.managed_by(user)
        .filter(firm=firm)
        .pending()
        .select_related("invited_by", "person")
        .order_by("expires_at", "pk")
    )
    open_dates = list(
        WorkshopDate.objects.public_upcoming().filter(enrolment_deadline__gt=now)[:OPEN_DATES]
    )
    return Dashboard(
        firm=firm,
        year=year,
        people=list(rows.values()),
        invitations=invitations,
        open_dates=open_dates,
    )
