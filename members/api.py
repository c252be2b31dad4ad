"""API v1, people part: the signed-in account and the firm's employees."""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator

from members.models import Person
from members.services import people
from members.services.calendar_feeds import personal_feed_url
from verbund.api_contract import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    ApiError,
    BodyId,
    IsoDate,
    Pagination,
    PathId,
    QueryFirm,
    QueryText,
    email_field,
    error_responses,
    invalid,
    text,
)

router = Router(tags=["Personen"])


# --- Schemas -----------------------------------------------------------------------------


class FirmOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    email: str
    first_name: str
    last_name: str
    role: str = Field(description="staff, admin, contact, employee oder none")
    firm: FirmOut | None
    calendar_feed_url: str | None = Field(
        description="Adresse des persönlichen Kalender-Abonnements (iCalendar); null für "
        "Konten ohne Unternehmen"
    )


class EmployeeOut(Schema):
    id: int
    firm_id: int
    first_name: str
    last_name: str
    email: str
    department: str
    personnel_number: str
    role: str = Field(description="admin, contact oder employee")
    has_login: bool
    left_on: date | None

    @staticmethod
    def resolve_has_login(obj):
        return obj.user_id is not None


def _required_text(value):
    value = (value or "").strip()
    if not value:
        raise ValueError(_("Dieses Feld darf nicht leer sein."))
    return value


def _optional_text(value):
    return (value or "").strip()


def _email(value):
    value = (value or "").strip().lower()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("Bitte geben Sie eine gültige E-Mail-Adresse ein.")) from None
    return value


class EmployeeIn(Schema):
    """A new person of the firm. Firm admins and contacts always create in their own firm."""

    model_config = ConfigDict(extra="forbid")

    first_name: str = text(150, filled=True)
    last_name: str = text(150, filled=True)
    email: str = email_field("")
    department: str = text(150, "")
    personnel_number: str = text(50, "")
    left_on: IsoDate | None = None
    firm: BodyId | None = Field(
        None,
        description="Id des Unternehmens: nötig für die Koordinierungsstelle und für "
        "Konten, die mehrere Unternehmen verwalten.",
    )

    _names = field_validator("first_name", "last_name")(_required_text)
    _texts = field_validator("department", "personnel_number")(_optional_text)
    _email = field_validator("email")(_email)


class EmployeePatch(Schema):
    """Changes to a person; fields that are left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    # Names can be changed, not removed: no null here.
    first_name: str = text(150, None, filled=True)
    last_name: str = text(150, None, filled=True)
    email: str | None = email_field(None, nullable=True)
    department: str | None = text(150, None)
    personnel_number: str | None = text(50, None)
    left_on: IsoDate | None = None

    _names = field_validator("first_name", "last_name")(_required_text)
    _texts = field_validator("department", "personnel_number")(_optional_text)
    _email = field_validator("email")(_email)


# --- Rules -------------------------------------------------------------------------------


def _require_manager(user):
    try:
        return people.require_manager(user)
    except people.PeopleError as error:
        raise _api_error(error) from None


def _employees(user):
    return Person.objects.managed_by(user).filter(erased_at__isnull=True)


def acting_firm(user, firm_id):
    """The firm a list endpoint narrows to (members.services.people.listed_firm)."""
    try:
        return people.listed_firm(user, firm_id)
    except people.PeopleError as error:
        raise _api_error(error) from None


# What a refused change to the people answers over the API.
PEOPLE_ERROR_STATUS = {
    "duplicate_email": 409,
    "own_leaving": 403,
    "forbidden": 403,
    "not_found": 404,
    "already_left": 409,
}


def _api_error(error):
    """The API's answer to a PeopleError from the people service."""
    status = PEOPLE_ERROR_STATUS.get(error.code, 400)
    errors = {error.field: [error.message]} if error.field else None
    return ApiError(status, error.message, errors, code=error.code)


# --- Endpoints ---------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **error_responses(400, 401)}, summary="Eigenes Konto")
def me(request):
    """The account behind the token or session: role and firm."""
    user = request.user
    person = Person.objects.select_related("firm").filter(user=user, left_on__isnull=True).first()
    if user.is_staff:
        role = "staff"
    elif person is not None:
        role = person.role
    else:
        role = "none"
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": role,
        "firm": person.firm if person is not None else None,
        "calendar_feed_url": personal_feed_url(user),
    }


@router.get(
    "/employees",
    response={200: list[EmployeeOut], **error_responses(400, 401, 403, 404)},
    summary="Beschäftigte auflisten",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_employees(request, email: QueryText = None, firm: QueryFirm = None):
    """People of the own firm (the coordination office: of all firms), sorted by name.

    `email` finds a person by address; `firm` names the firm (404 for a firm that does not
    exist or that the account does not manage; 400 `firm_required` without it for an
    account that manages several firms).
    """
    user = _require_manager(request.user)
    found = _employees(user).order_by("last_name", "first_name", "pk")
    if email:
        found = found.filter(email__iexact=email.strip())
    chosen = acting_firm(user, firm)
    if chosen is not None:
        found = found.filter(firm=chosen)
    return found


@router.get(
    "/employees/{person_id}",
    response={200: EmployeeOut, **error_responses(400, 401, 403, 404)},
    summary="Eine Person",
)
def get_employee(request, person_id: PathId):
    user = _require_manager(request.user)
    return get_object_or_404(_employees(user), pk=person_id)


@router.post(
    "/employees",
    response={201: EmployeeOut, **error_responses(400, 401, 403, 404, 409, 413)},
    summary="Person anlegen",
)
def create_employee(request, payload: EmployeeIn, firm: QueryFirm = None):
    """Create a person (role: employee). 409 if the firm already has the email address,
    404 for a `firm` that does not exist or that the account does not manage, 400
    `firm_required` without `firm` for an account that manages several firms. The firm
    may be named as query parameter or in the body; two different ones: 409."""
    user = _require_manager(request.user)
    if firm is not None and payload.firm is not None and firm != payload.firm:
        raise ApiError(
            409,
            _("Der Parameter firm und das Feld firm nennen verschiedene Unternehmen."),
            {"firm": [_("Bitte nennen Sie ein Unternehmen, nicht zwei.")]},
            code="conflicting_firm",
        )
    try:
        firm = people.firm_for(user, firm if firm is not None else payload.firm)
        person = people.add_person(firm, payload.model_dump(exclude={"firm"}), user, source="api")
    except people.PeopleError as error:
        raise _api_error(error) from None
    return Status(201, person)


@router.patch(
    "/employees/{person_id}",
    response={200: EmployeeOut, **error_responses(400, 401, 403, 404, 409, 413)},
    summary="Person ändern",
)
def update_employee(request, person_id: PathId, payload: EmployeePatch):
    """Change the fields that are sent. The firm and the role cannot be changed here."""
    user = _require_manager(request.user)
    person = get_object_or_404(_employees(user), pk=person_id)
    changes = payload.model_dump(exclude_unset=True)
    for field in ("email", "department", "personnel_number"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    for field in ("first_name", "last_name"):
        if field in changes and changes[field] is None:
            raise invalid(field, _("Dieses Feld darf nicht leer sein."))
    try:
        person = people.change_person(person, changes, user, source="api")
    except people.PeopleError as error:
        raise _api_error(error) from None
    return person
