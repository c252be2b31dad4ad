"""A regional-scale catalogue for the benchmarks, built fast with the real services.

    data = CatalogueData()
    data.grow(series=200)      # 200 series × 10 dates = 2,000 dates, ~6,000 enrolments
    data.grow(series=2000)     # up to 2,000 series × 10 dates = 20,000 dates, ~60,000

Series are real Wagtail pages (the page tree's own `add_child`); dates, parts, people and
enrolments are written in bulk, and the catalogue is filled by its service afterwards, as
after an import. About three enrolments per date; every seventh date is full, with a
waiting list.
"""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tests.bench import BenchError

DATES_PER_SERIES = 10
PEOPLE = 3000
FIRMS = 50
CAPACITY = 12
TOPICS = (
    ("Robotik", "Cobots und Industrieroboter sicher programmieren"),
    ("3D-Druck", "Additive Fertigung vom Modell bis zum Bauteil"),
    ("Digitale Lerneinheiten", "Lernvideos und Anleitungen selbst erstellen"),
    ("Instandhaltung", "Vorausschauende Wartung mit Sensordaten"),
    ("Schweißtechnik", "Schweißroboter einrichten und prüfen"),
    ("Qualitätssicherung", "Messtechnik und Prüfpläne in der Serienfertigung"),
    ("Lean Management", "Abläufe verbessern und Verschwendung vermeiden"),
    ("Arbeitssicherheit", "Gefährdungsbeurteilung an Maschinen"),
    ("CNC-Technik", "Fräsen und Drehen mit modernen Steuerungen"),
    ("Energieeffizienz", "Druckluft, Wärme und Strom im Betrieb sparen"),
    ("IT-Sicherheit", "Produktionsnetze gegen Angriffe schützen"),
    ("Führung", "Teams in der Fertigung führen und entwickeln"),
)
DISTRICTS = (
    "Reutlingen",
    "Tübingen",
    "Esslingen",
    "Böblingen",
    "Zollernalbkreis",
    "Sigmaringen",
    "Ludwigsburg",
    "Rems-Murr-Kreis",
    "Göppingen",
    "Alb-Donau-Kreis",
)
FORMATS = ("presence", "presence", "online", "hybrid")


class CatalogueData:
    def __init__(self):
        self.series_count = 0
        self.timings = {}

    def grow(self, *, series):
        """Add series (each with its dates and enrolments) until there are `series`."""
        from workshops.services import catalogue

        if series <= self.series_count:
            return
        started = time.perf_counter()
        if self.series_count == 0:
            self._base()
        new_series = self._series(range(self.series_count, series))
        date_ids = self._dates(new_series)
        catalogue.refresh_dates(date_ids)
        self.series_count = series
        self.timings[series] = time.perf_counter() - started

    # --- What every size shares --------------------------------------------------------------

    def _base(self):
        from cms.models import (
            FundingProgrammeIndexPage,
            FundingProgrammePage,
            HomePage,
            Topic,
            WorkshopSeriesIndexPage,
        )
        from members.models import District, Firm, Person

        home = HomePage.objects.order_by("path").first()
        if home is None:
            raise BenchError("Die Wegwerf-Datenbank hat keine Startseite.")
        self.index = home.add_child(
            instance=WorkshopSeriesIndexPage(title="Workshops", slug="workshops")
        )
        self.topics = [
            Topic.objects.create(name=name, slug=f"thema-{n}", description=text)
            for n, (name, text) in enumerate(TOPICS)
        ]
        self.districts = [
            District.objects.create(name=name, slug=f"kreis-{n}")
            for n, name in enumerate(DISTRICTS)
        ]
        funding_index = home.add_child(
            instance=FundingProgrammeIndexPage(title="Förderprogramme", slug="foerderung")
        )
        self.programmes = [
            funding_index.add_child(
                instance=FundingProgrammePage(
                    title=f"Förderprogramm {n}",
                    teaser="Zuschuss zu Weiterbildungskosten.",
                    benefit_summary="50 % der Kurskosten",
                    applicant="Beschäftigte",
                    legal_source="Richtlinie",
                    valid_from=date(2024, 1, 1),
                    checked_on=date(2026, 1, 1),
                )
            )
            for n in range(3)
        ]
        firms = Firm.objects.bulk_create(
            Firm(
                name=f"Bench-Firma {n} GmbH",
                district=self.districts[n % len(self.districts)],
                legal_form=Firm.LegalForm.GMBH,
                sector=Firm.Sector.C,
                employee_count=50 + n,
                street="Industriestraße 1",
                postal_code="72764",
                city="Reutlingen",
                status=Firm.Status.ACTIVE,
            )
            for n in range(FIRMS)
        )
        self.people = Person.objects.bulk_create(
            (
                Person(
                    firm=firms[n % FIRMS],
                    first_name="Beschäftigte",
                    last_name=f"Nr. {n}",
                    email=f"person{n}@bench.example",
                )
                for n in range(PEOPLE)
            ),
            batch_size=1000,
        )

    # --- Series -------------------------------------------------------------------------------

    def _series(self, numbers):
        """Published series pages, written as an import would: the page rows in bulk at
        the paths the page tree would give them, then each page's own row."""
        import uuid

        from django.contrib.contenttypes.models import ContentType
        from django.db.models import F
        from wagtail.models import Page

        from cms.models import WorkshopSeriesPage

        index = Page.objects.get(pk=self.index.pk)
        content_type = ContentType.objects.get_for_model(WorkshopSeriesPage)
        now = timezone.now()
        pages = []
        for offset, n in enumerate(numbers, start=1):
            topic_name, teaser = TOPICS[n % len(TOPICS)]
            title = f"{topic_name} kompakt {n}"
            slug = f"reihe-{n}"
            pages.append(
                WorkshopSeriesPage(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    path=Page._get_path(index.path, index.depth + 1, index.numchild + offset),
                    depth=index.depth + 1,
                    numchild=0,
                    url_path=f"{index.url_path}{slug}/",
                    content_type=content_type,
                    locale_id=index.locale_id,
                    translation_key=uuid.uuid4(),
                    live=True,
                    first_published_at=now,
                    last_published_at=now,
                    teaser=f"{teaser}. Praxisnah für kleine und mittlere Unternehmen.",
                    topic=self.topics[n % len(self.topics)],
                    target_group="Fachkräfte aus Fertigung und Instandhaltung",
                    format=FORMATS[n % len(FORMATS)],
                    duration_hours=Decimal("7.0"),
                    price_member=Decimal("0.00") if n % 3 else Decimal("90.00"),
                    price_non_member=Decimal("290.00"),
                )
            )
        page_fields = [
            field.attname for field in Page._meta.concrete_fields if field.attname != "id"
        ]
        with transaction.atomic():
            rows = Page.objects.bulk_create(
                [Page(**{name: getattr(page, name) for name in page_fields}) for page in pages],
                batch_size=1000,
            )
            for page, row in zip(pages, rows, strict=True):
                page.page_ptr_id = page.pk = row.pk
                # Only the series' own table: the page row above is its parent.
                page.save_base(raw=True, force_insert=True)
            Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + len(pages))
            through = WorkshopSeriesPage.funding_programmes.through
            through.objects.bulk_create(
                through(
                    workshopseriespage_id=page.pk,
                    fundingprogrammepage_id=self.programmes[n % len(self.programmes)].pk,
                )
                for n, page in zip(numbers, pages, strict=True)
                if n % 5 == 0
            )
        return pages

    # --- Dates, parts and enrolments ------------------------------------------------------------

    def _dates(self, series_list):
        from workshops.models import DatePart, Enrolment, WorkshopDate

        today = timezone.localdate()
        berlin = timezone.get_current_timezone()
        dates, starts = [], []
        for series in series_list:
            for k in range(DATES_PER_SERIES):
                number = series.pk * DATES_PER_SERIES + k
                day = today + timedelta(days=2 + number % 540)
                start = datetime.combine(day, clock(9), tzinfo=berlin)
                district = self.districts[number % len(self.districts)]
                dates.append(
                    WorkshopDate(
                        series=series,
                        status=WorkshopDate.Status.OPEN,
                        capacity=CAPACITY,
                        firm_limit=4,
                        enrolment_deadline=start - timedelta(days=1),
                        cancellation_deadline=start - timedelta(days=1),
                        venue_name="Technologiezentrum",
                        venue_street="Gutenbergstraße 5",
                        venue_postal_code="72764",
                        venue_city=district.name,
                        district=district,
                    )
                )
                starts.append(start)
        with transaction.atomic():
            dates = WorkshopDate.objects.bulk_create(dates, batch_size=1000)
            parts = []
            for date, start in zip(dates, starts, strict=True):
                parts.append(
                    DatePart(date=date, starts_at=start, ends_at=start + timedelta(hours=7))
                )
                if date.pk % 4 == 0:  # some dates have a second part a week later
                    later = start + timedelta(days=7)
                    parts.append(
                        DatePart(date=date, starts_at=later, ends_at=later + timedelta(hours=4))
                    )
            DatePart.objects.bulk_create(parts, batch_size=2000)
            enrolments = []
            for date in dates:
                full = date.pk % 7 == 0
                seats = CAPACITY if full else date.pk % 4
                waiting = 2 if full else 0
                for k in range(seats + waiting):
                    enrolments.append(
                        Enrolment(
                            date=date,
                            person=self.people[(date.pk * 13 + k) % PEOPLE],
                            status=Enrolment.Status.CONFIRMED
                            if k < seats
                            else Enrolment.Status.WAITLISTED,
                        )
                    )
            Enrolment.objects.bulk_create(enrolments, batch_size=2000)
        return [date.pk for date in dates]
