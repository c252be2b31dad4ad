"""Settings for the test suite: the project's settings with local development defaults.

`make test` exports DEBUG=1 already; this makes a plain `pytest` behave the same (without
it, settings start with an empty SECRET_KEY and redirect every request to HTTPS).
Anything set in the environment still wins.
"""

import os

os.environ.setdefault("DEBUG", "1")

from verbund.settings import *  # noqa: E402, F403

# On SQLite the tests use a database file, not memory: parallel writers then meet the same
# locking as the running site does (an in-memory database shared between threads locks
# whole tables instead and ignores the busy timeout).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
