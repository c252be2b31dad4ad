"""Every benchmark, one after the other (``make bench``).

    python -m tests.bench [--series 2000] [--seconds 6] [--events 200] [--rounds 3]
        [--count 300]

The catalogue benchmark builds its own data in a scratch database and needs wrk and
Redis; it is left out, with a note, when wrk is missing.

The calendar benchmark needs a published workshop series (``manage.py seed_demo``); the
notification benchmark needs Redis and is left out, with a note, when none answers.
"""

import argparse
import shutil

from tests.bench import calendar_feed, catalogue, notifications, run


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--events", type=int, default=200, help="Termine im Kalender-Feed")
    parser.add_argument("--rounds", type=int, default=3, help="Durchgänge des Kalender-Feeds")
    parser.add_argument("--count", type=int, default=300, help="Erinnerungen über den Worker")
    parser.add_argument("--series", type=int, default=2000, help="Reihen im großen Katalog")
    parser.add_argument("--seconds", type=int, default=6, help="Sekunden je Adresse")
    options = parser.parse_args(argv)

    print("Katalog:")
    if shutil.which("wrk") is None:
        print("  übersprungen: wrk fehlt (apt-get install wrk)")
    else:
        catalogue.main(
            [
                "--small",
                str(options.series // 10),
                "--large",
                str(options.series),
                "--seconds",
                str(options.seconds),
            ]
        )

    print("Kalender-Feed:")
    calendar_feed.main(["--events", str(options.events), "--rounds", str(options.rounds)])
    print("Erinnerungen:")
    redis_url = notifications.default_redis_url()
    if not notifications.redis_answers(redis_url):
        print(f"  übersprungen: kein Redis unter {redis_url} (REDIS_URL setzen)")
        return
    notifications.main(["--count", str(options.count), "--redis-url", redis_url])


if __name__ == "__main__":
    run(main)
