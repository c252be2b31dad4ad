"""API v1, workshop part: public offers (dates) and the caller's enrolments."""

from datetime import datetime

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool
from wagtail.api.v3.auth import AllowAnonymous, BearerTokenAuth
from wagtail.models import Site

from cms.models import WorkshopSeriesPage
from members.api import acting_firm
from members.models import Person
from verbund.api_contract import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    ApiError,
    BodyId,
    Pagination,
    PathId,
    QueryDate,
    QueryFirm,
    QueryId,
    QueryText,
    error_responses,
    invalid,
    query_choice,
)
from verbund.links import absolute_url
from workshops.forms import read_offer_filters
from workshops.models import Enrolment, WorkshopDate
from workshops.services import enrolment as enrolment_service
from workshops.services import offers as offers_service
from workshops.services.enrolment import EnrolmentError

router = Router(tags=["Workshops"])

# Offers are public: a token is accepted, anybody else (with or without the site's login)
# is served as an anonymous visitor. The answer is the same for everyone.
PUBLIC_AUTH = [BearerTokenAuth(), AllowAnonymous()]
# The schema says so: a token, or nothing at all (the empty requirement).
PUBLIC_SCHEMA = {"security": [{"BearerTokenAuth": []}, {}]}


# --- Schemas -----------------------------------------------------------------------------


class SeriesOut(Schema):
    title: str
    url: str = Field(description="Absolute Adresse der Seite der Workshopreihe")


class TopicOut(Schema):
    name: str
    slug: str


class PartOut(Schema):
    title: str
    start: datetime
    end: datetime


class LocationOut(Schema):
    name: str
    street: str
    postal_code: str
    city: str
    district: str | None = Field(description="Name des Kreises")


def _series_url(offer, context):
    """The series page's address as `Page.url` gives it, with the site roots read once
    per request instead of once per offer."""
    request = context["request"]
    roots = getattr(request, "_offer_site_roots", None)
    if roots is None:
        roots = request._offer_site_roots = Site.get_site_root_paths()
    url_path = offer.series.url_path
    for root in roots:
        if url_path.startswith(root.root_path):
            return absolute_url(url_path[len(root.root_path) - 1 :])
    return absolute_url(offer.series.url)


class OfferOut(Schema):
    id: int
    series: SeriesOut
    topic: TopicOut
    parts: list[PartOut]
    format: str = Field(description="presence, online oder hybrid")
    location: LocationOut | None = Field(description="Veranstaltungsort; null bei online")
    capacity: int
    free_seats: int
    waitlist_length: int
    enrolment_deadline: datetime
    url: str = Field(description="Adresse des Termins auf der Seite der Workshopreihe")
    ical_url: str = Field(description="Absolute Adresse des Termins als Kalenderdatei (.ics)")

    @staticmethod
    def resolve_series(obj, context):
        return {"title": obj.series.title, "url": _series_url(obj, context)}

    @staticmethod
    def resolve_topic(obj):
        return obj.series.topic

    @staticmethod
    def resolve_parts(obj):
        return [
            {
                "title": part.title,
                "start": timezone.localtime(part.starts_at),
                "end": timezone.localtime(part.ends_at),
            }
            for part in obj.parts.all()
        ]

    @staticmethod
    def resolve_format(obj):
        return obj.series.format

    @staticmethod
    def resolve_location(obj):
        if obj.series.format == WorkshopSeriesPage.Format.ONLINE:
            return None
        return {
            "name": obj.venue_name,
            "street": obj.venue_street,
            "postal_code": obj.venue_postal_code,
            "city": obj.venue_city,
            "district": obj.district.name if obj.district_id else None,
        }

    @staticmethod
    def resolve_enrolment_deadline(obj):
        return timezone.localtime(obj.enrolment_deadline)

    @staticmethod
    def resolve_url(obj, context):
        return f"{_series_url(obj, context)}#termin-{obj.pk}"

    @staticmethod
    def resolve_ical_url(obj):
        return settings.SITE_URL + reverse("calendar:date", args=[obj.pk])


class EmployeeRefOut(Schema):
    id: int
    first_name: str
    last_name: str


class EnrolmentOut(Schema):
    id: int
    offer: int = Field(description="Id des Termins")
    employee: EmployeeRefOut
    status: str = Field(
        description="confirmed, waitlisted, offered, cancelled, declined oder expired"
    )
    waitlist_position: int | None = Field(description="Platz auf der Warteliste (ab 1)")
    offer_expires_at: datetime | None = Field(description="Nachrückplatz gültig bis")
    created_at: datetime

    @staticmethod
    def resolve_offer(obj):
        return obj.date_id

    @staticmethod
    def resolve_employee(obj):
        return obj.person

    @staticmethod
    def resolve_offer_expires_at(obj):
        return timezone.localtime(obj.offer_expires_at) if obj.offer_expires_at else None

    @staticmethod
    def resolve_created_at(obj):
        return timezone.localtime(obj.created_at)


class EnrolmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    offer: BodyId = Field(description="Id des Termins")
    employee: BodyId = Field(description="Id der Person aus /employees")
    waitlist: StrictBool = Field(
        True, description="Bei vollem Termin auf die Warteliste setzen (sonst 409 no_seat)"
    )


class EnrolmentStatusOut(Schema):
    id: int
    status: str


# --- Helpers -----------------------------------------------------------------------------


def _offers():
    return offers_service.find_offers(offers_service.OfferFilters())


def _rule_error(exc):
    return ApiError(exc.status, exc.message, code=exc.code)


# What a rule of the enrolment service can answer, besides success.
RULE_ERRORS = error_responses(400, 401, 404, 409, 503)


def _enrolments(user):
    return Enrolment.objects.for_user(user).select_related("person").with_waitlist_position()


# --- Offers ------------------------------------------------------------------------------

OFFERS_DESCRIPTION = """
Kommende Termine aller veröffentlichten Workshopreihen, sortiert nach Beginn. Öffentlich,
ohne Anmeldung abrufbar. Enthalten sind Termine, die noch nicht begonnen haben und weder
abgesagt noch durchgeführt sind (auch solche, deren Anmeldung noch nicht geöffnet ist).

Zeitangaben im Format ISO 8601 mit Zeitzonenversatz (Europe/Berlin). Ein Online-Zugang
wird hier nie ausgegeben; bei reinen Online-Terminen ist `location` null.

Filter (dieselben wie in der Angebotssuche unter /angebote/): `q` Volltextsuche in der
Workshopreihe (alle Wörter müssen vorkommen; Wortanfänge in Titel, Kurzbeschreibung und
Thema genügen; höchstens 200 Zeichen werden berücksichtigt); `topic` (Kurzname des Themas);
`format` (presence, online oder hybrid); `date_from`, `date_to` (JJJJ-MM-TT, Beginn des
ersten Teils); `district` (Kurzname des Kreises); `free_only=true` nur Termine mit freien
Plätzen; `member_free=true` nur für Mitglieder kostenfreie Termine; `funding=true` nur
Termine, zu denen mindestens ein Förderprogramm passt. Ein unbekannter Kurzname oder Wert
ergibt 404 (ein unbekanntes Format 400), mit einer Meldung je Feld. Liegt `date_to` vor
`date_from`, ist die Liste leer.
"""


# Filters whose value must name something that exists (a topic, district or format).
NAMED_VALUES = ("topic", "district", "format")


@router.get(
    "/offers",
    response={200: list[OfferOut], **error_responses(400, 404)},
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SCHEMA,
    summary="Kommende Termine auflisten",
    description=OFFERS_DESCRIPTION,
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_offers(
    request,
    q: QueryText = None,
    topic: QueryText = None,
    format: query_choice(offers_service.FORMATS) = None,
    date_from: QueryDate = None,
    date_to: QueryDate = None,
    district: QueryText = None,
    free_only: bool = False,
    member_free: bool = False,
    funding: bool = False,
):
    checked = {"free_only": free_only, "member_free": member_free, "funding": funding}
    filters, problems = read_offer_filters(
        {
            "q": q or "",
            "topic": topic or "",
            "format": format or "",
            "date_from": date_from.isoformat() if date_from else "",
            "date_to": date_to.isoformat() if date_to else "",
            "district": district or "",
            **{name: "true" for name, on in checked.items() if on},
        }
    )
    # A date range that ends before it starts is no error here: the list is empty.
    unknown = {name: message for name, message in problems.items() if name in NAMED_VALUES}
    if unknown:
        # A format outside the list is malformed; a topic or district may simply be gone.
        raise ApiError(
            400 if "format" in unknown else 404,
            _("Die Eingaben sind ungültig."),
            {name: [message] for name, message in unknown.items()},
        )
    return offers_service.results(filters)


@router.get(
    "/offers/{offer_id}",
    response={200: OfferOut, **error_responses(400, 404)},
    auth=PUBLIC_AUTH,
    openapi_extra=PUBLIC_SCHEMA,
    summary="Ein Termin",
    description=(
        "Ein kommender Termin mit denselben Angaben wie in der Liste. Abgesagte, "
        "durchgeführte, bereits begonnene und unveröffentlichte Termine: 404."
    ),
)
def get_offer(request, offer_id: PathId):
    offer = _offers().filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


# --- Enrolments --------------------------------------------------------------------------


@router.get(
    "/enrolments",
    response={200: list[EnrolmentOut], **error_responses(400, 401, 404)},
    summary="Anmeldungen auflisten",
    description=(
        "Die Anmeldungen, die das Konto sehen darf: Firmenadministrationen und "
        "Ansprechpersonen die ihres Unternehmens, Beschäftigte ihre eigenen, die "
        "Koordinierungsstelle alle. Neueste zuerst. Filter: `date` (Id des Termins), "
        "`status` (confirmed, waitlisted, offered, cancelled, declined, expired), `firm` "
        "(das Unternehmen, für das das Konto handelt). Ein unbekannter Status ergibt 400, "
        "ein unbekannter Termin 404."
    ),
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_enrolments(
    request,
    date: QueryId = None,
    status: query_choice(Enrolment.Status.values) = None,
    firm: QueryFirm = None,
):
    enrolments = _enrolments(request.user).order_by("-created_at", "-pk")
    chosen = acting_firm(request.user, firm)
    if chosen is not None:
        enrolments = enrolments.filter(person__firm=chosen)
    if status:
        if status not in Enrolment.Status.values:
            raise invalid(
                "status",
                _("Erlaubt sind: %(values)s.") % {"values": ", ".join(Enrolment.Status.values)},
            )
        enrolments = enrolments.filter(status=status)
    if date is not None:
        if not WorkshopDate.objects.filter(pk=date).exists():
            raise invalid("date", _("Diesen Termin gibt es nicht."), status=404)
        enrolments = enrolments.filter(date_id=date)
    return enrolments


@router.post(
    "/enrolments",
    response={201: EnrolmentStatusOut, **RULE_ERRORS, **error_responses(413)},
    summary="Person anmelden",
    description=(
        "Meldet eine Person des eigenen Unternehmens zu einem Termin an. Antwort 201 mit "
        "`status` confirmed (Platz erhalten) oder waitlisted (Warteliste). Fehler mit "
        "`message` und `code`: 404 `not_found` (unbekannter Termin oder Person eines "
        "anderen Unternehmens), 409 `deadline_passed`, `already_enrolled`, `no_seat` "
        "(kein Platz und `waitlist` false, auch bei erreichter Höchstzahl je Unternehmen), "
        "`cancelled`, `not_open`, `person_left`; 503 `busy`. `firm` nennt das Unternehmen, "
        "für das das Konto handelt; die Person muss zu ihm gehören."
    ),
)
def create_enrolment(request, payload: EnrolmentIn, firm: QueryFirm = None):
    chosen = acting_firm(request.user, firm)
    if chosen is not None and not Person.objects.filter(pk=payload.employee, firm=chosen).exists():
        raise ApiError(404, _("Nicht gefunden."), code="not_found")
    try:
        (enrolment,) = enrolment_service.enrol(
            date_id=payload.offer,
            person_ids=[payload.employee],
            by_user=request.user,
            waitlist=payload.waitlist,
        )
    except EnrolmentError as exc:
        raise _rule_error(exc) from None
    return Status(201, {"id": enrolment.pk, "status": enrolment.status})


def _change(action, request, enrolment_id):
    try:
        enrolment = action(enrolment_id=enrolment_id, by_user=request.user)
    except EnrolmentError as exc:
        raise _rule_error(exc) from None
    return {"id": enrolment.pk, "status": enrolment.status}


@router.post(
    "/enrolments/{enrolment_id}/cancel",
    response={200: EnrolmentStatusOut, **RULE_ERRORS},
    summary="Anmeldung stornieren",
    description=(
        "Storniert einen Platz, einen Wartelistenplatz oder ein Platzangebot; ein frei "
        "gewordener Platz geht an die Warteliste. Fehler: 404 `not_found`, 409 "
        "`already_cancelled`, `cancellation_deadline_passed` (nach der Stornofrist storniert "
        "nur die Koordinierungsstelle)."
    ),
)
def cancel_enrolment(request, enrolment_id: PathId):
    return _change(enrolment_service.cancel, request, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/accept",
    response={200: EnrolmentStatusOut, **RULE_ERRORS},
    summary="Nachrückplatz annehmen",
    description=(
        "Nimmt einen angebotenen Nachrückplatz an (Status danach confirmed). Fehler: 404 "
        "`not_found`, 409 `no_offer` (kein Angebot) oder `offer_expired` (Angebot "
        "abgelaufen; der Platz ging an die nächste Person)."
    ),
)
def accept_offer(request, enrolment_id: PathId):
    return _change(enrolment_service.accept_offer, request, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/decline",
    response={200: EnrolmentStatusOut, **RULE_ERRORS},
    summary="Nachrückplatz ablehnen",
    description=(
        "Lehnt einen angebotenen Nachrückplatz ab (Status danach declined); der Platz geht "
        "an die nächste Person auf der Warteliste. Fehler: 404 `not_found`, 409 `no_offer`."
    ),
)
def decline_offer(request, enrolment_id: PathId):
    return _change(enrolment_service.decline_offer, request, enrolment_id)
