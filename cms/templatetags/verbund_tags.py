from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

register = template.Library()

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


@register.filter
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


@register.simple_tag
def content_language():
    """Language of the editorial content, which may differ from the interface language."""
    languages = getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None)
    return languages[0][0] if languages else settings.LANGUAGE_CODE


@register.simple_tag(takes_context=True)
def nav_current(context, item):
    """Value for aria-current on a menu link: `page` for the page itself, `true` inside it."""
    page = context.get("page")
    if page is None or not hasattr(page, "url_path"):
        return ""
    if page.pk == item.pk:
        return "page"
    if page.url_path.startswith(item.url_path):
        return "true"
    return ""


@register.filter
def form_control(bound_field):
    """Render a form field's widget without a placeholder; the visible label is enough."""
    return bound_field.as_widget(attrs={"placeholder": False})


@register.simple_tag
def site_url():
    return settings.SITE_URL
