"""The coordination office's site settings and the colour checks they use."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

DEFAULT_PRIMARY_COLOUR = "#0a5a70"
DEFAULT_ACCENT_COLOUR = "#e7f0f3"
colour_pattern = re.compile(r"^#[0-9a-fA-F]{6}$")
colour_validator = RegexValidator(
    colour_pattern, _("Bitte geben Sie die Farbe als #rrggbb an, z. B. #0a5a70.")
)


def _luminance(colour):
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    """The WCAG 2.1 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@register_setting(icon="home")
class OfficeSettings(BaseSiteSetting):
    """Contact details of the coordination office, shown in the footer and in emails."""

    office_name = models.CharField(
        _("Name der Koordinierungsstelle"), max_length=200, default="Weiterbildungsverbund"
    )
    organisation = models.CharField(_("Träger"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    mastodon_url = models.URLField(_("Mastodon"), blank=True)
    imprint_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Impressum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Datenschutzerklärung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Erklärung zur Barrierefreiheit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    easy_language_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Leichte Sprache"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sign_language_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Gebärdensprache"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Am besten als SVG; es steht im Kopf jeder Seite neben dem Namen."),
    )
    primary_colour = models.CharField(
        _("Hauptfarbe"),
        max_length=7,
        default=DEFAULT_PRIMARY_COLOUR,
        validators=[colour_validator],
        help_text=_(
            "Für Links, Schaltflächen und den Kopfbalken, z. B. #0a5a70. Sie muss "
            "sich von Weiß genug abheben (Kontrast mindestens 4,5 : 1)."
        ),
    )
    accent_colour = models.CharField(
        _("Akzentfarbe"),
        max_length=7,
        default=DEFAULT_ACCENT_COLOUR,
        validators=[colour_validator],
        help_text=_(
            "Für Flächen wie die Themenkacheln, z. B. #e7f0f3; dunkler Text muss "
            "darauf lesbar bleiben."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("office_name"),
                FieldPanel("organisation"),
                FieldPanel("street"),
                FieldPanel("postal_code"),
                FieldPanel("city"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading=_("Kontakt"),
        ),
        MultiFieldPanel(
            [FieldPanel("linkedin_url"), FieldPanel("mastodon_url")],
            heading=_("Soziale Netzwerke"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("imprint_page"),
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
            ],
            heading=_("Pflichtseiten im Fußbereich"),
        ),
        MultiFieldPanel(
            [FieldPanel("easy_language_page"), FieldPanel("sign_language_page")],
            heading=_("Leichte Sprache und Gebärdensprache (im Kopf jeder Seite)"),
        ),
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("primary_colour"), FieldPanel("accent_colour")],
            heading=_("Erscheinungsbild"),
        ),
    ]

    class Meta:
        verbose_name = _("Koordinierungsstelle")

    def clean(self):
        super().clean()
        errors = {}
        if (
            colour_pattern.fullmatch(self.primary_colour or "")
            and contrast(self.primary_colour, "#ffffff") < 4.5
        ):
            errors["primary_colour"] = _(
                "Diese Farbe hebt sich von Weiß nur im Verhältnis %(ratio)s : 1 ab; Text und "
                "Links brauchen mindestens 4,5 : 1. Bitte wählen Sie eine dunklere Farbe."
            ) % {"ratio": f"{contrast(self.primary_colour, '#ffffff'):.1f}".replace(".", ",")}
        if (
            colour_pattern.fullmatch(self.accent_colour or "")
            and contrast(self.accent_colour, "#1b2329") < 4.5
        ):
            errors["accent_colour"] = _(
                "Dunkler Text ist auf dieser Farbe schlecht lesbar (Kontrast unter 4,5 : 1). "
                "Bitte wählen Sie eine hellere Farbe."
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def for_default_site(cls):
        """The office's details outside a request (emails, calendar files, PDFs); unsaved
        defaults when no site exists yet."""
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site is not None else cls()
