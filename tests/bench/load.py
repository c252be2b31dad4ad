"""A real HTTP load against a real server: gunicorn serving the project, wrk sending.

    with Server(database_url, redis_url, workers=2) as server:
        figures = hit(server.url("/angebote/"), seconds=8, clients=8)
        # {"rps": …, "p50_ms": …, "p95_ms": …, "requests": …, "errors": …}

wrk is Debian's package (``apt-get install wrk``; ``make system-packages`` installs it).
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.bench import BenchError

# wrk prints its own summary; this script adds one JSON line with what the table needs.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %f, "p50_us": %d, "p95_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(95), errors))
end
"""


ROTATION_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_wrk():
    if shutil.which("wrk") is None:
        raise BenchError(
            "wrk fehlt (Lastgenerator): apt-get install wrk, oder make system-packages."
        )


class Server:
    """gunicorn with the project's production settings (DEBUG off, static files from
    whitenoise) on a free local port, against the given database and Redis."""

    def __init__(self, database_url, redis_url, *, workers=2, page_cache=False):
        self.database_url = database_url
        self.redis_url = redis_url
        self.workers = workers
        self.page_cache = page_cache
        self.port = free_port()
        self.process = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def environment(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "REDIS_URL", "EMAIL_", "CELERY_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="verbund.settings",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=self.database_url,
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL=f"http://127.0.0.1:{self.port}",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            LOG_LEVEL="WARNING",
            PAGE_CACHE="1" if self.page_cache else "0",
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env

    def __enter__(self):
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed in __exit__)
            prefix="verbund-bench-gunicorn-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "verbund.wsgi",
                f"--workers={self.workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--worker-class=sync",
                "--log-level=warning",
            ],
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url("/healthz/live"), timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"gunicorn ist nicht gestartet:\n{self.tail()}")
            time.sleep(0.2)
        return self

    def tail(self, characters=3000):
        return Path(self.log.name).read_text(errors="replace")[-characters:]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def fetch(url):
    """One request; the status code and the body (to check a page answers at all)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def hit(url, *, seconds=8, clients=8, threads=2, paths=None):
    """wrk against one address (or, with `paths`, against these in turn on the same
    server); requests per second and latency percentiles."""
    require_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if paths:
            script.write(ROTATION_SCRIPT % ", ".join(json.dumps(path) for path in paths))
        script.write(WRK_SCRIPT)
    try:
        result = subprocess.run(  # noqa: S603  (fixed arguments)
            [
                "wrk",
                f"--threads={threads}",
                f"--connections={clients}",
                f"--duration={seconds}s",
                "--timeout=10s",
                f"--script={script.name}",
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 60,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((row for row in result.stdout.splitlines() if row.startswith("JSON ")), None)
    if line is None:
        raise BenchError(f"wrk hat keine Zahlen geliefert:\n{result.stdout}{result.stderr}")
    raw = json.loads(line[5:])
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / raw["seconds"],
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "errors": raw["errors"],
    }
