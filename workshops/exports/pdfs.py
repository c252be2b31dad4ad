"""The PDFs about a date: the sign-in sheet and the certificates of attendance, and the
font they are printed in."""

import functools
import html
import re
import unicodedata
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from cms.formatting import content_language, time_span
from verbund.text import without_direction_controls
from workshops.exports.common import Document, ascii_filename, confirmed_participants, local_day
from workshops.models import Attendance, Enrolment

# Tests switch this off to look at the raw PDF.
PDF_COMPRESS = True
# DejaVu Sans, shipped with its licence, embedded (as a subset) in every PDF, so that names
# such as "Łukasz Wróbel", "Ayşe Demir" or "Nguyễn Văn An" print with all their letters.
FONT = "DejaVuSans"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}

PDF_REPLACEMENTS = {"\u2010": "-", "\u2011": "-", "\u2212": "-", "\u2192": "->"}

PDF_CONTENT_TYPE = "application/pdf"


# --- Text helpers ----------------------------------------------------------------------------


@functools.cache
def _printable():
    """The characters the embedded font has a glyph for (both styles have the same)."""
    return frozenset(TTFont(FONT_FILES[""], lazy=True).getBestCmap())


def pdf_text(value) -> str:
    """Text the embedded font can print: a character it lacks loses its accent if that
    helps, symbols such as emoji are left out, anything else becomes "?"."""
    printable = _printable()
    result = []
    for char in without_direction_controls(str(value)):
        if char in PDF_REPLACEMENTS:
            result.append(PDF_REPLACEMENTS[char])
            continue
        if ord(char) not in printable and not char.isspace():
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            if not base or any(ord(c) not in printable for c in base):
                base = "" if unicodedata.category(char).startswith(("S", "C")) else "?"
            char = base
        result.append(char)
    return "".join(result)


def rich_text_lines(value) -> list[str]:
    """Plain text lines of a rich text field; list items get a bullet."""
    text = str(value or "")
    text = re.sub(r"(?i)<li[^>]*>", "\n• ", text)
    text = re.sub(r"(?i)<br\s*/?>|</(p|li|h[1-6]|ul|ol|div)>", "\n", text)
    text = html.unescape(strip_tags(text))
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    return [line for line in lines if line and line != "•"]


def hours_text(duration: timedelta) -> str:
    hours = Decimal(duration.total_seconds()) / Decimal(3600)
    decimals = 0 if hours == hours.to_integral_value() else 1
    return ngettext("%(hours)s Zeitstunde", "%(hours)s Zeitstunden", 1 if hours == 1 else 2) % {
        "hours": formats.number_format(hours, decimals)
    }


def trainer_names(workshop_date) -> str:
    names = [user.get_full_name() or user.email for user in workshop_date.trainers.all()]
    return ", ".join(names) or workshop_date.series.trainer


def place_text(workshop_date) -> str:
    place = workshop_date.venue_address
    if workshop_date.online_url:
        place = ", ".join(filter(None, [place, _("online")]))
    return place or "–"


# --- PDF -------------------------------------------------------------------------------------


class BasePdf(FPDF):
    footer_text = ""
    running_title = ""

    def __init__(self, orientation="portrait"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        for style, path in FONT_FILES.items():
            self.add_font(FONT, style, str(path))
        self.set_compression(PDF_COMPRESS)
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_creator(pdf_text(_("Weiterbildungsverbund")))

    def header(self):
        if self.page_no() > 1 and self.running_title:
            self.set_font(FONT, "", 9)
            self.set_text_color(80)
            self.cell(0, 5, pdf_text(self.running_title), new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0)
            self.ln(3)

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(80)
        self.cell(0, 5, pdf_text(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(
            0,
            5,
            pdf_text(
                _("Seite %(page)s/%(pages)s")
                % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
            ),
            align="R",
        )
        self.set_text_color(0)

    def label_line(self, label, value, label_width=32):
        self.set_font(FONT, "B", 10)
        self.cell(label_width, 6, pdf_text(label))
        self.set_font(FONT, "", 10)
        self.multi_cell(0, 6, pdf_text(value), new_x="LMARGIN", new_y="NEXT")


def sign_in_sheet(workshop_date) -> Document:
    """Teilnehmerliste with one empty signature box per participant and part."""
    with translation.override(content_language()):
        parts = list(workshop_date.parts.all())
        enrolments = confirmed_participants(workshop_date)
        landscape = len(parts) > 3
        pdf = BasePdf("landscape" if landscape else "portrait")
        series = workshop_date.series
        first_day = local_day(parts[0].starts_at) if parts else ""
        pdf.running_title = f"{series.title} – {_('Teilnehmerliste')} {first_day}".strip()
        pdf.footer_text = _("Weiterbildungsverbund – Teilnehmerliste für den Verwendungsnachweis")
        pdf.set_title(pdf_text(f"{_('Teilnehmerliste')}: {series.title}"))
        pdf.add_page()

        pdf.set_font(FONT, "", 11)
        pdf.cell(0, 6, pdf_text(_("Teilnehmerliste")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "B", 16)
        pdf.multi_cell(0, 8, pdf_text(series.title), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for number, part in enumerate(parts, start=1):
            label = _("Teil %(number)d:") % {"number": number} if len(parts) > 1 else _("Termin:")
            pdf.label_line(label, time_span(part))
        pdf.label_line(_("Ort:"), place_text(workshop_date))
        pdf.label_line(_("Trainer/in:"), trainer_names(workshop_date) or "–")
        pdf.label_line(
            _("Teilnehmende:"),
            ngettext(
                "%(count)d Person angemeldet", "%(count)d Personen angemeldet", len(enrolments)
            )
            % {"count": len(enrolments)},
        )
        pdf.ln(4)

        width = pdf.epw
        fixed = [10, 52 if not landscape else 60, 45 if not landscape else 55]
        signature_width = (width - sum(fixed)) / max(len(parts), 1)
        headings = [_("Nr."), _("Name"), _("Unternehmen")]
        if len(parts) > 1:
            headings += [
                _("Unterschrift Teil %(number)d (%(day)s)")
                % {"number": number, "day": local_day(part.starts_at)}
                for number, part in enumerate(parts, start=1)
            ]
        else:
            headings.append(_("Unterschrift"))

        pdf.set_font(FONT, "", 10)
        with pdf.table(
            col_widths=[*fixed, *([signature_width] * max(len(parts), 1))],
            width=width,
            line_height=5,
            min_row_height=13,
            text_align="LEFT",
            v_align="MIDDLE",
            repeat_headings=1,
            headings_style=FontFace(emphasis="BOLD", fill_color=235),
        ) as table:
            heading_row = table.row()
            for heading in headings:
                heading_row.cell(pdf_text(heading))
            for number, enrolment in enumerate(enrolments, start=1):
                person = enrolment.person
                row = table.row()
                row.cell(str(number))
                row.cell(pdf_text(f"{person.last_name}, {person.first_name}"))
                row.cell(pdf_text(person.firm.name))
                for _part in parts or [None]:
                    row.cell("")
        content = bytes(pdf.output())
        filename = ascii_filename(_("Teilnehmerliste"), series.title, first_day) + ".pdf"
    return Document(content=content, filename=filename, content_type=PDF_CONTENT_TYPE)


# --- Certificate of attendance ---------------------------------------------------------------


def certificate_enrolments(user):
    """Enrolments `user` may see, ready for a certificate (the attended parts prefetched)."""
    attended = Attendance.objects.filter(status=Attendance.Status.ATTENDED).select_related("part")
    return (
        Enrolment.objects.for_user(user)
        .select_related("person", "person__firm", "date", "date__series", "date__series__topic")
        .prefetch_related(
            Prefetch(
                "attendance", queryset=attended.order_by("part__starts_at"), to_attr="attended"
            ),
        )
    )


def attended_parts(enrolment):
    """Parts the person attended; needs certificate_enrolments()."""
    return [attendance.part for attendance in enrolment.attended]


def verification_code(enrolment) -> str:
    """A short code that ties the certificate to this enrolment, person and date."""
    value = f"{enrolment.pk}:{enrolment.person_id}:{enrolment.date_id}"
    return salted_hmac("verbund.workshops.certificate", value).hexdigest()[:8].upper()


def certificate(enrolment, office, issued_on=None) -> Document:
    """Teilnahmebescheinigung; the enrolment comes from certificate_enrolments()."""
    parts = attended_parts(enrolment)
    if not parts:
        raise ValueError("No attended part.")
    issued_on = issued_on or timezone.localdate()
    person = enrolment.person
    workshop_date = enrolment.date
    series = workshop_date.series
    total = sum((part.ends_at - part.starts_at for part in parts), timedelta())

    with translation.override(content_language()):
        pdf = BasePdf()
        pdf.footer_text = _("Teilnahmebescheinigung – %(office)s") % {"office": office.office_name}
        pdf.set_title(
            pdf_text(f"{_('Teilnahmebescheinigung')}: {person.first_name} {person.last_name}")
        )
        pdf.add_page()

        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 5, pdf_text(office.office_name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        city = f"{office.postal_code} {office.city}".strip()
        for line in (office.organisation, office.street, city):
            if line:
                pdf.cell(0, 5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(16)

        pdf.set_font(FONT, "B", 22)
        pdf.cell(
            0, 12, pdf_text(_("Teilnahmebescheinigung")), align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(8)

        pdf.set_font(FONT, "B", 14)
        pdf.cell(
            0,
            8,
            pdf_text(f"{person.first_name} {person.last_name}"),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(FONT, "", 11)
        pdf.cell(0, 6, pdf_text(person.firm.name), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.cell(
            0, 6, pdf_text(_("hat an der Weiterbildung")), align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(0, 8, pdf_text(series.title), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 11)
        pdf.cell(
            0,
            6,
            pdf_text(_("Thema: %(topic)s") % {"topic": series.topic.name}),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.cell(0, 6, pdf_text(_("teilgenommen.")), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)

        label = _("Termine:") if len(parts) > 1 else _("Termin:")
        pdf.label_line(label, "\n".join(time_span(part) for part in parts))
        pdf.label_line(_("Umfang:"), hours_text(total))
        pdf.label_line(_("Ort:"), place_text(workshop_date))

        outcomes = rich_text_lines(series.learning_outcomes)
        if outcomes:
            pdf.ln(4)
            pdf.set_font(FONT, "B", 10)
            pdf.cell(0, 6, pdf_text(_("Lernziele")), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, "", 10)
            for line in outcomes:
                pdf.multi_cell(0, 5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")

        pdf.ln(12)
        issued = issued_on.strftime("%d.%m.%Y")
        place_and_day = f"{office.city}, {issued}" if office.city else issued
        pdf.cell(0, 6, pdf_text(place_and_day), new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 6, pdf_text(office.office_name), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(80)
        pdf.multi_cell(
            0,
            4,
            pdf_text(
                _(
                    "Diese Bescheinigung wurde maschinell erstellt und ist ohne Unterschrift "
                    "gültig. Prüfnummer: %(id)s-%(code)s (Anmeldung %(id)s, ausgestellt am "
                    "%(issued)s)."
                )
                % {"id": enrolment.pk, "code": verification_code(enrolment), "issued": issued}
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        content = bytes(pdf.output())
        filename = (
            ascii_filename(
                _("Teilnahmebescheinigung"),
                person.last_name,
                timezone.localtime(parts[0].starts_at).strftime("%Y-%m-%d"),
            )
            + ".pdf"
        )
    return Document(content=content, filename=filename, content_type=PDF_CONTENT_TYPE)
