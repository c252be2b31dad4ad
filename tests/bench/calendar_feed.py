"""Time how long a calendar client waits for a feed of many events.

    python -m tests.bench.calendar_feed [--events 1000] [--rounds 3]

The feed is fetched the way a calendar app fetches it: an HTTP GET of the series feed
through the whole request stack (middleware, queries, building, response). "Neu erzeugt"
is the first fetch after the dates changed (nothing cached), "aus dem Cache" the next
fetch of the unchanged feed. Each figure is the median of ``--rounds`` rounds; before
every round all dates are touched, so the cold fetch really builds the feed again.

The dates are created in a transaction that is rolled back afterwards, so the database
is left as it was (the cache keeps a few entries that nothing will ask for again). It needs
a published workshop series (``manage.py seed_demo``).
"""

import argparse
import statistics
import time
from datetime import timedelta
from urllib.parse import urlsplit

from tests.bench import BenchError, run

DESCRIPTION = (
    "Ruft einen Kalender-Feed mit N Terminen wie ein Kalenderprogramm ab und gibt die "
    "Dauer in Sekunden aus (neu erzeugt und aus dem Cache)."
)


class Rollback(Exception):
    pass


def parser():
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.calendar_feed", description=DESCRIPTION
    )
    parser.add_argument(
        "--events", type=int, default=1000, help="Anzahl der Termine im Feed (Standard: 1000)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Durchgänge; ausgegeben wird der Median (Standard: 3)",
    )
    return parser


def main(argv=None):
    options = parser().parse_args(argv)
    CalendarBench().run(options.events, options.rounds)


class CalendarBench:
    def run(self, events, rounds):
        from django.db import transaction

        from cms.models import WorkshopSeriesPage

        series = WorkshopSeriesPage.objects.live().order_by("pk").first()
        if series is None:
            raise BenchError(
                "Es gibt keine veröffentlichte Workshopreihe; bitte zuerst seed_demo ausführen."
            )
        try:
            with transaction.atomic():
                cold, warm, size, count = self.measure(series, events, max(rounds, 1))
                raise Rollback
        except Rollback:
            pass
        print(
            f"{events} Termine ({count} Ereignisse im Feed): {cold:.3f} s neu erzeugt, "
            f"{warm:.3f} s aus dem Cache, {size} Bytes"
        )

    def measure(self, series, count, rounds):
        from django.conf import settings
        from django.http.request import validate_host
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from workshops.models import DatePart, WorkshopDate

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
        ids = [date.pk for date in dates]
        site = urlsplit(settings.SITE_URL)
        host = site.netloc
        if not validate_host(site.hostname or "", settings.ALLOWED_HOSTS):
            host = next((name.lstrip(".") for name in settings.ALLOWED_HOSTS), "localhost")
        self.secure = site.scheme == "https" or settings.SECURE_SSL_REDIRECT
        client = Client(HTTP_HOST=host)
        url = reverse("calendar:series", kwargs={"page_id": series.pk})
        # A running site has its URLs and templates loaded already: fetch one file first.
        self.fetch(client, reverse("calendar:date", kwargs={"date_id": ids[0]}))

        cold, warm = [], []
        for _round in range(rounds):
            WorkshopDate.objects.filter(pk__in=ids).update(updated_at=timezone.now())
            for timings in (cold, warm):
                began = time.perf_counter()
                body = self.fetch(client, url)
                timings.append(time.perf_counter() - began)
        return (
            statistics.median(cold),
            statistics.median(warm),
            len(body),
            body.count(b"BEGIN:VEVENT"),
        )

    def fetch(self, client, url):
        response = client.get(url, secure=self.secure)
        if response.status_code != 200:
            raise BenchError(f"{url} antwortet mit {response.status_code}.")
        return response.content


if __name__ == "__main__":
    run(main)
