"""Time how long a calendar feed of many events takes to build.

The dates are created in a transaction that is rolled back afterwards, so the database
is left as it was.
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cms.models import WorkshopSeriesPage
from workshops.calendar import dates_for_calendar, feed_calendar
from workshops.models import DatePart, WorkshopDate


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Baut einen Kalender-Feed mit N Terminen und gibt die Dauer in Sekunden aus."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1000,
                            help="Anzahl der Termine im Feed (Standard: 1000)")

    def handle(self, *args, events, **options):
        series = WorkshopSeriesPage.objects.order_by("pk").first()
        if series is None:
            raise CommandError("Es gibt keine Workshopreihe; bitte zuerst seed_demo ausführen.")
        try:
            with transaction.atomic():
                cold, warm, size = self.measure(series, events)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(
            f"{events} Termine: {cold:.3f} s neu erzeugt, {warm:.3f} s aus dem Cache, "
            f"{size} Bytes"
        )

    def measure(self, series, count):
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        dates = WorkshopDate.objects.bulk_create(
            WorkshopDate(
                series=series,
                status=WorkshopDate.Status.OPEN,
                capacity=12,
                enrolment_deadline=start,
                cancellation_deadline=start,
                venue_name="Technologiezentrum",
                venue_city="Reutlingen",
            )
            for _ in range(count)
        )
        DatePart.objects.bulk_create(
            DatePart(
                date=date,
                starts_at=start + timedelta(days=index),
                ends_at=start + timedelta(days=index, hours=7),
            )
            for index, date in enumerate(dates)
        )
        # A running site has its URLs loaded already: build one small feed first.
        feed_calendar(dates_for_calendar(WorkshopDate.objects.filter(pk=dates[0].pk)), name="")
        ids = [date.pk for date in dates]
        timings = []
        for _round in ("cold", "warm"):
            began = time.perf_counter()
            queryset = dates_for_calendar(WorkshopDate.objects.filter(pk__in=ids))
            data = feed_calendar(queryset, name=f"Benchmark {start:%Y%m%d%H%M%S%f}")
            timings.append(time.perf_counter() - began)
        return timings[0], timings[1], len(data)
