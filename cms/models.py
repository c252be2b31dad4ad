import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from members.models import ADVISOR_GROUP

from .blocks import RICH_TEXT_FEATURES, BodyBlock

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
        from workshops.models import WorkshopDate

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_dates"] = WorkshopDate.objects.public_upcoming()[:6]
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
        from workshops.models import WorkshopDate

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
        from django.core.paginator import Paginator

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
        from workshops.models import WorkshopDate

        context = super().get_context(request, *args, **kwargs)
        upcoming = WorkshopDate.objects.public_upcoming()
        # A page previewed before its first save has no id and no dates yet.
        context["upcoming_dates"] = upcoming.filter(series=self) if self.pk else upcoming.none()
        return context


# --- Funding programmes (Förderprogramme) ---------------------------------------------------

FEDERAL_STATES = [
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("BE", "Berlin"),
    ("BB", "Brandenburg"),
    ("HB", "Bremen"),
    ("HH", "Hamburg"),
    ("HE", "Hessen"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("SH", "Schleswig-Holstein"),
    ("TH", "Thüringen"),
]
FEDERAL_STATE_NAMES = dict(FEDERAL_STATES)


class FederalStatesField(models.CharField):
    """A set of Bundesländer, stored as comma-separated codes ("BW,BY"), edited as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3 * len(FEDERAL_STATES))
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return [code for code in value if code]
        return [code.strip() for code in value.split(",") if code.strip()]

    def get_prep_value(self, value):
        return ",".join(self.to_python(value))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        unknown = [code for code in self.to_python(value) if code not in FEDERAL_STATE_NAMES]
        if unknown:
            raise ValidationError(
                _("Unbekanntes Bundesland: %(codes)s"), params={"codes": ", ".join(unknown)}
            )

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            label=self.verbose_name,
            help_text=self.help_text,
            required=not self.blank,
            choices=FEDERAL_STATES,
            widget=forms.CheckboxSelectMultiple,
        )


class FundingProgrammeIndexPage(Page):
    """The list of funding programmes, with the link to the funding check."""

    intro = RichTextField(_("Einleitung"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.FundingProgrammePage"]
    max_count = 1
    template = "cms/funding_programme_index_page.html"

    class Meta:
        verbose_name = _("Übersicht Förderprogramme")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = FundingProgrammePage.objects.child_of(self).live()
        return context


class FundingProgrammePage(Page):
    """One funding programme. Its rules are data the office edits; the funding check reads them.

    Nothing about a programme is hard-coded: rates per firm size, durations, AZAV, the
    qualification and age rules and the regions all come from these fields.
    """

    class DurationUnit(models.TextChoices):
        HOURS = "hours", _("Zeitstunden (60 Minuten)")
        TEACHING_UNITS = "teaching_units", _("Unterrichtseinheiten (45 Minuten)")

    teaser = models.TextField(_("Kurzbeschreibung"), max_length=400)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("Beschreibung"))
    benefit_summary = models.CharField(
        _("Was das Programm zahlt (kurz)"),
        max_length=300,
        help_text=_("z. B. „bis zu 100 % der Lehrgangskosten und bis zu 75 % Lohnzuschuss“"),
    )
    applicant = models.CharField(
        _("Wer beantragt"),
        max_length=200,
        help_text=_("z. B. „der Arbeitgeber bei der Agentur für Arbeit“"),
    )

    duration_unit = models.CharField(
        _("Einheit der Kursdauer"),
        max_length=16,
        choices=DurationUnit.choices,
        default=DurationUnit.HOURS,
    )
    min_duration = models.DecimalField(
        _("Mindestdauer des Kurses"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leer = keine Mindestdauer."),
    )
    min_duration_exclusive = models.BooleanField(
        _("Die Mindestdauer muss überschritten werden („mehr als“)"),
        default=False,
    )
    max_duration = models.DecimalField(
        _("Höchstdauer des Kurses"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leer = keine Höchstdauer."),
    )

    class Approval(models.TextChoices):
        NONE = "", _("keine Zulassung nötig")
        PROVIDER = "provider", _("der Bildungsträger")
        COURSE = "course", _("der Kurs (die Maßnahme)")
        BOTH = "both", _("Bildungsträger und Kurs")

    approval_required = models.CharField(
        _("Nach AZAV zugelassen sein müssen"),
        max_length=10,
        choices=Approval.choices,
        default=Approval.NONE,
        blank=True,
    )
    requires_vocational_qualification = models.BooleanField(
        _("Setzt einen Berufsabschluss voraus"), default=False
    )
    only_without_qualification = models.BooleanField(
        _("Nur für Personen ohne Berufsabschluss"),
        default=False,
        help_text=_("z. B. § 81 SGB III: Weiterbildung mit dem Ziel eines Berufsabschlusses."),
    )
    alternative_without_qualification = models.ForeignKey(
        "cms.FundingProgrammePage",
        verbose_name=_("Ohne Berufsabschluss stattdessen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Das Programm, auf das der Förder-Check Personen ohne Berufsabschluss "
            "hinweist, wenn dieses hier einen verlangt."
        ),
    )
    not_combinable_with = ParentalManyToManyField(
        "cms.FundingProgrammePage",
        verbose_name=_("Nicht zusammen mit"),
        blank=True,
        related_name="+",
        help_text=_(
            "Programme, die für dieselbe Person und denselben Kurs nicht zusätzlich gezahlt werden."
        ),
    )
    min_years_since_qualification = models.PositiveSmallIntegerField(
        _("Berufsabschluss liegt mindestens so viele Jahre zurück"),
        null=True,
        blank=True,
        help_text=_("Leer = keine Regel. Ein Wert setzt einen Berufsabschluss voraus."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("Mindestalter"), null=True, blank=True, help_text=_("Leer = kein Mindestalter.")
    )
    federal_states = FederalStatesField(
        _("Nur in diesen Bundesländern"),
        help_text=_("Keins angekreuzt = bundesweit."),
    )
    max_amount = models.DecimalField(
        _("Förderfähige Kosten höchstens (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
    )
    conditions = models.TextField(
        _("Weitere Voraussetzungen"),
        blank=True,
        help_text=_("Eine je Zeile. Der Förder-Check nennt sie als „noch zu klären“."),
    )

    legal_source = models.CharField(_("Rechtsgrundlage / Quelle"), max_length=300)
    source_url = models.URLField(_("Link zur Quelle"), blank=True)
    valid_from = models.DateField(_("gilt ab"))
    valid_until = models.DateField(
        _("gilt bis"), null=True, blank=True, help_text=_("Leer = unbefristet.")
    )
    checked_on = models.DateField(_("zuletzt geprüft am"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("teaser"),
        MultiFieldPanel(
            [FieldPanel("benefit_summary"), FieldPanel("applicant")],
            heading=_("Leistung und Antrag"),
        ),
        InlinePanel(
            "rates",
            heading=_("Fördersätze nach Unternehmensgröße"),
            label=_("Fördersatz"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("duration_unit"),
                FieldPanel("min_duration"),
                FieldPanel("min_duration_exclusive"),
                FieldPanel("max_duration"),
                FieldPanel("approval_required"),
                FieldPanel("requires_vocational_qualification"),
                FieldPanel("only_without_qualification"),
                FieldPanel("alternative_without_qualification"),
                FieldPanel("not_combinable_with", widget=forms.CheckboxSelectMultiple),
                FieldPanel("min_years_since_qualification"),
                FieldPanel("min_age"),
                FieldPanel("federal_states"),
                FieldPanel("max_amount"),
                FieldPanel("conditions"),
            ],
            heading=_("Regeln für den Förder-Check"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("legal_source"),
                FieldPanel("source_url"),
                FieldPanel("valid_from"),
                FieldPanel("valid_until"),
                FieldPanel("checked_on"),
            ],
            heading=_("Quelle und Stand"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("teaser"),
        index.SearchField("benefit_summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.FundingProgrammeIndexPage"]
    subpage_types = []
    template = "cms/funding_programme_page.html"

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")

    def clean(self):
        super().clean()
        if (
            self.min_duration is not None
            and self.max_duration is not None
            and self.min_duration > self.max_duration
        ):
            raise ValidationError(
                {"max_duration": _("Die Höchstdauer darf nicht kleiner als die Mindestdauer sein.")}
            )
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("„gilt bis“ darf nicht vor „gilt ab“ liegen.")})

    def federal_state_names(self):
        return [FEDERAL_STATE_NAMES.get(code, code) for code in self.federal_states]

    def condition_lines(self):
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A page previewed before its first save has no id and no linked series yet.
        linked = self.series.all() if self.pk else WorkshopSeriesPage.objects.none()
        context["series_list"] = linked.live().select_related("topic").order_by("title")
        return context


class FundingRate(Orderable):
    """What a programme pays for one size class of firms, with an optional raised rate."""

    programme = ParentalKey(FundingProgrammePage, on_delete=models.CASCADE, related_name="rates")
    min_employees = models.PositiveIntegerField(_("ab Beschäftigten"), default=0)
    max_employees = models.PositiveIntegerField(
        _("bis Beschäftigte"), null=True, blank=True, help_text=_("Leer = ohne Obergrenze.")
    )
    course_cost_percent = models.PositiveSmallIntegerField(
        _("Anteil Lehrgangskosten (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    wage_subsidy_percent = models.PositiveSmallIntegerField(
        _("Zuschuss zum Arbeitsentgelt bis zu (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    raised_course_cost_percent = models.PositiveSmallIntegerField(
        _("Erhöhter Anteil Lehrgangskosten (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    raised_from_age = models.PositiveSmallIntegerField(
        _("Erhöhter Satz ab diesem Alter"),
        null=True,
        blank=True,
    )
    raised_if_severely_disabled = models.BooleanField(
        _("Erhöhter Satz auch bei Schwerbehinderung"), default=False
    )
    raised_without_qualification = models.BooleanField(
        _("Erhöhter Satz auch ohne Berufsabschluss"), default=False
    )
    note = models.CharField(
        _("Weitere Leistung (Text)"),
        max_length=300,
        blank=True,
        help_text=_("z. B. „60 % des ausfallenden Nettoentgelts, 67 % mit Kind“"),
    )
    conditions = models.TextField(
        _("Voraussetzungen für diese Größenklasse"),
        blank=True,
        help_text=_(
            "Eine je Zeile, z. B. „Eine schriftliche Erklärung des Arbeitgebers "
            "ersetzt die Betriebsvereinbarung.“ Der Förder-Check nennt sie als „noch "
            "zu klären“."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("min_employees"), FieldPanel("max_employees")]),
        FieldRowPanel([FieldPanel("course_cost_percent"), FieldPanel("wage_subsidy_percent")]),
        FieldRowPanel([FieldPanel("raised_course_cost_percent"), FieldPanel("raised_from_age")]),
        FieldRowPanel(
            [FieldPanel("raised_if_severely_disabled"), FieldPanel("raised_without_qualification")]
        ),
        FieldPanel("note"),
        FieldPanel("conditions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Fördersatz")
        verbose_name_plural = _("Fördersätze")

    def clean(self):
        super().clean()
        if self.max_employees is not None and self.max_employees < self.min_employees:
            raise ValidationError({"max_employees": _("„bis“ darf nicht kleiner als „ab“ sein.")})

    def condition_lines(self):
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]

    def covers(self, employees):
        return self.min_employees <= employees and (
            self.max_employees is None or employees <= self.max_employees
        )

    @property
    def size_class(self):
        if self.max_employees is None:
            if self.min_employees <= 1:
                return _("alle Unternehmensgrößen")
            return _("ab %(min)s Beschäftigten") % {"min": self.min_employees}
        if self.min_employees <= 1:
            return _("bis %(max)s Beschäftigte") % {"max": self.max_employees}
        return _("%(min)s–%(max)s Beschäftigte") % {
            "min": self.min_employees,
            "max": self.max_employees,
        }


# --- Contact points (Lotsennetzwerk) and advice requests ---------------------------------


class ContactPointIndexPage(Page):
    """The list of all contact points, filterable by district."""

    intro = RichTextField(_("Einleitung"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ContactPointPage"]
    template = "cms/contact_point_index_page.html"

    class Meta:
        verbose_name = _("Übersicht Anlaufstellen")

    def get_context(self, request, *args, **kwargs):
        from members.models import District

        context = super().get_context(request, *args, **kwargs)
        contact_points = (
            ContactPointPage.objects.child_of(self)
            .live()
            .select_related("district")
            .prefetch_related("topics")
            .order_by("title")
        )
        districts = District.objects.filter(pk__in=contact_points.values("district")).order_by(
            "name"
        )
        selected = districts.filter(slug=request.GET.get("kreis", "")).first()
        if selected is not None:
            contact_points = contact_points.filter(district=selected)
        context.update(
            contact_points=contact_points, districts=districts, selected_district=selected
        )
        return context


class ContactPointPage(Page):
    """One contact point of the Lotsennetzwerk: where firms get advice in person."""

    organisation = models.CharField(_("Organisation"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("PLZ"), max_length=5)
    city = models.CharField(_("Ort"), max_length=100)
    district = models.ForeignKey(
        "members.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="contact_points",
    )
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    opening_hours = models.TextField(
        _("Öffnungszeiten"),
        blank=True,
        help_text=_("Eine Zeile je Eintrag, z. B. „Mo–Do 9–16 Uhr“."),
    )
    contact_person = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    accessibility_notes = models.TextField(
        _("Hinweise zur Barrierefreiheit"),
        blank=True,
        help_text=_("z. B. stufenloser Zugang, Aufzug, Parkplätze"),
    )
    topics = ParentalManyToManyField(
        Topic, verbose_name=_("Beratungsthemen"), blank=True, related_name="contact_points"
    )
    advisors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Lotsinnen und Lotsen"),
        blank=True,
        related_name="advised_contact_points",
        limit_choices_to={"groups__name": ADVISOR_GROUP},
        help_text=_("Sie sehen die Beratungsanfragen an diese Anlaufstelle."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("organisation"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldPanel("postal_code"),
                FieldPanel("city"),
                FieldPanel("district"),
            ],
            heading=_("Anschrift"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_person"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("opening_hours"),
                FieldPanel("accessibility_notes"),
            ],
            heading=_("Kontakt"),
        ),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("advisors", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("organisation"),
        index.SearchField("city"),
        index.FilterField("district"),
    ]
    parent_page_types = ["cms.ContactPointIndexPage"]
    subpage_types = []
    template = "cms/contact_point_page.html"

    class Meta:
        verbose_name = _("Anlaufstelle")
        verbose_name_plural = _("Anlaufstellen")

    def opening_hours_lines(self):
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]


class AdviceRequestQuerySet(models.QuerySet):
    def for_user(self, user):
        """Staff see every request, advisors those of their contact points, others none."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        if not user.groups.filter(name=ADVISOR_GROUP).exists():
            return self.none()
        return self.filter(contact_point__advisors=user).distinct()


class AdviceRequest(models.Model):
    """A request for advice sent through the public form to one contact point."""

    class Status(models.TextChoices):
        NEW = "new", _("neu")
        IN_PROGRESS = "in_progress", _("in Bearbeitung")
        DONE = "done", _("erledigt")

    name = models.CharField(_("Name"), max_length=200)
    firm_name = models.CharField(_("Unternehmen"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("Thema"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advice_requests",
    )
    message = models.TextField(_("Nachricht"))
    contact_point = models.ForeignKey(
        ContactPointPage,
        verbose_name=_("Anlaufstelle"),
        on_delete=models.PROTECT,
        related_name="advice_requests",
    )
    consent_text = models.TextField(_("Text der Einwilligung"))
    consent_given_at = models.DateTimeField(_("Einwilligung erteilt am"))
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)

    objects = AdviceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beratungsanfrage")
        verbose_name_plural = _("Beratungsanfragen")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="advice_request_email_or_phone"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.contact_point.title})"


class AdviceNote(models.Model):
    """An internal note of an advisor or the office on an advice request."""

    request = models.ForeignKey(
        AdviceRequest,
        verbose_name=_("Anfrage"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("Notiz"))
    created_at = models.DateTimeField(_("verfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Notiz")
        verbose_name_plural = _("Notizen")
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:50]
