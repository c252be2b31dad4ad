"""schema.org data (JSON-LD) for search engines and partner platforms.

The data is built as Python dicts and serialised with json.dumps; `<`, `>` and `&` are
written as \\u escapes so no text from the page can end the script element.
"""

import json

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cms.models import OfficeSettings, WorkshopSeriesPage
from verbund.links import absolute_url

register = template.Library()

SCHEMA = "https://schema.org"
COURSE_MODES = {
    WorkshopSeriesPage.Format.PRESENCE: "onsite",
    WorkshopSeriesPage.Format.ONLINE: "online",
    WorkshopSeriesPage.Format.HYBRID: "blended",
}
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data):
    """A <script type="application/ld+json"> element holding `data`."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    # Safe: json.dumps quotes every string and the escapes above remove < > &.
    return mark_safe(  # noqa: S308
        '<script type="application/ld+json">' + text.translate(_SCRIPT_ESCAPES) + "</script>"
    )


def _postal_address(street, postal_code, city):
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "postalCode": postal_code,
        "addressLocality": city,
        "addressCountry": "DE",
    }


def office_organization(office):
    data = {"@type": "Organization", "name": office.office_name, "url": settings.SITE_URL + "/"}
    if office.street:
        data["address"] = _postal_address(office.street, office.postal_code, office.city)
    if office.phone:
        data["telephone"] = office.phone
    if office.email:
        data["email"] = office.email
    return data


def _price(amount):
    return f"{amount:.2f}"


def course_instance(workshop_date, series, series_url):
    """One date of the series; needs a date from WorkshopDate.objects.public_upcoming()."""
    parts = list(workshop_date.parts.all())
    date_url = f"{series_url}#termin-{workshop_date.pk}"
    instance = {
        "@type": "CourseInstance",
        "courseMode": COURSE_MODES.get(series.format, "onsite"),
        "url": date_url,
    }
    if parts:
        instance["startDate"] = timezone.localtime(parts[0].starts_at).isoformat()
        instance["endDate"] = timezone.localtime(max(p.ends_at for p in parts)).isoformat()
    locations = []
    if series.format != WorkshopSeriesPage.Format.ONLINE and workshop_date.venue_city:
        locations.append(
            {
                "@type": "Place",
                "name": workshop_date.venue_name or workshop_date.venue_city,
                "address": _postal_address(
                    workshop_date.venue_street,
                    workshop_date.venue_postal_code,
                    workshop_date.venue_city,
                ),
            }
        )
    if series.format != WorkshopSeriesPage.Format.PRESENCE:
        # The access link is for confirmed participants only; the public gets the page.
        locations.append({"@type": "VirtualLocation", "url": date_url})
    if locations:
        instance["location"] = locations[0] if len(locations) == 1 else locations
    availability = "InStock" if workshop_date.free_seats else "SoldOut"
    instance["offers"] = [
        {
            "@type": "Offer",
            "name": name,
            "price": _price(amount),
            "priceCurrency": "EUR",
            "availability": f"{SCHEMA}/{availability}",
            "validThrough": timezone.localtime(workshop_date.enrolment_deadline).isoformat(),
            "url": date_url,
        }
        for name, amount in (
            (_("Preis für Mitglieder"), series.price_member),
            (_("Preis für Nichtmitglieder"), series.price_non_member),
        )
    ]
    return instance


def course_data(series, upcoming_dates, office):
    url = absolute_url(series.url)
    return {
        "@context": SCHEMA,
        "@type": "Course",
        "name": series.title,
        "description": series.teaser,
        "url": url,
        "inLanguage": series.language,
        "about": series.topic.name,
        "provider": office_organization(office),
        "hasCourseInstance": [course_instance(d, series, url) for d in upcoming_dates],
    }


def contact_point_data(point):
    data = {
        "@context": SCHEMA,
        "@type": ["Organization", "Place"],
        "name": point.title,
        "url": absolute_url(point.url),
        "address": _postal_address(point.street, point.postal_code, point.city),
        "parentOrganization": {"@type": "Organization", "name": point.organisation},
        "areaServed": point.district.name,
    }
    if point.phone:
        data["telephone"] = point.phone
    if point.email:
        data["email"] = point.email
    hours = point.opening_hours_lines()
    if hours:
        data["openingHours"] = hours
    topics = [topic.name for topic in point.topics.all()]
    if topics:
        data["knowsAbout"] = topics
    if point.contact_person:
        data["contactPoint"] = {
            "@type": "ContactPoint",
            "name": point.contact_person,
            **({"telephone": point.phone} if point.phone else {}),
        }
    return data


@register.simple_tag(takes_context=True)
def course_json_ld(context, series, upcoming_dates):
    office = OfficeSettings.for_request(context["request"])
    return json_ld_script(course_data(series, upcoming_dates, office))


@register.simple_tag
def contact_point_json_ld(point):
    return json_ld_script(contact_point_data(point))
