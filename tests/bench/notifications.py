"""Measure how fast the outbox delivers reminders through the real worker and broker.

    python -m tests.bench.notifications --count 10000 [--concurrency 2] [--workers 1]
        [--redis-url redis://…] [--timeout 1800]

In a scratch database (PostgreSQL: a new database next to the configured one, dropped
afterwards; SQLite: a temporary file) the benchmark creates --count confirmed seats on one
workshop date and a due reminder for each, starts real Celery worker processes against
Redis, lets the sweeper hand the reminders over, and waits until every row is marked
sent. The mail goes to an SMTP sink in this process (aiosmtpd, from the dev extra).

It prints reminders per second, the sink's own ceiling (same-sized messages sent
directly over one SMTP connection, measured in the same run) and their ratio.
"""

import argparse
import logging
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from tests.bench import BenchError, run

CEILING_MESSAGES = 2000
HEADER = re.compile(rb"^X-Verbund-Notification: *(\d+)", re.MULTILINE)


class CountingSink:
    """An SMTP server that accepts everything and counts copies per outbox row."""

    def __init__(self):
        self.lock = threading.Lock()
        self.total = 0
        self.rows = {}
        self.controller = None
        self.port = None

    async def handle_DATA(self, server, session, envelope):
        match = HEADER.search(envelope.content)
        with self.lock:
            self.total += 1
            if match:
                key = match.group(1)
                self.rows[key] = self.rows.get(key, 0) + 1
        return "250 Message accepted"

    def start(self):
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()

    def reset(self):
        with self.lock:
            self.total = 0
            self.rows = {}


DESCRIPTION = (
    "Stellt N fällige Erinnerungen in einer Wegwerf-Datenbank über echte Worker und "
    "Redis an einen lokalen SMTP-Server zu und gibt Erinnerungen pro Sekunde, die "
    "Obergrenze des SMTP-Servers und ihr Verhältnis aus."
)


def parser():
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.notifications", description=DESCRIPTION
    )
    parser.add_argument(
        "--count", type=int, default=10000, help="Anzahl der Erinnerungen (Standard: 10000)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=2, help="Prozesse je Worker (Standard: 2)"
    )
    parser.add_argument("--workers", type=int, default=1, help="Anzahl der Worker (Standard: 1)")
    parser.add_argument(
        "--redis-url",
        default="",
        help="Redis für die Warteschlange (Standard: REDIS_URL oder redis://127.0.0.1:6379/0)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=1800,
        help="Höchstens so viele Sekunden auf die Zustellung warten",
    )
    return parser


def main(argv=None):
    options = parser().parse_args(argv)
    NotificationBench().run(
        count=options.count,
        concurrency=options.concurrency,
        workers=options.workers,
        redis_url=options.redis_url,
        timeout=options.timeout,
    )


class NotificationBench:
    def run(self, *, count, concurrency, workers, redis_url, timeout):
        if count < 1:
            raise BenchError("--count muss mindestens 1 sein.")
        redis_url = redis_url or default_redis_url()
        self.check_redis(redis_url)
        try:
            import aiosmtpd  # noqa: F401
        except ImportError:
            raise BenchError(
                "aiosmtpd fehlt: bitte die Entwicklungsabhängigkeiten installieren "
                "(pip install -e '.[dev]')."
            ) from None

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's chatter
        queue = f"bench-{uuid.uuid4().hex[:10]}"
        sink = CountingSink()
        processes = []
        logs = Path(tempfile.mkdtemp(prefix="verbund-bench-logs-"))
        with self.scratch_database() as database_url:
            print(f"Lege {count} fällige Erinnerungen an …")
            first_pk = self.create_reminders(count)
            sink.start()
            try:
                ceiling = self.measure_sink(sink, first_pk, min(count, CEILING_MESSAGES))
                sink.reset()
                for number in range(workers):
                    processes.append(
                        self.start_worker(
                            number, logs, database_url, redis_url, queue, sink.port, concurrency
                        )
                    )
                elapsed = self.deliver(count, redis_url, queue, sink, processes, timeout)
            finally:
                for process, _log in processes:
                    self.stop_worker(process)
                sink.stop()
                self.drop_queue(redis_url, queue)
                # An error above has quoted the worker's log already.
                shutil.rmtree(logs, ignore_errors=True)
        copies = sum(sink.rows.values())
        if copies != count or len(sink.rows) != count:
            raise BenchError(
                f"Fehler: {len(sink.rows)} verschiedene Erinnerungen und {copies} Kopien "
                f"angekommen, erwartet je {count}."
            )
        rate = count / elapsed
        print(
            f"{count} Erinnerungen in {elapsed:.1f} s zugestellt (Worker: {workers} × "
            f"{concurrency} Prozesse), jede genau einmal.\n"
            f"Erinnerungen pro Sekunde:        {rate:8.1f}\n"
            f"SMTP-Senke allein (pro Sekunde): {ceiling:8.1f}\n"
            f"Verhältnis:                      {rate / ceiling:8.3f}"
        )

    # --- Services ---------------------------------------------------------------------------

    def check_redis(self, url):
        try:
            _ping(url)
        except Exception as exc:
            raise BenchError(
                f"Redis unter {url} ist nicht erreichbar ({exc}). Der Benchmark braucht "
                "einen laufenden Redis-Server (--redis-url oder REDIS_URL)."
            ) from exc

    def drop_queue(self, url, queue):
        import redis

        client = redis.Redis.from_url(url)
        client.delete(queue)

    # --- Scratch database -------------------------------------------------------------------

    def scratch_database(self):
        connection = connections["default"]
        if connection.vendor == "postgresql":
            return _PostgresScratch(connection, self)
        if connection.vendor == "sqlite":
            return _SqliteScratch(connection, self)
        raise BenchError(f"Datenbank {connection.vendor} wird nicht unterstützt.")

    # --- Data -------------------------------------------------------------------------------

    def create_reminders(self, count):
        from cms.models import HomePage, Topic, WorkshopSeriesIndexPage, WorkshopSeriesPage
        from members.models import District, Firm, Person
        from tasks.models import Notification
        from tasks.services import outbox
        from workshops.models import DatePart, Enrolment, WorkshopDate
        from workshops.services.notifications import Kind

        home = HomePage.objects.order_by("path").first()
        if home is None:
            raise BenchError("Die Wegwerf-Datenbank hat keine Startseite.")
        index = home.add_child(
            instance=WorkshopSeriesIndexPage(title="Workshops", slug="workshops")
        )
        topic = Topic.objects.create(name="Robotik", slug="robotik")
        series = index.add_child(
            instance=WorkshopSeriesPage(
                title="Einstieg in die Robotik",
                slug="einstieg-robotik",
                topic=topic,
                teaser="Roboter sicher programmieren.",
                target_group="Fachkräfte",
                format=WorkshopSeriesPage.Format.PRESENCE,
                duration_hours=Decimal("7.0"),
                price_member=Decimal("0.00"),
                price_non_member=Decimal("290.00"),
            )
        )
        district = District.objects.create(name="Landkreis Reutlingen", slug="reutlingen")
        firm = Firm.objects.create(
            name="Kessler Feinmechanik",
            district=district,
            legal_form=Firm.LegalForm.GMBH,
            sector=Firm.Sector.C,
            employee_count=120,
            street="Industriestraße 1",
            postal_code="72764",
            city="Reutlingen",
            status=Firm.Status.ACTIVE,
        )
        starts = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        date = WorkshopDate.objects.create(
            series=series,
            status=WorkshopDate.Status.OPEN,
            capacity=count,
            enrolment_deadline=starts,
            cancellation_deadline=starts,
            venue_name="Technologiezentrum",
            venue_street="Gutenbergstraße 5",
            venue_postal_code="72764",
            venue_city="Reutlingen",
        )
        DatePart.objects.create(date=date, starts_at=starts, ends_at=starts + timedelta(hours=7))
        people = Person.objects.bulk_create(
            (
                Person(
                    firm=firm,
                    first_name="Teilnehmerin",
                    last_name=f"Nr. {n}",
                    email=f"teilnehmer{n}@kessler.example",
                )
                for n in range(count)
            ),
            batch_size=2000,
        )
        enrolments = Enrolment.objects.bulk_create(
            (
                Enrolment(date=date, person=person, status=Enrolment.Status.CONFIRMED)
                for person in people
            ),
            batch_size=2000,
        )
        due = timezone.now() - timedelta(seconds=1)
        kind = Kind.REMINDER
        version = f"1d-s{date.sequence}"
        rows = Notification.objects.bulk_create(
            (
                Notification(
                    kind=kind,
                    person=enrolment.person,
                    content_type=_content_type(enrolment),
                    object_id=enrolment.pk,
                    version=version,
                    language="de",
                    due_at=due,
                    key=outbox.make_key(
                        kind, person=enrolment.person, about=enrolment, version=version
                    ),
                )
                for enrolment in enrolments
            ),
            batch_size=2000,
        )
        return rows[0].pk

    # --- Measuring --------------------------------------------------------------------------

    def measure_sink(self, sink, sample_pk, messages):
        """Messages per second the sink takes over one connection, with a real reminder."""
        from tasks.models import Notification
        from tasks.services import render

        row = Notification.objects.select_related("person__user", "user").get(pk=sample_pk)
        message = render.build_message(row, row.person.email).message()
        raw = message.as_bytes(linesep="\r\n")  # what Django's SMTP backend sends
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=30) as smtp:
            started = time.perf_counter()
            for _ in range(messages):
                smtp.sendmail("buero@verbund.example", [row.person.email], raw)
            elapsed = time.perf_counter() - started
        if sink.total != messages:
            raise BenchError("Die SMTP-Senke hat nicht alle Testnachrichten angenommen.")
        print(f"SMTP-Senke: {messages} Nachrichten zu {len(raw)} Bytes in {elapsed:.2f} s")
        return messages / elapsed

    def deliver(self, count, redis_url, queue, sink, processes, timeout):
        from tasks.models import Notification
        from tasks.services import outbox
        from verbund.celery import app

        State = Notification.State
        with _publishing_to(app, redis_url, queue):
            for number, (process, log) in enumerate(processes):
                self.wait_ready(app, f"bench{number}-{queue}", process, log)
            started = time.perf_counter()
            outbox.sweep(limit=count)
            while True:
                states = dict(_state_counts(Notification))
                if states.get(State.SENT, 0) == count:
                    break
                if states.get(State.FAILED) or states.get(State.CANCELLED):
                    failed = Notification.objects.exclude(
                        state__in=[State.SENT, State.PENDING]
                    ).first()
                    raise BenchError(f"Zustellung fehlgeschlagen: {failed.last_error}")
                for process, log in processes:
                    if process.poll() is not None:
                        raise BenchError(f"Ein Worker hat sich beendet:\n{_tail(log)}")
                if time.perf_counter() - started > timeout:
                    raise BenchError(
                        f"Nach {timeout} s erst {states.get(State.SENT, 0)} von {count} "
                        "Erinnerungen zugestellt."
                    )
                time.sleep(0.05)
            return time.perf_counter() - started

    # --- Worker processes -------------------------------------------------------------------

    def start_worker(self, number, logs, database_url, redis_url, queue, smtp_port, concurrency):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CELERY_", "DATABASE_URL", "REDIS_URL", "EMAIL_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="verbund.settings",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            DEBUG="1" if settings.DEBUG else env.get("DEBUG", "0"),
        )
        log_path = logs / f"worker{number}.log"
        # The worker writes to its own copy of the file handle; ours is closed at once.
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "verbund",
                    "worker",
                    f"--concurrency={concurrency}",
                    f"--hostname=bench{number}-{queue}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=WARNING",
                    "-Q",
                    queue,
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return process, log_path

    def wait_ready(self, app, name, process, log_path, timeout=120):
        """Wait until the worker answers a ping, so its start-up is not measured."""
        deadline = time.monotonic() + timeout
        while not app.control.ping(destination=[f"{name}@{socket.gethostname()}"], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"Der Worker ist nicht gestartet:\n{_tail(log_path)}")

    def stop_worker(self, process):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def default_redis_url():
    return settings.REDIS_URL or "redis://127.0.0.1:6379/0"


def redis_answers(url):
    try:
        _ping(url)
    except Exception:
        return False
    return True


def _ping(url):
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


def _state_counts(model):
    from django.db.models import Count

    return model.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")


def _tail(path, characters=3000):
    return Path(path).read_text(errors="replace")[-characters:]


class _publishing_to:  # noqa: N801  (used like a function)
    """Point this process's Celery app at the bench's Redis queue for a while."""

    def __init__(self, app, url, queue):
        self.app = app
        self.changes = {
            "broker_url": url,
            "task_default_queue": queue,
            "broker_transport_options": {"visibility_timeout": 3600},
        }

    def _reset_pools(self):
        if self.app._pool is not None:
            self.app._pool.force_close_all()
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def __enter__(self):
        self.saved = {key: self.app.conf[key] for key in self.changes}
        self._reset_pools()
        self.app.conf.update(self.changes)

    def __exit__(self, *exc):
        self._reset_pools()
        self.app.conf.update(self.saved)


class _PostgresScratch:
    def __init__(self, connection, command):
        self.connection = connection
        self.command = command
        self.name = f"verbund_bench_{uuid.uuid4().hex[:10]}"

    def __enter__(self):
        from urllib.parse import quote

        self.original = self.connection.settings_dict["NAME"]
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.name}"')
        self._use(self.name)
        print(f"Wegwerf-Datenbank {self.name}: Migrationen …")
        call_command("migrate", verbosity=0, interactive=False)
        s = self.connection.settings_dict
        user = quote(s.get("USER") or "")
        password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
        credentials = f"{user}{password}@" if user else ""
        host = s.get("HOST") or "127.0.0.1"
        port = s.get("PORT") or 5432
        return f"postgres://{credentials}{host}:{port}/{self.name}"

    def _use(self, name):
        self.connection.close()
        self.connection.settings_dict["NAME"] = name

    def __exit__(self, *exc):
        self._use(self.original)
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class _SqliteScratch:
    def __init__(self, connection, command):
        self.connection = connection
        self.command = command

    def __enter__(self):
        self.original = self.connection.settings_dict["NAME"]
        self.folder = Path(tempfile.mkdtemp(prefix="verbund-bench-"))
        path = self.folder / "bench.sqlite3"
        self.connection.close()
        self.connection.settings_dict["NAME"] = str(path)
        print(f"Wegwerf-Datenbank {path}: Migrationen …")
        call_command("migrate", verbosity=0, interactive=False)
        return f"sqlite:///{path}"

    def __exit__(self, *exc):
        self.connection.close()
        self.connection.settings_dict["NAME"] = self.original
        shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":
    run(main)
