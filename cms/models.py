from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import RICH_TEXT_FEATURES, BodyBlock


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
        "wagtailcore.Page", verbose_name=_("Impressum"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("Datenschutzerklärung"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("Erklärung zur Barrierefreiheit"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("office_name"), FieldPanel("organisation"), FieldPanel("street"),
             FieldPanel("postal_code"), FieldPanel("city"), FieldPanel("phone"),
             FieldPanel("email")],
            heading=_("Kontakt"),
        ),
        MultiFieldPanel(
            [FieldPanel("linkedin_url"), FieldPanel("mastodon_url")],
            heading=_("Soziale Netzwerke"),
        ),
        MultiFieldPanel(
            [FieldPanel("imprint_page"), FieldPanel("privacy_page"),
             FieldPanel("accessibility_page")],
            heading=_("Pflichtseiten im Fußbereich"),
        ),
    ]

    class Meta:
        verbose_name = _("Koordinierungsstelle")


@register_snippet
class Topic(index.Indexed, models.Model):
    """A subject area (Robotik, 3D-Druck, ...) that offers and advice are grouped by."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HomePage(Page):
    intro = RichTextField(_("Einleitung"), features=RICH_TEXT_FEATURES, blank=True)
    firm_cta_title = models.CharField(
        _("Aufruf an Unternehmen: Titel"), max_length=150, blank=True
    )
    firm_cta_text = RichTextField(
        _("Aufruf an Unternehmen: Text"), features=RICH_TEXT_FEATURES, blank=True
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("firm_cta_title"), FieldPanel("firm_cta_text")],
            heading=_("Aufruf an Unternehmen"),
        ),
        FieldPanel("body"),
    ]
    subpage_types = ["cms.StandardPage", "cms.WorkshopSeriesIndexPage"]
    max_count = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("Startseite")

    def get_context(self, request, *args, **kwargs):
        from workshops.models import WorkshopDate

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_dates"] = WorkshopDate.objects.public_upcoming()[:6]
        context["topics"] = Topic.objects.all()
        return context


class StandardPage(Page):
    """A plain content page: Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache, ..."""

    intro = models.TextField(_("Kurzbeschreibung"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["cms.StandardPage"]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("Inhaltsseite")


class WorkshopSeriesIndexPage(Page):
    intro = RichTextField(_("Einleitung"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.WorkshopSeriesPage"]
    template = "cms/workshop_series_index_page.html"

    class Meta:
        verbose_name = _("Übersicht Workshopreihen")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["series_list"] = (
            WorkshopSeriesPage.objects.child_of(self).live().select_related("topic")
        )
        return context


class WorkshopSeriesPage(Page):
    class Format(models.TextChoices):
        PRESENCE = "presence", _("Präsenz")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    teaser = models.TextField(_("Kurzbeschreibung"), max_length=400)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Beschreibung"))
    topic = models.ForeignKey(
        Topic, verbose_name=_("Thema"), on_delete=models.PROTECT, related_name="series"
    )
    target_group = models.CharField(_("Zielgruppe"), max_length=300)
    prerequisites = models.TextField(_("Voraussetzungen"), blank=True)
    learning_outcomes = RichTextField(
        _("Lernziele"), features=RICH_TEXT_FEATURES, blank=True
    )
    format = models.CharField(
        _("Format"), max_length=10, choices=Format.choices, default=Format.PRESENCE
    )
    language = models.CharField(
        _("Sprache"), max_length=5, choices=[("de", "Deutsch"), ("en", "Englisch")],
        default="de",
    )
    duration_hours = models.DecimalField(_("Dauer in Stunden"), max_digits=5, decimal_places=1)
    price_member = models.DecimalField(
        _("Preis für Mitglieder (EUR)"), max_digits=8, decimal_places=2, default=0
    )
    price_non_member = models.DecimalField(
        _("Preis für Nichtmitglieder (EUR)"), max_digits=8, decimal_places=2, default=0
    )
    trainer = models.CharField(_("Trainer/in"), max_length=200, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("Bild"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("teaser"),
        FieldPanel("topic"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("target_group"), FieldPanel("prerequisites"),
             FieldPanel("learning_outcomes")],
            heading=_("Zielgruppe und Lernziele"),
        ),
        MultiFieldPanel(
            [FieldPanel("format"), FieldPanel("language"), FieldPanel("duration_hours"),
             FieldPanel("price_member"), FieldPanel("price_non_member"), FieldPanel("trainer")],
            heading=_("Rahmen"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("teaser"),
        index.SearchField("body"),
        index.SearchField("target_group"),
        index.FilterField("format"),
        index.RelatedFields("topic", [index.SearchField("name")]),
    ]
    parent_page_types = ["cms.WorkshopSeriesIndexPage"]
    subpage_types = []
    template = "cms/workshop_series_page.html"

    class Meta:
        verbose_name = _("Workshopreihe")
        verbose_name_plural = _("Workshopreihen")

    def get_context(self, request, *args, **kwargs):
        from workshops.models import WorkshopDate

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_dates"] = WorkshopDate.objects.public_upcoming().filter(series=self)
        return context
