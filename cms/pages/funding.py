"""Funding programmes (Förderprogramme), their rates and the field for Bundesländer."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES, BodyBlock
from cms.pages.series import WorkshopSeriesPage

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

    def deconstruct(self):
        # Migrations know the field by its address in cms.models, which re-exports it.
        name, _path, args, kwargs = super().deconstruct()
        return name, "cms.models.FederalStatesField", args, kwargs

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
