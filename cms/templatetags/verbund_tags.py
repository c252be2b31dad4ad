from django import template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

WEEKDAYS_DE = ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _weekday(moment):
    names = WEEKDAYS_EN if (get_language() or "de").startswith("en") else WEEKDAYS_DE
    return names[moment.weekday()]


@register.filter
def time_span(part):
    """`Mo., 12.01.2027, 09:00–12:30 Uhr` for anything with starts_at and ends_at."""
    start = timezone.localtime(part.starts_at)
    end = timezone.localtime(part.ends_at)
    suffix = _("Uhr")
    if start.date() == end.date():
        text = f"{_weekday(start)}, {start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M}"
    else:
        text = (
            f"{_weekday(start)}, {start:%d.%m.%Y}, {start:%H:%M} – "
            f"{_weekday(end)}, {end:%d.%m.%Y}, {end:%H:%M}"
        )
    return f"{text} {suffix}".strip()


@register.filter
def day(moment):
    """`Mo., 12.01.2027`"""
    moment = timezone.localtime(moment)
    return f"{_weekday(moment)}, {moment:%d.%m.%Y}"


@register.simple_tag(takes_context=True)
def footer_pages(context):
    from cms.models import OfficeSettings

    request = context.get("request")
    if request is None:
        return []
    office = OfficeSettings.for_request(request)
    pages = [office.imprint_page, office.privacy_page, office.accessibility_page]
    return [page.specific for page in pages if page is not None and page.live]
