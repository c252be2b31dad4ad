"""Scratch databases for benchmarks: made, migrated, used and dropped by the benchmark.

    with scratch_database("catalogue") as url:   # postgres://…/verbund_bench_catalogue_…
        ...                                      # Django's default connection uses it

On PostgreSQL the database is created next to the configured one, named with the prefix
in BENCH_DB_PREFIX (default ``verbund_bench_``), and dropped afterwards even if it is
still in use. On SQLite a temporary file takes its place.
"""

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from django.db import connections

from tests.bench import BenchError

DEFAULT_PREFIX = "verbund_bench_"


def prefix():
    return os.environ.get("BENCH_DB_PREFIX") or DEFAULT_PREFIX


def database_url(settings_dict, name):
    user = quote(settings_dict.get("USER") or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name}"


@contextlib.contextmanager
def scratch_database(purpose, *, migrate=True):
    connection = connections["default"]
    original = connection.settings_dict["NAME"]

    def use(name):
        connection.close()
        connection.settings_dict["NAME"] = name

    if connection.vendor == "postgresql":
        name = f"{prefix()}{purpose}_{uuid.uuid4().hex[:8]}"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            use(name)
            if migrate:
                print(f"Wegwerf-Datenbank {name}: Migrationen …", flush=True)
                call_command("migrate", verbosity=0, interactive=False)
            yield database_url(connection.settings_dict, name)
        finally:
            use(original)
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif connection.vendor == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="verbund-bench-"))
        path = folder / f"{purpose}.sqlite3"
        try:
            use(str(path))
            if migrate:
                print(f"Wegwerf-Datenbank {path}: Migrationen …", flush=True)
                call_command("migrate", verbosity=0, interactive=False)
            yield f"sqlite:///{path}"
        finally:
            use(original)
            shutil.rmtree(folder, ignore_errors=True)
    else:
        raise BenchError(f"Datenbank {connection.vendor} wird nicht unterstützt.")
