"""Dates and times as readers see them on the site, in emails and in documents, and the
language the editorial content is written in."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

WEEKDAYS = [
    pgettext_lazy("Wochentag, abgekürzt", "Mo."),
    pgettext_lazy("Wochentag, abgekürzt", "Di."),
    pgettext_lazy("Wochentag, abgekürzt", "Mi."),
    pgettext_lazy("Wochentag, abgekürzt", "Do."),
    pgettext_lazy("Wochentag, abgekürzt", "Fr."),
    pgettext_lazy("Wochentag, abgekürzt", "Sa."),
    pgettext_lazy("Wochentag, abgekürzt", "So."),
]


def _weekday(moment):
    return str(WEEKDAYS[moment.weekday()])


def time_span(part):
    """`Mo., 12.01.2027, 09:00–12:30 Uhr` for anything with starts_at and ends_at."""
    start = timezone.localtime(part.starts_at)
    end = timezone.localtime(part.ends_at)
    if start.date() == end.date():
        text = f"{_weekday(start)}, {start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M}"
    else:
        text = (
            f"{_weekday(start)}, {start:%d.%m.%Y}, {start:%H:%M} – "
            f"{_weekday(end)}, {end:%d.%m.%Y}, {end:%H:%M}"
        )
    # Translators: a time span such as "Mo., 12.01.2027, 09:00–12:30" followed by the clock word.
    return _("%(span)s Uhr") % {"span": text}


def day(moment):
    """`Mo., 12.01.2027`"""
    moment = timezone.localtime(moment)
    return f"{_weekday(moment)}, {moment:%d.%m.%Y}"


def content_language():
    """Language of the editorial content, which may differ from the interface language."""
    languages = getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None)
    return languages[0][0] if languages else settings.LANGUAGE_CODE
