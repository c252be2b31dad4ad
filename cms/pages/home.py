"""The home page, plain content pages and pages in sign language."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES, BodyBlock
from cms.pages.funding import FundingProgrammeIndexPage
from cms.pages.topics import NewsIndexPage, NewsPage, Topic, TopicPage
from workshops.models import CatalogueEntry, WorkshopDate


class HomePage(Page):
    intro = RichTextField(_("Einleitung"), features=RICH_TEXT_FEATURES, blank=True)
    firm_cta_title = models.CharField(_("Aufruf an Unternehmen: Titel"), max_length=150, blank=True)
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
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.WorkshopSeriesIndexPage",
        "cms.TopicIndexPage",
        "cms.FundingProgrammeIndexPage",
        "cms.ContactPointIndexPage",
        "cms.NewsIndexPage",
        "cms.SignLanguagePage",
    ]
    max_count = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("Startseite")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["upcoming_dates"] = WorkshopDate.objects.public_upcoming()[:6]
        context["catalogue_version"] = CatalogueEntry.objects.version()
        topic_pages = {page.topic_id: page for page in TopicPage.objects.live()}
        topics = list(Topic.objects.select_related("image"))
        for topic in topics:
            topic.topic_page = topic_pages.get(topic.pk)
        context["topics"] = topics
        context["latest_news"] = NewsPage.objects.live().order_by("-date", "-pk")[:3]
        context["news_index"] = NewsIndexPage.objects.live().first()
        context["funding_index"] = FundingProgrammeIndexPage.objects.live().first()
        return context


class StandardPage(Page):
    """A plain content page: Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache, ..."""

    intro = models.TextField(_("Kurzbeschreibung"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Inhalt"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.SignLanguagePage"]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("Inhaltsseite")


class SignLanguagePage(Page):
    """Information in Deutsche Gebärdensprache (DGS), as BITV 2.0 asks of a public body: a
    video served from this site (no external player), captions as WebVTT and the same
    content as a transcript to read."""

    intro = models.TextField(_("Kurzbeschreibung"), blank=True)
    video = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Video (MP4)"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Das Video als MP4-Datei (H.264)."),
    )
    video_webm = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Video (WebM, freiwillig)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Dasselbe Video als WebM; Browser wählen das Format, das sie abspielen."),
    )
    captions = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Untertitel (WebVTT)"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Eine .vtt-Datei mit den Untertiteln auf Deutsch."),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Vorschaubild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supplied_by = models.CharField(
        _("Wer das Video bereitstellt"),
        max_length=500,
        help_text=_("z. B. „Das Video stellt die Koordinierungsstelle bereit.“"),
    )
    transcript = RichTextField(_("Text zum Video (Transkript)"), features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("video"),
                FieldPanel("video_webm"),
                FieldPanel("captions"),
                FieldPanel("poster"),
                FieldPanel("supplied_by"),
            ],
            heading=_("Video"),
        ),
        FieldPanel("transcript"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("transcript")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = []
    template = "cms/sign_language_page.html"

    class Meta:
        verbose_name = _("Gebärdensprache")
        verbose_name_plural = _("Seiten in Gebärdensprache")

    def clean(self):
        super().clean()
        errors = {}
        for name, extensions, message in (
            ("video", (".mp4",), _("Bitte wählen Sie eine MP4-Datei.")),
            ("video_webm", (".webm",), _("Bitte wählen Sie eine WebM-Datei.")),
            ("captions", (".vtt",), _("Bitte wählen Sie eine WebVTT-Datei (.vtt).")),
        ):
            document = getattr(self, name, None) if getattr(self, f"{name}_id") else None
            if document is not None and not document.filename.lower().endswith(extensions):
                errors[name] = message
        if errors:
            raise ValidationError(errors)
