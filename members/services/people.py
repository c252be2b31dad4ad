"""The people of a member firm, kept by its admins and contacts; CSV import of employees."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Firm, Invitation, Person, managed_firm_ids
from verbund.audit import record
from verbund.text import DIRECTION_CONTROLS, FORMULA_START

from . import acting_firm
from .invitations import create_invitation

MAX_IMPORT_ROWS = 1000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
PERSON_FIELDS = ("first_name", "last_name", "email", "department", "personnel_number")


class PeopleError(Exception):
    """A change to a firm's people that cannot be made; `message` is for the user, `code`
    and `field` say what went wrong (the API answers with them)."""

    def __init__(self, message, *, code="invalid", field=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def require_manager(user):
    """`user` if they may manage people (staff, firm admins and contacts), else PeopleError."""
    if user.is_staff or managed_firm_ids(user):
        return user
    raise PeopleError(
        _(
            "Nur Firmenadministrationen, Ansprechpersonen und die Koordinierungsstelle dürfen "
            "Beschäftigte verwalten."
        ),
        code="forbidden",
    )


def firm_for(user, firm_id=None):
    """The firm `user` acts for: the one named (staff: any; others: one they manage), or
    their only one (members.services.acting_firm). PeopleError (field "firm") when none
    can be chosen: "firm_required" (400) or "not_found" (404)."""
    if user.is_staff:
        if firm_id is None:
            raise PeopleError(
                _("Bitte geben Sie das Unternehmen an."), code="firm_required", field="firm"
            )
        firm = Firm.objects.filter(pk=firm_id).first()
        if firm is None:
            raise _unknown_firm()
        return firm
    try:
        return acting_firm.decide(user, firm_id)
    except acting_firm.FirmChoiceError as error:
        if error.code == "firm_required":
            raise PeopleError(error.message, code=error.code, field="firm") from None
        raise _unknown_firm() from None


def listed_firm(user, firm_id=None):
    """The firm a list narrows to: the one named, or None for all that `user` may see
    (staff, and whoever manages one firm, when they name none). PeopleError as firm_for,
    so that someone who manages several firms names the one they act for."""
    if firm_id is None and (user.is_staff or len(managed_firm_ids(user)) <= 1):
        return None
    return firm_for(user, firm_id)


def _unknown_firm():
    # The same answer for a firm that does not exist and one the caller does not manage.
    return PeopleError(
        _("Dieses Unternehmen gibt es nicht, oder Sie verwalten es nicht."),
        code="not_found",
        field="firm",
    )


def people_of(user, firm):
    """The people of `firm` that `user` may manage."""
    return Person.objects.managed_by(user).filter(firm=firm).select_related("user")


def email_taken(firm, email, exclude=None):
    """Whether another person of `firm` (an instance or id) already has `email`."""
    if not email:
        return False
    people = Person.objects.filter(firm=firm, email__iexact=email)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.exists()


def duplicate_email_message():
    return _(
        "Diese E-Mail-Adresse ist in Ihrem Unternehmen bereits für eine andere Person eingetragen."
    )


def _duplicate_email():
    return PeopleError(duplicate_email_message(), code="duplicate_email", field="email")


def _clean_values(data):
    """The person fields present in `data`, trimmed; the address in lower case."""
    values = {name: (data.get(name) or "").strip() for name in PERSON_FIELDS if name in data}
    if "email" in values:
        values["email"] = values["email"].lower()
    return values


@transaction.atomic
def add_person(firm, data, by_user, invite=False, source="web"):
    """Register someone at `firm` as an employee, optionally inviting them to get a login.
    `data` may also give `left_on` (a person recorded as having left already)."""
    values = dict.fromkeys(PERSON_FIELDS, "") | _clean_values(data)
    if email_taken(firm, values["email"]):
        raise _duplicate_email()
    if invite and not values["email"]:
        raise PeopleError(_("Für eine Einladung wird eine E-Mail-Adresse benötigt."), field="email")
    try:
        with transaction.atomic():
            person = Person.objects.create(
                firm=firm, role=Person.Role.EMPLOYEE, left_on=data.get("left_on"), **values
            )
    except IntegrityError as exc:
        raise _duplicate_email() from exc
    record(person, "verbund.person.created", user=by_user, role=person.role, source=source)
    if invite:
        create_invitation(
            firm=firm, email=person.email, role=person.role, invited_by=by_user, person=person
        )
    return person


@transaction.atomic
def change_person(person, data, by_user, source="web"):
    """Change the fields `data` gives (the web form gives all, the API those it was sent);
    a `left_on` that is set for the first time records the leaving as `mark_left` does."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    values = _clean_values(data)
    if "email" in values and email_taken(person.firm_id, values["email"], exclude=person):
        raise _duplicate_email()
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if changed:
        for name in changed:
            setattr(person, name, values[name])
        try:
            with transaction.atomic():
                person.save(update_fields=changed)
        except IntegrityError as exc:
            raise _duplicate_email() from exc
        record(person, "verbund.person.changed", user=by_user, fields=changed, source=source)
    if "left_on" in data and data["left_on"] != person.left_on:
        if person.left_on is None:
            return mark_left(person, by_user, data["left_on"])
        person.left_on = data["left_on"]  # a corrected date, or back at the firm (None)
        person.save(update_fields=["left_on"])
        record(person, "verbund.person.changed", user=by_user, fields=["left_on"], source=source)
    return person


@transaction.atomic
def mark_left(person, by_user, left_on=None):
    """Record that `person` has left the firm: kept for history, no longer enrollable; their
    pending invitations are revoked."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.left_on is not None:
        raise PeopleError(
            _("%(name)s ist bereits als ausgeschieden vermerkt.") % {"name": person.full_name},
            code="already_left",
            field="left_on",
        )
    if person.user_id is not None and person.user_id == by_user.pk:
        raise PeopleError(
            _(
                "Sie können sich nicht selbst als ausgeschieden vermerken. Bitten Sie eine andere "
                "Person Ihres Unternehmens oder die Koordinierungsstelle darum."
            ),
            code="own_leaving",
            field="left_on",
        )
    left_on = left_on or timezone.localdate()
    person.left_on = left_on
    person.save(update_fields=["left_on"])
    Invitation.objects.filter(person=person).pending().update(revoked_at=timezone.now())
    record(person, "verbund.person.left", user=by_user, left_on=left_on.isoformat())
    return person


# --- CSV import -------------------------------------------------------------------------------

COLUMN_NAMES = {
    "first_name": {"vorname", "first_name", "firstname", "first name", "given name"},
    "last_name": {"nachname", "last_name", "lastname", "last name", "surname", "familienname"},
    "email": {"e-mail", "email", "e_mail", "e-mail-adresse", "email address", "mail"},
    "department": {"abteilung", "department"},
    "personnel_number": {
        "personalnummer",
        "personnel_number",
        "personnel number",
        "personal-nr.",
        "personal-nr",
        "pers.-nr.",
        "employee number",
    },
}
# Every other column may be missing from a file: its cells count as empty.
REQUIRED_COLUMNS = ("first_name", "last_name")
MAX_LENGTHS = {name: Person._meta.get_field(name).max_length for name in PERSON_FIELDS}


class ImportFileError(Exception):
    """The uploaded file cannot be read as a whole; the message is for the user."""


@dataclass
class ImportRow:
    line: int
    values: dict
    problems: list = field(default_factory=list)
    # Shown in the preview, but no reason to refuse the row.
    warnings: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.problems


@dataclass
class ImportPreview:
    rows: list

    @property
    def problem_rows(self):
        return [row for row in self.rows if not row.is_valid]

    @property
    def is_valid(self):
        return bool(self.rows) and not self.problem_rows


def column_label(name):
    return {
        "first_name": _("Vorname"),
        "last_name": _("Nachname"),
        "email": _("E-Mail"),
        "department": _("Abteilung"),
        "personnel_number": _("Personalnummer"),
    }[name]


def decode_upload(raw):
    """The text of an uploaded CSV file: UTF-8 (with or without BOM), else Windows-1252."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("Die Datei ist zu groß (höchstens %(size)s MB). Bitte teilen Sie sie auf.")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    not_csv = _(
        "Die Datei ist keine CSV-Datei. Bitte speichern Sie die Tabelle in Excel über "
        "„Speichern unter“ im Format „CSV UTF-8 (durch Trennzeichen getrennt)“ und laden Sie "
        "sie erneut hoch."
    )
    if b"\x00" in raw:
        raise ImportFileError(not_csv)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFileError(not_csv) from exc
    if not text.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    return text


def _header_key(value):
    return " ".join(value.replace("\ufeff", "").strip().strip('"').lower().split())


def parse_csv(text):
    """Rows of `text` as dicts keyed by our field names; ImportFileError for the whole file."""
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise ImportFileError(
            _("Die Datei konnte nicht als CSV gelesen werden (Zeile %(line)s).")
            % {"line": reader.line_num}
        ) from exc
    records = [(line, record) for line, record in records if any(c.strip() for c in record)]
    if not records:
        raise ImportFileError(_("Die Datei ist leer."))
    _line, header = records[0]
    positions = {}
    for index, title in enumerate(header):
        key = _header_key(title)
        for name, aliases in COLUMN_NAMES.items():
            if key in aliases and name not in positions:
                positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ImportFileError(
            ngettext(
                "In der Datei fehlt die Spalte %(missing)s. Die erste Zeile muss die "
                "Spaltenüberschriften Vorname und Nachname enthalten (E-Mail, Abteilung und "
                "Personalnummer sind freiwillig).",
                "In der Datei fehlen die Spalten %(missing)s. Die erste Zeile muss die "
                "Spaltenüberschriften Vorname und Nachname enthalten (E-Mail, Abteilung und "
                "Personalnummer sind freiwillig).",
                len(missing),
            )
            % {"missing": _(" und ").join(f"„{column_label(name)}“" for name in missing)}
        )
    data_records = records[1:]
    if not data_records:
        raise ImportFileError(_("Die Datei enthält nur die Spaltenüberschriften, keine Personen."))
    if len(data_records) > MAX_IMPORT_ROWS:
        raise ImportFileError(
            _(
                "Die Datei enthält %(count)s Personen; höchstens %(max)s können auf einmal "
                "importiert werden. Bitte teilen Sie die Datei auf mehrere Dateien auf. "
                "Es wurde nichts gespeichert."
            )
            % {
                "count": number_format(len(data_records), force_grouping=True),
                "max": number_format(MAX_IMPORT_ROWS, force_grouping=True),
            }
        )
    rows = []
    for line, record_ in data_records:
        values = {}
        for name in PERSON_FIELDS:
            index = positions.get(name)
            value = record_[index] if index is not None and index < len(record_) else ""
            values[name] = " ".join(value.split())
        values["email"] = values["email"].lower()
        rows.append(ImportRow(line=line, values=values))
    return rows


def text_warnings(values):
    """What the preview points out about cells that are stored as they are, as text."""
    warnings = []
    for name in PERSON_FIELDS:
        value = values[name]
        if value.startswith(FORMULA_START):
            warnings.append(
                _(
                    "%(column)s beginnt mit „%(char)s“: Tabellenprogramme könnten den Wert als "
                    "Formel lesen. Wir speichern ihn als Text und entschärfen ihn in Exporten."
                )
                % {"column": column_label(name), "char": value[0]}
            )
        if DIRECTION_CONTROLS.search(value):
            warnings.append(
                _(
                    "%(column)s enthält unsichtbare Zeichen, die die Schreibrichtung umkehren "
                    "(etwa U+202E). Bitte prüfen Sie den Wert in Ihrer Datei."
                )
                % {"column": column_label(name)}
            )
    return warnings


def check_rows(firm, rows):
    """Attach each row's problems in German; returns an ImportPreview."""
    existing = set(
        Person.objects.filter(firm=firm)
        .exclude(email="")
        .annotate(email_lower=Lower("email"))
        .values_list("email_lower", flat=True)
    )
    first_line_of = {}
    for row in rows:
        values = row.values
        row.warnings = text_warnings(values)
        if not values["first_name"]:
            row.problems.append(_("Der Vorname fehlt."))
        if not values["last_name"]:
            row.problems.append(_("Der Nachname fehlt."))
        for name in PERSON_FIELDS:
            if len(values[name]) > MAX_LENGTHS[name]:
                row.problems.append(
                    _("%(column)s ist zu lang (höchstens %(max)s Zeichen).")
                    % {"column": column_label(name), "max": MAX_LENGTHS[name]}
                )
        email = values["email"]
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            row.problems.append(
                _("„%(email)s“ ist keine gültige E-Mail-Adresse.") % {"email": email}
            )
            continue
        if email in first_line_of:
            row.problems.append(
                _("Die E-Mail-Adresse steht bereits in Zeile %(line)s dieser Datei.")
                % {"line": first_line_of[email]}
            )
        else:
            first_line_of[email] = row.line
        if email in existing:
            row.problems.append(
                _(
                    "Für diese E-Mail-Adresse ist in Ihrem Unternehmen bereits eine Person "
                    "eingetragen."
                )
            )
    return ImportPreview(rows=rows)


def preview_import(firm, text):
    return check_rows(firm, parse_csv(text))


@transaction.atomic
def import_people(firm, text, by_user):
    """Save every row of the file, or nothing: re-checks the file as it is saved."""
    Firm.objects.select_for_update().filter(pk=firm.pk).first()
    preview = preview_import(firm, text)
    if not preview.is_valid:
        raise PeopleError(_("Die Datei enthält fehlerhafte Zeilen. Es wurde nichts gespeichert."))
    now = timezone.now()
    try:
        with transaction.atomic():
            people = Person.objects.bulk_create(
                Person(firm=firm, role=Person.Role.EMPLOYEE, created_at=now, **row.values)
                for row in preview.rows
            )
    except IntegrityError as exc:
        raise PeopleError(
            _(
                "Beim Speichern wurde eine doppelte E-Mail-Adresse gefunden. Es wurde nichts "
                "gespeichert; bitte laden Sie die Datei erneut hoch."
            )
        ) from exc
    record(firm, "verbund.person.imported", user=by_user, count=len(people))
    return people
