"""The public catalogue under load: the offer finder, the API, the home page and a series
page at two sizes, each as a ratio to the same server's /healthz/live in the same run.

    python -m tests.bench.catalogue [--small 200] [--large 2000] [--seconds 6]
        [--clients 8] [--workers 2]

In a scratch database (tests/bench/scratch.py) it builds --small series with ten dates
each, measures, grows to --large series and measures again; then once more with the
site's own cache for anonymous pages, on a mix of all the addresses. gunicorn serves the
project with production settings; wrk sends the requests. Queries per request are counted
in this process with Django's test client.

The server's cache uses its own Redis database (BENCH_REDIS_URL, default the database 15
of REDIS_URL's server), which the benchmark empties before each round.
"""

import argparse
import os
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.bench import BenchError, run
from tests.bench.catalogue_data import CatalogueData
from tests.bench.load import Server, fetch, hit, require_wrk
from tests.bench.scratch import scratch_database

# What the issue asks of each address at the large size: the least ratio to the floor,
# and the most p95 in milliseconds (None: no latency target).
TARGETS = {
    "finder": (0.10, 150),
    "finder_filtered": (0.10, 150),
    "finder_text": (0.10, 150),
    "finder_page_50": (0.10, 150),
    "home": (0.10, 150),
    "api": (0.15, None),
    "api_page_100": (0.15, None),
    "series": (0.20, None),
}
GROWTH_LIMIT = 1.5  # time per request at the large size / at the small size
CACHED_TARGET = 0.5


def addresses():
    """{name: path} of what is measured; the series page is the first series'."""
    from cms.models import WorkshopSeriesPage

    series = WorkshopSeriesPage.objects.live().order_by("pk").first()
    return {
        "finder": "/angebote/",
        "finder_filtered": "/angebote/?topic=thema-0&format=presence&free_only=true",
        "finder_text": "/angebote/?q=Cobots+programmieren",
        "finder_page_50": "/angebote/?page=50",
        "home": "/",
        "api": "/api/v1/offers",
        "api_page_100": "/api/v1/offers?page=100",
        "series": urlsplit(series.url).path,
    }


def bench_redis_url():
    configured = os.environ.get("BENCH_REDIS_URL")
    if configured:
        return configured
    base = urlsplit(settings.REDIS_URL or "redis://127.0.0.1:6379/0")
    return urlunsplit(base._replace(path="/15"))


def empty_cache(url):
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except Exception as exc:
        raise BenchError(f"Redis unter {url} ist nicht erreichbar ({exc}).") from exc


def count_queries(paths):
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, path in paths.items():
        client.get(path, secure=True)  # the first request fills per-process caches (site root, ...)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        if response.status_code != 200:
            raise BenchError(f"{path} antwortet mit {response.status_code}.")
        counts[name] = len(queries)
    return counts


def measure_size(database_url, redis_url, paths, *, seconds, clients, workers):
    empty_cache(redis_url)
    with Server(database_url, redis_url, workers=workers) as server:
        for path in paths.values():
            status, _body = fetch(server.url(path))
            if status != 200:
                raise BenchError(f"{path} antwortet mit {status}:\n{server.tail()}")
        floor = hit(server.url("/healthz/live"), seconds=seconds, clients=clients)
        rows = {
            name: hit(server.url(path), seconds=seconds, clients=clients)
            for name, path in paths.items()
        }
        floor_after = hit(server.url("/healthz/live"), seconds=seconds, clients=clients)
    floor_rps = (floor["rps"] + floor_after["rps"]) / 2
    for figures in rows.values():
        figures["ratio"] = figures["rps"] / floor_rps
    return floor_rps, rows


def measure_cached_mix(database_url, redis_url, paths, *, seconds, clients, workers):
    """All pages in turn (the API is not a page and is not kept), with the site's page
    cache on: (floor, mix figures)."""
    paths = {name: path for name, path in paths.items() if not path.startswith("/api/")}
    empty_cache(redis_url)
    with Server(database_url, redis_url, workers=workers, page_cache=True) as server:
        for path in paths.values():
            fetch(server.url(path))
        floor = hit(server.url("/healthz/live"), seconds=seconds, clients=clients)
        mix = hit(server.url("/"), seconds=seconds, clients=clients, paths=paths.values())
    mix["ratio"] = mix["rps"] / floor["rps"]
    return floor["rps"], mix


def measure(*, small=200, large=2000, seconds=6, clients=8, workers=2):
    """Every figure of the catalogue benchmark, as a dict (see print_table)."""
    require_wrk()
    redis_url = bench_redis_url()
    empty_cache(redis_url)
    results = {"sizes": {}, "build_seconds": {}}
    with scratch_database("catalogue") as database_url:
        data = CatalogueData()
        for series in (small, large):
            print(f"Baue {series} Reihen mit je 10 Terminen …", flush=True)
            data.grow(series=series)
            from workshops.models import CatalogueEntry, Enrolment

            dates = CatalogueEntry.objects.count()
            paths = addresses()
            queries = count_queries(paths)
            print(f"Messe bei {dates} Terminen …", flush=True)
            floor, rows = measure_size(
                database_url, redis_url, paths, seconds=seconds, clients=clients, workers=workers
            )
            for name, count in queries.items():
                rows[name]["queries"] = count
            results["sizes"][dates] = {
                "floor": floor,
                "rows": rows,
                "enrolments": Enrolment.objects.count(),
            }
            results["build_seconds"][dates] = data.timings[series]
        print("Messe die Mischung mit Seiten-Cache …", flush=True)
        results["cached"] = measure_cached_mix(
            database_url, redis_url, paths, seconds=seconds, clients=clients, workers=workers
        )
        results["paths"] = paths
    return results


def verdicts(results):
    """{name: (ok, why)} for every target of the catalogue."""
    sizes = sorted(results["sizes"])
    small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
    found = {}
    for name, (least_ratio, most_p95) in TARGETS.items():
        row = large["rows"][name]
        growth = small["rows"][name]["ratio"] / row["ratio"]
        row["growth"] = growth
        ok = row["ratio"] >= least_ratio and growth <= GROWTH_LIMIT and not row["errors"]
        if most_p95 is not None:
            ok = ok and row["p95_ms"] <= most_p95
        flat = row["queries"] == small["rows"][name]["queries"]
        found[name] = ok and flat
    _floor, mix = results["cached"]
    found["cached_mix"] = mix["ratio"] >= CACHED_TARGET and not mix["errors"]
    return found


def print_table(results):
    sizes = sorted(results["sizes"])
    small, large = sizes[0], sizes[-1]
    ok = verdicts(results)
    print()
    print(
        f"Katalog: {large} Termine, {results['sizes'][large]['enrolments']} Anmeldungen; "
        f"Aufbau {results['build_seconds'][small]:.0f} s + {results['build_seconds'][large]:.0f} s"
    )
    print(f"Boden /healthz/live: {results['sizes'][large]['floor']:.0f} req/s")
    header = (
        f"{'Adresse':<58} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'Anteil':>7} "
        f"{'Ziel':>6} {'Abfr. ' + str(small):>11} {'Abfr. ' + str(large):>12} "
        f"{'Zeit x':>7}  "
    )
    print(header)
    print("-" * len(header))
    for name, path in results["paths"].items():
        row = results["sizes"][large]["rows"][name]
        target = TARGETS[name][0]
        print(
            f"{path:<58} {row['rps']:7.1f} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} "
            f"{row['ratio']:7.3f} {target:6.2f} "
            f"{results['sizes'][small]['rows'][name]['queries']:11d} {row['queries']:12d} "
            f"{row['growth']:7.2f}  {'ok' if ok[name] else 'VERFEHLT'}"
        )
    _floor, mix = results["cached"]
    print(
        f"{'Mischung aller Seiten, mit Seiten-Cache':<58} {mix['rps']:7.1f} "
        f"{mix['p50_ms']:7.1f} {mix['p95_ms']:7.1f} {mix['ratio']:7.3f} {CACHED_TARGET:6.2f} "
        f"{'':>11} {'':>12} {'':>7}  {'ok' if ok['cached_mix'] else 'VERFEHLT'}"
    )
    return all(ok.values())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.catalogue", description=__doc__)
    parser.add_argument("--small", type=int, default=200, help="Reihen der kleinen Größe")
    parser.add_argument("--large", type=int, default=2000, help="Reihen der großen Größe")
    parser.add_argument("--seconds", type=int, default=6, help="Sekunden je Adresse")
    parser.add_argument("--clients", type=int, default=8, help="gleichzeitige Verbindungen")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn-Worker")
    options = parser.parse_args(argv)
    results = measure(
        small=options.small,
        large=options.large,
        seconds=options.seconds,
        clients=options.clients,
        workers=options.workers,
    )
    print_table(results)


if __name__ == "__main__":
    run(main)
