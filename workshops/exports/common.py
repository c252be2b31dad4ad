"""What the list and PDF documents share: the file they become, its name, the people on it."""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from workshops.models import DatePart, Enrolment, WorkshopDate

ASCII_REPLACEMENTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


@dataclass
class Document:
    content: bytes
    filename: str
    content_type: str


def ascii_filename(*parts) -> str:
    """`Teilnahmebescheinigung-Mueller-2027-01-12`: letters, digits and hyphens only."""
    words = []
    for part in parts:
        text = "".join(ASCII_REPLACEMENTS.get(char, char) for char in str(part))
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
        if text:
            words.append(text)
    return "-".join(words)[:120] or "dokument"


def local_day(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def dates_with_details():
    """Dates with series, topic, parts (in order) and trainers, for the documents."""
    return WorkshopDate.objects.select_related("series", "series__topic").prefetch_related(
        Prefetch("parts", queryset=DatePart.objects.order_by("starts_at")), "trainers"
    )


def sort_key(text) -> str:
    """German dictionary order (DIN 5007-1): Ö sorts with O, ß as ss, case ignored."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def confirmed_participants(workshop_date):
    """Confirmed enrolments with person and firm, by last name in German order."""
    enrolments = Enrolment.objects.filter(
        date=workshop_date, status=Enrolment.Status.CONFIRMED
    ).select_related("person", "person__firm")
    return sorted(
        enrolments,
        key=lambda e: (sort_key(e.person.last_name), sort_key(e.person.first_name), e.pk),
    )
