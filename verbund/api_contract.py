"""What every operation of the API shares: the error shape and its codes, pagination, and
the kinds of value it accepts, stated in the schema exactly as the API checks them.
"""

import re
from datetime import date
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Schema
from ninja.pagination import PageNumberPagination
from pydantic import BeforeValidator

from verbund.text import CONTROL_CHARACTER_CLASS

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any real list; larger page numbers would overflow the database's OFFSET.
MAX_PAGE = 1_000_000
# Ids are 64-bit integers in the database; a larger number can name nothing.
LARGEST_ID = 2**63 - 1

# What the bad-input middleware refuses in any string (400 `control_characters`).
_CONTROL = CONTROL_CHARACTER_CLASS
PLAIN_TEXT = rf"^[^{_CONTROL}]*$"
# The same, and at least one character that is not a space (names).
FILLED_TEXT = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"

# The machine-readable `code` of an error without a more particular one.
DEFAULT_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error answer: status, message for the client, optional field errors and code."""

    def __init__(self, status_code, message, errors=None, code=None):
        self.status_code = status_code
        self.message = message
        self.errors = errors
        self.code = code or DEFAULT_CODES.get(status_code, "error")
        super().__init__(status_code, message)


def invalid(field, message, status=400):
    """The answer to one field's value: 400 if malformed, 404 if it names nothing known."""
    return ApiError(status, _("Die Eingaben sind ungültig."), {field: [str(message)]})


class ErrorOut(Schema):
    message: str = Field(description="Für Menschen, in der Sprache der Anfrage")
    code: str = Field(
        description="Maschinenlesbarer Grund, z. B. invalid, not_found, deadline_passed"
    )
    errors: dict[str, list[str]] | None = Field(
        None, description="Meldungen je Feld, bei ungültigen Eingaben"
    )


def error_responses(*statuses):
    """The documented error answers of an operation, all in the one error shape."""
    return dict.fromkeys(statuses, ErrorOut)


def text(max_length=None, default=..., *, filled=False, description=None):
    """A text field of a request body (no control characters; `filled`: not blank)."""
    return Field(
        default,
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": FILLED_TEXT if filled else PLAIN_TEXT},
    )


def email_field(default=..., *, nullable=False, description=None):
    """An email address or the empty string (and null where `nullable`)."""
    choices = [
        {"type": "string", "maxLength": 0},
        {"type": "string", "format": "email", "maxLength": 254},
    ]
    if nullable:
        choices.append({"type": "null"})

    def state(schema):
        for key in ("type", "maxLength", "anyOf", "pattern"):
            schema.pop(key, None)
        schema["anyOf"] = choices

    return Field(default, max_length=254, description=description, json_schema_extra=state)


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value):
    """Dates as the schema states them, JJJJ-MM-TT, and nothing pydantic would also guess
    a date from (a number of seconds, a datetime)."""
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError(_("Bitte geben Sie ein Datum im Format JJJJ-MM-TT an."))
    return value


def _json_integer(value):
    """A JSON integer (1 or 1.0, as JSON Schema counts them), not "1" nor true."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("Bitte geben Sie eine ganze Zahl an."))
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
BodyId = Annotated[int, Field(ge=1, le=LARGEST_ID), BeforeValidator(_json_integer)]

# Path and query parameters.
PathId = Annotated[int, Path(..., ge=1, le=LARGEST_ID)]
QueryText = Annotated[str | None, Query(None, pattern=PLAIN_TEXT)]
QueryId = Annotated[int | None, Query(None, ge=1, le=LARGEST_ID)]
# The firm an endpoint acts for (members.services.acting_firm), on reads and writes alike.
QueryFirm = Annotated[
    int | None,
    Query(
        None,
        ge=1,
        le=LARGEST_ID,
        description="Id des Unternehmens, für das das Konto handelt: nötig für Konten, die "
        "mehrere Unternehmen verwalten (sonst 400 `firm_required`), und für die "
        "Koordinierungsstelle, um auf ein Unternehmen einzugrenzen. Ein Unternehmen, das das "
        "Konto nicht verwaltet: 404 `not_found`.",
    ),
]
QueryDate = Annotated[date | None, BeforeValidator(_iso_date), Query(None)]


def query_choice(values):
    """A query parameter that takes one of `values`."""
    return Annotated[Literal[tuple(values)] | None, Query(None)]


class Pagination(PageNumberPagination):
    """Page-number pagination of every API list; absurd page numbers get a 400."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, description="höchstens 100")
