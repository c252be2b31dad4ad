"""Workshop series and their overview."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES, BodyBlock
from cms.pages.topics import Topic
from workshops.models import WorkshopDate


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
    learning_outcomes = RichTextField(_("Lernziele"), features=RICH_TEXT_FEATURES, blank=True)
    format = models.CharField(
        _("Format"), max_length=10, choices=Format.choices, default=Format.PRESENCE
    )
    language = models.CharField(
        _("Sprache"),
        max_length=5,
        choices=[("de", "Deutsch"), ("en", "Englisch")],
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
        "wagtailimages.Image",
        verbose_name=_("Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    funding_programmes = ParentalManyToManyField(
        "cms.FundingProgrammePage",
        blank=True,
        related_name="series",
        verbose_name=_("passende Förderprogramme"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("teaser"),
        FieldPanel("topic"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("target_group"),
                FieldPanel("prerequisites"),
                FieldPanel("learning_outcomes"),
            ],
            heading=_("Zielgruppe und Lernziele"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("language"),
                FieldPanel("duration_hours"),
                FieldPanel("price_member"),
                FieldPanel("price_non_member"),
                FieldPanel("trainer"),
            ],
            heading=_("Rahmen"),
        ),
        FieldPanel("funding_programmes", widget=forms.CheckboxSelectMultiple),
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
        context = super().get_context(request, *args, **kwargs)
        upcoming = WorkshopDate.objects.public_upcoming()
        # A page previewed before its first save has no id and no dates yet.
        context["upcoming_dates"] = upcoming.filter(series=self) if self.pk else upcoming.none()
        return context
