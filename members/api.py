"""API v1, people part: the signed-in account and the firm's employees."""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, field_validator

from members.models import Firm, Person, managed_firm_ids
from members.services.audit import record
from members.services.calendar_feeds import personal_feed_url
from members.services.people import email_taken

router = Router(tags=["Personen"])

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any real list; larger page numbers would overflow the database's OFFSET.
MAX_PAGE = 1_000_000


class Pagination(PageNumberPagination):
    """Page-number pagination of every API list; absurd page numbers get a 400."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


class ApiError(Exception):
    """An error answer: status, message for the client and optional field errors."""

    def __init__(self, status_code, message, errors=None):
        self.status_code = status_code
        self.message = message
        self.errors = errors
        super().__init__(status_code, message)


# --- Schemas -----------------------------------------------------------------------------


class ErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] | None = None


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

    first_name: str = Field(..., max_length=150)
    last_name: str = Field(..., max_length=150)
    email: str = Field("", max_length=254)
    department: str = Field("", max_length=150)
    personnel_number: str = Field("", max_length=50)
    left_on: date | None = None
    firm: int | None = Field(
        None, description="Nur für die Koordinierungsstelle: Id des Unternehmens."
    )

    _names = field_validator("first_name", "last_name")(_required_text)
    _texts = field_validator("department", "personnel_number")(_optional_text)
    _email = field_validator("email")(_email)


class EmployeePatch(Schema):
    """Changes to a person; fields that are left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    department: str | None = Field(None, max_length=150)
    personnel_number: str | None = Field(None, max_length=50)
    left_on: date | None = None

    _names = field_validator("first_name", "last_name")(_required_text)
    _texts = field_validator("department", "personnel_number")(_optional_text)
    _email = field_validator("email")(_email)


# --- Rules -------------------------------------------------------------------------------


def _require_manager(user):
    if user.is_staff or managed_firm_ids(user):
        return user
    raise ApiError(
        403,
        _("Nur Firmenadministrationen, Ansprechpersonen und die Koordinierungsstelle dürfen "
          "Beschäftigte verwalten."),
    )


def _employees(user):
    return Person.objects.managed_by(user).filter(erased_at__isnull=True)


def _target_firm(user, firm_id):
    if user.is_staff:
        if firm_id is None:
            raise ApiError(400, _("Die Eingaben sind ungültig."), {
                "firm": [_("Bitte geben Sie das Unternehmen an.")]
            })
        firm = Firm.objects.filter(pk=firm_id).first()
        if firm is None:
            raise ApiError(400, _("Die Eingaben sind ungültig."), {
                "firm": [_("Dieses Unternehmen gibt es nicht.")]
            })
        return firm
    firm_ids = managed_firm_ids(user)
    if firm_id is not None and firm_id not in firm_ids:
        raise ApiError(400, _("Die Eingaben sind ungültig."), {
            "firm": [_("Sie können Personen nur für Ihr eigenes Unternehmen anlegen.")]
        })
    if firm_id is None:
        if len(firm_ids) != 1:
            raise ApiError(400, _("Die Eingaben sind ungültig."), {
                "firm": [_("Bitte geben Sie das Unternehmen an.")]
            })
        (firm_id,) = firm_ids
    return Firm.objects.get(pk=firm_id)


def _duplicate_email():
    return ApiError(
        409,
        _("In diesem Unternehmen gibt es bereits eine Person mit dieser E-Mail-Adresse."),
        {"email": [_("Diese E-Mail-Adresse ist im Unternehmen bereits vergeben.")]},
    )


def _check_unique_email(firm_id, email, exclude=None):
    if email_taken(firm_id, email, exclude=exclude):
        raise _duplicate_email()


def _save(person):
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise _duplicate_email() from None


# --- Endpoints ---------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Eigenes Konto")
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
    response={200: list[EmployeeOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Beschäftigte auflisten",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_employees(request, email: str | None = None, firm: int | None = None):
    """People of the own firm (the coordination office: of all firms), sorted by name.

    `email` finds a person by address; `firm` narrows the list to one firm.
    """
    user = _require_manager(request.user)
    people = _employees(user).order_by("last_name", "first_name", "pk")
    if email:
        people = people.filter(email__iexact=email.strip())
    if firm is not None:
        if user.is_staff:
            known = Firm.objects.filter(pk=firm).exists()
        else:
            known = firm in managed_firm_ids(user)
        if not known:
            raise ApiError(400, _("Die Eingaben sind ungültig."), {
                "firm": [_("Dieses Unternehmen gibt es nicht, oder Sie verwalten es nicht.")]
            })
        people = people.filter(firm_id=firm)
    return people


@router.get(
    "/employees/{person_id}",
    response={200: EmployeeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Eine Person",
)
def get_employee(request, person_id: int):
    user = _require_manager(request.user)
    return get_object_or_404(_employees(user), pk=person_id)


@router.post(
    "/employees",
    response={201: EmployeeOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Person anlegen",
)
def create_employee(request, payload: EmployeeIn):
    """Create a person (role: employee). 409 if the firm already has the email address."""
    user = _require_manager(request.user)
    firm = _target_firm(user, payload.firm)
    _check_unique_email(firm.pk, payload.email)
    person = Person(
        firm=firm,
        role=Person.Role.EMPLOYEE,
        first_name=payload.first_name,
        last_name=payload.last_name,
        email=payload.email,
        department=payload.department,
        personnel_number=payload.personnel_number,
        left_on=payload.left_on,
    )
    _save(person)
    record(person, "verbund.person.created", user=user, source="api")
    return Status(201, person)


@router.patch(
    "/employees/{person_id}",
    response={
        200: EmployeeOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
        409: ErrorOut,
    },
    summary="Person ändern",
)
def update_employee(request, person_id: int, payload: EmployeePatch):
    """Change the fields that are sent. The firm and the role cannot be changed here."""
    user = _require_manager(request.user)
    person = get_object_or_404(_employees(user), pk=person_id)
    changes = payload.model_dump(exclude_unset=True)
    for field in ("email", "department", "personnel_number"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    for field in ("first_name", "last_name"):
        if field in changes and changes[field] is None:
            raise ApiError(400, _("Die Eingaben sind ungültig."), {
                field: [_("Dieses Feld darf nicht leer sein.")]
            })
    if changes.get("left_on") and person.user_id is not None and person.user_id == user.pk:
        raise ApiError(400, _("Die Eingaben sind ungültig."), {
            "left_on": [_("Sie können Ihr eigenes Ausscheiden nicht eintragen.")]
        })
    changed = [field for field, value in changes.items() if getattr(person, field) != value]
    if "email" in changed:
        _check_unique_email(person.firm_id, changes["email"], exclude=person)
    if changed:
        left_before = person.left_on
        for field in changed:
            setattr(person, field, changes[field])
        _save(person)
        record(person, "verbund.person.changed", user=user, fields=changed, source="api")
        if left_before is None and person.left_on is not None:
            record(person, "verbund.person.left", user=user, left_on=person.left_on.isoformat())
    return person
