"""Contact points (Lotsennetzwerk), advice requests and the advisors' notes on them."""

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES
from cms.pages.topics import Topic
from members.models import ADVISOR_GROUP, District


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
