"""Settings for the test suite: the project's settings with local development defaults.

`make test` exports DEBUG=1 already; this makes a plain `pytest` behave the same (without
it, settings start with an empty SECRET_KEY and redirect every request to HTTPS).
Anything set in the environment still wins.
"""

import os

os.environ.setdefault("DEBUG", "1")

from verbund.settings import *  # noqa: E402, F403
