"""Files about a date: participant list (CSV, XLSX), sign-in sheet and certificates (PDF).

Documents are written in the content language, because they go to funders and firms
whatever language the person downloading them uses on screen. The lists are in `lists`,
the PDFs and their font in `pdfs`, what both share in `common`.
"""

from workshops.exports.common import Document, dates_with_details
from workshops.exports.lists import participants_csv, participants_xlsx
from workshops.exports.pdfs import (
    attended_parts,
    certificate,
    certificate_enrolments,
    sign_in_sheet,
)

__all__ = [
    "Document",
    "attended_parts",
    "certificate",
    "certificate_enrolments",
    "dates_with_details",
    "participants_csv",
    "participants_xlsx",
    "sign_in_sheet",
]
