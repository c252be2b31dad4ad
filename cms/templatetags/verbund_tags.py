from django import template
from django.conf import settings

from cms import formatting
from cms.models import OfficeSettings

register = template.Library()


@register.filter
def time_span(part):
    """`Mo., 12.01.2027, 09:00–12:30 Uhr` for anything with starts_at and ends_at."""
    return formatting.time_span(part)


@register.filter
def day(moment):
    """`Mo., 12.01.2027`"""
    return formatting.day(moment)


@register.simple_tag(takes_context=True)
def footer_pages(context):
    request = context.get("request")
    if request is None:
        return []
    office = OfficeSettings.for_request(request)
    pages = [office.imprint_page, office.privacy_page, office.accessibility_page]
    return [page.specific for page in pages if page is not None and page.live]


@register.simple_tag
def content_language():
    """Language of the editorial content, which may differ from the interface language."""
    return formatting.content_language()


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
