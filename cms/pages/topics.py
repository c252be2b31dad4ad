"""Topics (a snippet), the topic pages and the news."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cms.blocks import RICH_TEXT_FEATURES, BodyBlock
from workshops.models import WorkshopDate


@register_snippet
class Topic(index.Indexed, models.Model):
    """A subject area (Robotik, 3D-Druck, ...) that offers and advice are grouped by."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Bild für die Themenkachel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("image"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TopicIndexPage(Page):
    """The overview of all topics (/themen/)."""

    intro = RichTextField(_("Einleitung"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.TopicPage"]
    max_count = 1
    template = "cms/topic_index_page.html"

    class Meta:
        verbose_name = _("Übersicht Themen")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["topic_pages"] = (
            TopicPage.objects.child_of(self).live().select_related("topic").order_by("title")
        )
        return context


class TopicPage(Page):
    """One topic: what it is about, its workshop series and upcoming dates, its calendar feed."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("Thema"), on_delete=models.PROTECT, related_name="pages"
    )
    intro = models.TextField(_("Kurzbeschreibung"), max_length=400, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("topic"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.TopicIndexPage"]
    subpage_types = []
    template = "cms/topic_page.html"

    class Meta:
        verbose_name = _("Themenseite")
        verbose_name_plural = _("Themenseiten")

    def clean(self):
        super().clean()
        if self.topic_id and (
            TopicPage.objects.filter(topic_id=self.topic_id).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"topic": _("Für dieses Thema gibt es schon eine Themenseite.")})

    def get_context(self, request, *args, **kwargs):
        # The series pages refer to topics, so their module imports this one.
        from cms.pages.series import WorkshopSeriesPage

        context = super().get_context(request, *args, **kwargs)
        context["series_list"] = (
            WorkshopSeriesPage.objects.live().filter(topic_id=self.topic_id).order_by("title")
        )
        context["upcoming_dates"] = WorkshopDate.objects.public_upcoming().filter(
            series__topic_id=self.topic_id
        )[:12]
        return context


class NewsIndexPage(Page):
    """News of the network (/aktuelles/), newest first."""

    intro = RichTextField(_("Einleitung"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1
    template = "cms/news_index_page.html"

    class Meta:
        verbose_name = _("Übersicht Aktuelles")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        context["page_obj"] = Paginator(news, 20).get_page(request.GET.get("seite"))
        return context


class NewsPage(Page):
    date = models.DateField(_("Datum"), default=timezone.localdate)
    teaser = models.TextField(_("Kurzfassung"), max_length=400)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("Alternativtext des Bildes"),
        max_length=250,
        blank=True,
        help_text=_("Beschreibt das Bild für Menschen, die es nicht sehen. Leer = dekorativ."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("teaser"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Bild")),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("teaser"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []
    template = "cms/news_page.html"

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
