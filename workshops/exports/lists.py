"""The participant list of a date, as CSV and as XLSX."""

import csv
import io
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cms.formatting import content_language, time_span
from verbund.text import FORMULA_START
from workshops.exports.common import Document, ascii_filename, confirmed_participants, local_day
from workshops.models import Attendance, Enrolment, WorkshopDate

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_cell(value):
    """A value a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


@dataclass
class ParticipantList:
    workshop_date: WorkshopDate
    parts: list
    enrolments: list
    attendance: dict  # {(enrolment id, part id): label}

    @property
    def has_attendance(self):
        return bool(self.attendance)

    def header(self):
        columns = [_("Nr."), _("Nachname"), _("Vorname"), _("Unternehmen"), _("Abteilung")]
        if self.has_attendance:
            columns += [
                _("Teil %(number)d (%(day)s)")
                % {"number": number, "day": local_day(part.starts_at)}
                for number, part in enumerate(self.parts, start=1)
            ]
        return columns

    def rows(self):
        for number, enrolment in enumerate(self.enrolments, start=1):
            person = enrolment.person
            row = [number, person.last_name, person.first_name, person.firm.name, person.department]
            if self.has_attendance:
                row += [self.attendance.get((enrolment.pk, part.pk), "") for part in self.parts]
            yield row


def participant_list(workshop_date) -> ParticipantList:
    labels = dict(Attendance.Status.choices)
    attendance = {
        (enrolment_id, part_id): str(labels[status])
        for enrolment_id, part_id, status in Attendance.objects.filter(
            part__date=workshop_date, enrolment__status=Enrolment.Status.CONFIRMED
        ).values_list("enrolment_id", "part_id", "status")
    }
    return ParticipantList(
        workshop_date=workshop_date,
        parts=list(workshop_date.parts.all()),
        enrolments=confirmed_participants(workshop_date),
        attendance=attendance,
    )


def _list_filename(workshop_date, parts, extension):
    day = timezone.localtime(parts[0].starts_at).strftime("%Y-%m-%d") if parts else ""
    return f"{ascii_filename(_('Teilnehmende'), workshop_date.series.title, day)}.{extension}"


def participants_csv(workshop_date) -> Document:
    """UTF-8 with BOM and `;`, so that spreadsheet programs set to German open it as is."""
    with translation.override(content_language()):
        data = participant_list(workshop_date)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(data.header())
        for row in data.rows():
            writer.writerow([spreadsheet_cell(value) for value in row])
        filename = _list_filename(workshop_date, data.parts, "csv")
    return Document(
        content=("\ufeff" + buffer.getvalue()).encode("utf-8"),
        filename=filename,
        content_type=CSV_CONTENT_TYPE,
    )


def participants_xlsx(workshop_date) -> Document:
    with translation.override(content_language()):
        data = participant_list(workshop_date)
        header = data.header()
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Teilnehmende")
        sheet.append([workshop_date.series.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(["; ".join(time_span(part) for part in data.parts)])
        sheet.append([])
        sheet.append(header)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in data.rows():
            sheet.append([row[0], *(spreadsheet_cell(value) for value in row[1:])])
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.print_title_rows = f"{header_row}:{header_row}"
        widths = [6, 22, 18, 32, 20] + [18] * (len(header) - 5)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        filename = _list_filename(workshop_date, data.parts, "xlsx")
    return Document(content=buffer.getvalue(), filename=filename, content_type=XLSX_CONTENT_TYPE)
