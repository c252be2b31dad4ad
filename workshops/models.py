from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from members.models import TRAINER_GROUP, FirmScopedQuerySet
from verbund.records import NotContent

# Enrolment states that hold a seat: a confirmed participant, or a pending offer that
# keeps a freed seat for the next person on the waiting list.
SEAT_HOLDING = ("confirmed", "offered")
ACTIVE = ("confirmed", "offered", "waitlisted")


def _enrolments_counted(statuses):
    counted = (
        Enrolment.objects.filter(date=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("date")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


class WorkshopDateQuerySet(models.QuerySet):
    def with_seat_counts(self):
        """Each date with `seats_taken`, `waitlist_length` and `first_start`: the one
        annotation the finder, the admin listing and the digests share. Subqueries rather
        than joins, so that other annotations and filters over the parts never multiply
        the counts."""
        first_start = (
            DatePart.objects.filter(date=OuterRef("pk")).order_by("starts_at").values("starts_at")
        )
        return self.annotate(
            seats_taken=_enrolments_counted(SEAT_HOLDING),
            waitlist_length=_enrolments_counted(["waitlisted"]),
            first_start=Subquery(first_start[:1]),
        )

    def with_catalogue_counts(self):
        """`seats_taken`, `waitlist_length` and `first_start` as the catalogue stores them
        (kept current with every change), instead of counting them again."""
        return self.annotate(
            seats_taken=F("catalogue_entry__seats_taken"),
            waitlist_length=F("catalogue_entry__waitlist_length"),
            first_start=F("catalogue_entry__first_start"),
        )

    def public_upcoming(self):
        """Dates the public may see: live series, not cancelled or done, starting later;
        by their first start, from the catalogue's index."""
        return (
            self.filter(
                catalogue_entry__visible=True,
                catalogue_entry__first_start__gte=timezone.now(),
            )
            .with_catalogue_counts()
            .select_related("series", "series__topic")
            .prefetch_related(Prefetch("parts", queryset=DatePart.objects.order_by("starts_at")))
            .order_by("catalogue_entry__first_start", "catalogue_entry__date_id")
        )


class WorkshopDate(ClusterableModel):
    """One run (Termin) of a workshop series; it has one or more parts."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        OPEN = "open", _("Anmeldung offen")
        FULL = "full", _("ausgebucht")
        CANCELLED = "cancelled", _("abgesagt")
        DONE = "done", _("durchgeführt")

    series = models.ForeignKey(
        "cms.WorkshopSeriesPage",
        verbose_name=_("Workshopreihe"),
        on_delete=models.PROTECT,
        related_name="dates",
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    capacity = models.PositiveIntegerField(_("Plätze"))
    firm_limit = models.PositiveIntegerField(
        _("Plätze je Unternehmen"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, wenn es keine Begrenzung gibt."),
    )
    enrolment_deadline = models.DateTimeField(_("Anmeldeschluss"))
    cancellation_deadline = models.DateTimeField(_("Stornofrist"))
    offer_hours = models.PositiveIntegerField(
        _("Gültigkeit eines Nachrückplatzes (Stunden)"), default=48
    )
    venue_name = models.CharField(_("Veranstaltungsort"), max_length=200, blank=True)
    venue_street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    venue_postal_code = models.CharField(_("PLZ"), max_length=5, blank=True)
    venue_city = models.CharField(_("Ort"), max_length=100, blank=True)
    venue_accessibility = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    district = models.ForeignKey(
        "members.District",
        verbose_name=_("Kreis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workshop_dates",
    )
    online_url = models.URLField(
        _("Online-Zugang"),
        blank=True,
        help_text=_("Nur bestätigte Teilnehmende sehen diesen Link."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Trainer/innen"),
        blank=True,
        related_name="trained_dates",
        limit_choices_to={"groups__name": TRAINER_GROUP},
        help_text=_("Sie sehen die Teilnehmenden dieses Termins und erfassen die Anwesenheit."),
    )
    sequence = models.PositiveIntegerField(
        _("Änderungszähler"),
        default=0,
        editable=False,
        help_text=_("Steigt mit jeder Änderung, die Teilnehmende sehen müssen."),
    )
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True, editable=False)
    calendar_title = models.CharField(
        _("Titel in Kalendereinträgen"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Der Titel der Workshopreihe, wie er Teilnehmenden zuletzt mitgeteilt wurde."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = WorkshopDateQuerySet.as_manager()

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["enrolment_deadline", "pk"]

    def __str__(self):
        starts = [part.starts_at for part in self.parts.all()] if self.pk else []
        when = timezone.localtime(min(starts)).strftime("%d.%m.%Y") if starts else "–"
        return f"{self.series.title} ({when})"

    def clean(self):
        super().clean()
        if (
            self.firm_limit is not None
            and self.capacity is not None
            and self.firm_limit > self.capacity
        ):
            raise ValidationError(
                {
                    "firm_limit": _(
                        "Die Plätze je Unternehmen dürfen nicht höher sein als die "
                        "Zahl der Plätze (%(capacity)s)."
                    )
                    % {"capacity": self.capacity}
                }
            )

    @property
    def venue_address(self):
        city = f"{self.venue_postal_code} {self.venue_city}".strip()
        return ", ".join(part for part in (self.venue_name, self.venue_street, city) if part)

    @property
    def free_seats(self):
        """Needs with_seat_counts(); a pending offer keeps its seat taken."""
        return max(self.capacity - self.seats_taken, 0)


class DatePart(models.Model):
    """One meeting of a date, e.g. the second of three half days."""

    date = ParentalKey(
        WorkshopDate, verbose_name=_("Termin"), on_delete=models.CASCADE, related_name="parts"
    )
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))

    class Meta:
        verbose_name = _("Teil")
        verbose_name_plural = _("Teile")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="datepart_ends_after_start"
            )
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{start:%d.%m.%Y, %H:%M}–{end:%H:%M} Uhr"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Das Ende muss nach dem Beginn liegen.")})


class EnrolmentQuerySet(FirmScopedQuerySet):
    firm_field = "person__firm"
    person_field = "person"

    def with_waitlist_position(self):
        """Annotate `waitlist_position`: 1-based place among the date's waiting people in
        arrival order, None for anyone not waiting."""
        waiting_before = (
            Enrolment.objects.filter(date=models.OuterRef("date"), status="waitlisted")
            .filter(
                Q(created_at__lt=models.OuterRef("created_at"))
                | Q(created_at=models.OuterRef("created_at"), pk__lt=models.OuterRef("pk"))
            )
            .order_by()
            .values("date")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waitlist_position=models.Case(
                models.When(
                    status="waitlisted",
                    then=Coalesce(
                        models.Subquery(waiting_before, output_field=models.IntegerField()), 0
                    )
                    + 1,
                ),
                default=None,
                output_field=models.IntegerField(),
            )
        )

    def with_attendance_flag(self):
        """Annotate `has_attended`: the person attended at least one part (certificate)."""
        return self.annotate(
            has_attended=models.Exists(
                Attendance.objects.filter(
                    enrolment=models.OuterRef("pk"), status=Attendance.Status.ATTENDED
                )
            )
        )


class Enrolment(NotContent, models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("bestätigt")
        WAITLISTED = "waitlisted", _("Warteliste")
        OFFERED = "offered", _("Nachrückplatz angeboten")
        CANCELLED = "cancelled", _("storniert")
        DECLINED = "declined", _("Nachrückplatz abgelehnt")
        EXPIRED = "expired", _("Nachrückplatz verfallen")

    date = models.ForeignKey(
        WorkshopDate,
        verbose_name=_("Termin"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Person"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angemeldet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angemeldet am"), default=timezone.now)
    offer_expires_at = models.DateTimeField(_("Angebot gültig bis"), null=True, blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "person"],
                condition=Q(status__in=ACTIVE),
                name="enrolment_one_active_per_person_and_date",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.date} ({self.get_status_display()})"


class Attendance(NotContent, models.Model):
    """Whether a confirmed participant took part in one part of a date."""

    class Status(models.TextChoices):
        ATTENDED = "attended", _("anwesend")
        NO_SHOW = "no_show", _("nicht erschienen")
        EXCUSED = "excused", _("entschuldigt")

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("Anmeldung"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    part = models.ForeignKey(
        DatePart, verbose_name=_("Teil"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("Anwesenheit"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("erfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        ordering = ["part__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "part"], name="attendance_one_per_enrolment_and_part"
            )
        ]

    def __str__(self):
        return f"{self.enrolment.person} – {self.part} ({self.get_status_display()})"


class EnrolmentLog(NotContent, models.Model):
    """One state change of an enrolment: who, when, from, to, why."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("Anmeldung"), on_delete=models.CASCADE, related_name="log"
    )
    from_status = models.CharField(
        _("vorher"), max_length=10, choices=Enrolment.Status.choices, blank=True
    )
    to_status = models.CharField(_("nachher"), max_length=10, choices=Enrolment.Status.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("durch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("Grund"), blank=True)
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("Statuswechsel einer Anmeldung")
        verbose_name_plural = _("Statuswechsel von Anmeldungen")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.enrolment_id}: {self.from_status or '–'} → {self.to_status}"


class AttendeeSequence(NotContent, models.Model):
    """The SEQUENCE last sent for one date to one participant's calendar (or to whoever
    receives their mail). Every new message about the date must carry a higher one than
    the last, or calendar programs keep the older state (say, a cancellation)."""

    date = models.ForeignKey(WorkshopDate, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Kalendersequenz")
        verbose_name_plural = _("Kalendersequenzen")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "person"], name="attendee_sequence_one_per_date_and_person"
            )
        ]

    def __str__(self):
        return f"{self.date_id}/{self.person_id}: {self.sequence}"


class Feedback(NotContent, models.Model):
    """A participant's short answer after a date: one per enrolment, given by link."""

    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("Anmeldung"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("Gesamtbewertung"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = gar nicht zufrieden, 5 = sehr zufrieden"),
    )
    useful = models.TextField(_("Was war hilfreich?"), blank=True)
    to_improve = models.TextField(_("Was können wir verbessern?"), blank=True)
    created_at = models.DateTimeField(_("abgegeben am"), default=timezone.now)

    class Meta:
        verbose_name = _("Rückmeldung")
        verbose_name_plural = _("Rückmeldungen")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.enrolment_id}: {self.rating}/5"


class CatalogueEntryQuerySet(models.QuerySet):
    def version(self):
        """Changes with every row written (their newest `updated_at`, from its index): part
        of the key of whatever is kept of the catalogue."""
        newest = self.aggregate(newest=models.Max("updated_at"))["newest"]
        return newest.timestamp() if newest else 0


class CatalogueEntry(NotContent, models.Model):
    """One offer as the finder searches it: what it filters and sorts on, stored and
    indexed, so that no request aggregates over all dates. The catalogue service keeps it
    current in the same transaction as the change it follows (workshops.services.catalogue).

    Each kind of offer brings its own rows; today the office's workshop dates."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop des Verbunds")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    date = models.OneToOneField(
        WorkshopDate,
        verbose_name=_("Termin"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="catalogue_entry",
    )
    series = models.ForeignKey(
        "cms.WorkshopSeriesPage",
        verbose_name=_("Workshopreihe"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Shown to the public at all (a live series; not cancelled, not done). Whether it is
    # still upcoming is decided per request on `first_start`.
    visible = models.BooleanField(_("öffentlich"), default=False)
    first_start = models.DateTimeField(_("Beginn"), null=True, blank=True)
    last_end = models.DateTimeField(_("Ende"), null=True, blank=True)
    topic = models.ForeignKey(
        "cms.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(_("Format"), max_length=20, blank=True)
    district = models.ForeignKey(
        "members.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    price_member = models.DecimalField(
        _("Preis für Mitglieder (EUR)"), max_digits=8, decimal_places=2, default=0
    )
    price_non_member = models.DecimalField(
        _("Preis für Nichtmitglieder (EUR)"), max_digits=8, decimal_places=2, default=0
    )
    funded = models.BooleanField(_("Förderprogramm passt"), default=False)
    capacity = models.PositiveIntegerField(_("Plätze"), null=True, blank=True)
    seats_taken = models.PositiveIntegerField(_("belegte Plätze"), default=0)
    waitlist_length = models.PositiveIntegerField(_("auf der Warteliste"), default=0)
    has_free_seats = models.BooleanField(_("freie Plätze"), default=False)
    # Lower-case words of title, teaser, target group, topic and description; PostgreSQL
    # searches `search_vector` (its GIN index is made by a migration, PostgreSQL only).
    search_text = models.TextField(_("Suchtext"), blank=True)
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("aktualisiert am"), default=timezone.now, db_index=True)

    objects = CatalogueEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Katalogeintrag")
        verbose_name_plural = _("Katalogeinträge")
        indexes = [
            models.Index(
                fields=["first_start", "date"],
                condition=Q(visible=True),
                name="catalogue_upcoming",
            ),
            models.Index(
                fields=["series", "first_start"],
                condition=Q(visible=True),
                name="catalogue_series_upcoming",
            ),
        ]

    def __str__(self):
        return f"{self.kind}:{self.date_id}"
