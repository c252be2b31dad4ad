"""The demo network (Stuttgart region) that `manage.py seed_demo` creates.

Its texts and master data are the TOML files next to this module: network.toml (region,
office, accounts, firms and their people, topics, venues, contact points), workshops.toml
(workshop series, their planned and past dates), pages.toml (the site's pages) and
funding.toml (funding programmes). What depends on the day of the seed run or on pages
created on the way is filled in here: the texts' placeholders (see pages.toml); dates are
computed by seed_demo from the offsets in the files.
"""

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
# Whole amounts are integers in TOML; these fields of the models take Decimals.
DECIMAL_FIELDS = (
    "duration_hours",
    "price_member",
    "price_non_member",
    "min_duration",
    "max_duration",
    "max_amount",
)
MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def read(name):
    """One of the content files, with exact decimals."""
    with (FOLDER / f"{name}.toml").open("rb") as file:
        return tomllib.load(file, parse_float=Decimal)


def _with_decimals(spec):
    for field in DECIMAL_FIELDS:
        if isinstance(spec.get(field), int):
            spec[field] = Decimal(spec[field])
    return spec


_network = read("network")
_workshops = read("workshops")
_pages = read("pages")
_funding = read("funding")

DEMO_PASSWORD = _network["password"]
DISTRICTS = _network["districts"]
OFFICE = _network["office"]
STAFF = _network["staff"]
FIRMS = _network["firms"]
APPLICANT = _network["applicant"]
APPLICATION = _network["application"]
OPEN_INVITATION = _network["open_invitation"]
TOPICS = _network["topics"]
VENUES = _network["venues"]
ONLINE_URL = _network["online_url"]
TRAINER = _network["trainer"]
ADVISOR = _network["advisor"]
CONTACT_POINTS = _network["contact_points"]
ADVICE_REQUESTS = _network["advice_requests"]

SERIES = [_with_decimals(spec) for spec in _workshops["series"]]
PAST_DATES = _workshops["past_dates"]
TODAY_DATE = _workshops["today_date"]

WORKSHOP_INDEX = _pages["workshop_index"]
TOPIC_INDEX = _pages["topic_index"]
TOPIC_BODIES = _pages["topic_bodies"]
CONTACT_POINT_INDEX = _pages["contact_point_index"]
NEWS_INDEX = _pages["news_index"]
NEWS = _pages["news"]

FUNDING_CHECKED_ON = _funding["checked_on"]
FUNDING_INDEX = _funding["index"]
FUNDING_PROGRAMMES = [_with_decimals(spec) for spec in _funding["programmes"]]
SERIES_FUNDING = _funding["series_funding"]


def long_date(day: date) -> str:
    """`21. November 2026`"""
    return f"{day.day}. {MONTHS_DE[day.month - 1]} {day.year}"


def _filled(value, values):
    """A copy of `value` with the placeholders of its texts filled in."""
    if isinstance(value, str):
        return value.format_map(values)
    if isinstance(value, dict):
        return {key: _filled(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, values) for item in value]
    return value


def home_content(about_page_id, workshops_page_id):
    """The home page's texts, linking to the about page and the workshop index."""
    return _filled(
        _pages["home"],
        {**OFFICE, "about_page_id": about_page_id, "workshops_page_id": workshops_page_id},
    )


def standard_pages(today):
    """About us, imprint, privacy, accessibility and easy language, as of `today`."""
    values = {
        **OFFICE,
        "year": today.year,
        "month": MONTHS_DE[today.month - 1],
        "long_date": long_date(today),
    }
    return [_filled(page, values) for page in _pages["standard_pages"]]


def sign_language_page():
    """The page in Deutsche Gebärdensprache; the video and its captions come from
    demo_media/ (see members/management/commands/_demo_media.py)."""
    return _filled(_pages["sign_language_page"], OFFICE)
