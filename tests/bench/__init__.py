"""Benchmarks, run as modules with the project's normal settings (not collected by pytest):

python -m tests.bench.calendar_feed [--events 1000] [--rounds 3]
python -m tests.bench.notifications --count 10000 [--concurrency 2] [--workers 1]
python -m tests.bench                  both with small sizes (``make bench``)
"""

import os
import sys


class BenchError(Exception):
    """Ends a benchmark with a message instead of figures."""


def run(main):
    """Set Django up with ``verbund.settings`` (or DJANGO_SETTINGS_MODULE) and run `main`;
    a BenchError ends the process with its message and exit status 1."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.settings")
    django.setup()
    try:
        main()
    except BenchError as error:
        sys.exit(str(error))
