import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Roles held through Django groups; the office assigns them in the admin (docs/roles.md).
STAFF_GROUP = "Koordinierungsstelle"
TRAINER_GROUP = "Trainer"
ADVISOR_GROUP = "Lotsen"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Eine E-Mail-Adresse ist erforderlich.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. The email address is the login; there are no usernames."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    first_name = models.CharField(_("Vorname"), max_length=150, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=150, blank=True)
    language = models.CharField(
        _("Sprache"), max_length=5, choices=[("de", "Deutsch"), ("en", "English")], default="de"
    )
    is_staff = models.BooleanField(
        _("Koordinierungsstelle"),
        default=False,
        help_text=_("Mitarbeitende der Koordinierungsstelle: Zugang zum Verwaltungsbereich."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class District(models.Model):
    """A Landkreis or Stadtkreis of the network's region."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("Kreis")
        verbose_name_plural = _("Kreise")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FirmQuerySet(models.QuerySet):
    def managed_by(self, user):
        """The active member firms `user` acts for as firm admin or contact."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=managed_firm_ids(user))

    def administered_by(self, user):
        """The active member firms `user` administers (role admin)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=administered_firm_ids(user))


class Firm(models.Model):
    """A member firm (or an applicant for membership)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Antrag gestellt")
        ACTIVE = "active", _("Mitglied")
        DECLINED = "declined", _("abgelehnt")

    class LegalForm(models.TextChoices):
        GMBH = "GmbH", "GmbH"
        GMBH_CO_KG = "GmbH & Co. KG", "GmbH & Co. KG"
        UG = "UG (haftungsbeschränkt)", "UG (haftungsbeschränkt)"
        AG = "AG", "AG"
        KG = "KG", "KG"
        OHG = "OHG", "OHG"
        EK = "e. K.", "e. K."
        GBR = "GbR", "GbR"
        OTHER = "sonstige", _("sonstige")

    class Sector(models.TextChoices):
        """WZ 2008 sections (Klassifikation der Wirtschaftszweige)."""

        A = "A", _("A – Land- und Forstwirtschaft, Fischerei")
        B = "B", _("B – Bergbau und Gewinnung von Steinen und Erden")
        C = "C", _("C – Verarbeitendes Gewerbe")
        D = "D", _("D – Energieversorgung")
        E = "E", _("E – Wasserversorgung, Abwasser- und Abfallentsorgung")
        F = "F", _("F – Baugewerbe")
        G = "G", _("G – Handel; Instandhaltung und Reparatur von Kraftfahrzeugen")
        H = "H", _("H – Verkehr und Lagerei")
        I = "I", _("I – Gastgewerbe")  # noqa: E741
        J = "J", _("J – Information und Kommunikation")
        K = "K", _("K – Finanz- und Versicherungsdienstleistungen")
        L = "L", _("L – Grundstücks- und Wohnungswesen")
        M = "M", _("M – Freiberufliche, wissenschaftliche und technische Dienstleistungen")
        N = "N", _("N – Sonstige wirtschaftliche Dienstleistungen")
        O = "O", _("O – Öffentliche Verwaltung, Verteidigung; Sozialversicherung")  # noqa: E741
        P = "P", _("P – Erziehung und Unterricht")
        Q = "Q", _("Q – Gesundheits- und Sozialwesen")
        R = "R", _("R – Kunst, Unterhaltung und Erholung")
        S = "S", _("S – Erbringung von sonstigen Dienstleistungen")
        T = "T", _("T – Private Haushalte")
        U = "U", _("U – Exterritoriale Organisationen und Körperschaften")

    name = models.CharField(_("Firmenname"), max_length=200)
    legal_form = models.CharField(_("Rechtsform"), max_length=40, choices=LegalForm.choices)
    sector = models.CharField(
        _("Wirtschaftszweig (WZ 2008)"), max_length=1, choices=Sector.choices, default=Sector.C
    )
    employee_count = models.PositiveIntegerField(_("Zahl der Beschäftigten"))
    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.PROTECT, related_name="firms"
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("PLZ"), max_length=5)
    city = models.CharField(_("Ort"), max_length=100)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    website = models.URLField(_("Website"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    allow_self_enrolment = models.BooleanField(
        _("Beschäftigte dürfen sich selbst anmelden"), default=False
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    objects = FirmQuerySet.as_manager()

    class Meta:
        verbose_name = _("Mitgliedsunternehmen")
        verbose_name_plural = _("Mitgliedsunternehmen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def name_with_legal_form(self):
        """ "Muster GmbH" as it is when the name already carries its legal form, else
        "Muster (GmbH)"; "sonstige" is not shown."""
        form = self.legal_form
        if not form or form == self.LegalForm.OTHER or self.name.endswith(form):
            return self.name
        return f"{self.name} ({form})"

    @property
    def size_class(self):
        """EU SME size class by head count."""
        if self.employee_count < 10:
            return "micro"
        if self.employee_count < 50:
            return "small"
        if self.employee_count < 250:
            return "medium"
        return "large"


def firm_roles(user):
    """{firm id: role} for the active member firms `user` acts for (cached on the user).

    Only admins and contacts act for a firm; a person who has left acts for nobody.
    """
    cached = getattr(user, "_firm_roles", None)
    if cached is None:
        cached = dict(
            Person.objects.filter(
                user=user,
                role__in=[Person.Role.ADMIN, Person.Role.CONTACT],
                left_on__isnull=True,
                firm__status=Firm.Status.ACTIVE,
            ).values_list("firm_id", "role")
        )
        user._firm_roles = cached
    return cached


def managed_firm_ids(user):
    """Ids of the member firms `user` acts for as firm admin or contact."""
    return frozenset(firm_roles(user))


def administered_firm_ids(user):
    """Ids of the member firms `user` administers (role admin)."""
    return frozenset(firm for firm, role in firm_roles(user).items() if role == Person.Role.ADMIN)


class FirmScopedQuerySet(models.QuerySet):
    """The one place that scopes firm data by the requesting user.

    Staff see everything; firm admins and contacts see their own firms; everybody else
    sees only what belongs to them personally. `firm_field` names the path to the firm,
    `person_field` the path to the person the row is about ("" for a person itself).
    """

    firm_field = "firm"
    person_field = None

    def _managed(self, user):
        return Q(**{f"{self.firm_field}__in": managed_firm_ids(user)})

    def _own(self, user):
        path = f"{self.person_field}__user" if self.person_field else "user"
        return Q(**{path: user})

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        scope = self._managed(user)
        if self.person_field is not None:
            scope |= self._own(user)
        return self.filter(scope)

    def managed_by(self, user):
        """Rows `user` may change on the firm's behalf: staff all, firm admins/contacts theirs."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(self._managed(user))

    def own_or_managed(self, user):
        """Rows about `user` personally or of a firm they manage; staff get no more either."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self._own(user) | self._managed(user))


class PersonQuerySet(FirmScopedQuerySet):
    person_field = ""

    def current(self):
        return self.filter(left_on__isnull=True)


class Person(models.Model):
    """Someone who works for a member firm: admin, contact or employee.

    An employee may have no login at all and can still be enrolled; the firm admin
    acts for them.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("Firmenadministration")
        CONTACT = "contact", _("Ansprechperson")
        EMPLOYEE = "employee", _("Beschäftigte/r")

    firm = models.ForeignKey(
        Firm, verbose_name=_("Unternehmen"), on_delete=models.PROTECT, related_name="people"
    )
    # One account may belong to people of several firms (a group with two GmbHs), once each.
    user = models.ForeignKey(
        User,
        verbose_name=_("Konto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.EMPLOYEE)
    first_name = models.CharField(_("Vorname"), max_length=150)
    last_name = models.CharField(_("Nachname"), max_length=150)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    department = models.CharField(_("Abteilung"), max_length=150, blank=True)
    personnel_number = models.CharField(_("Personalnummer"), max_length=50, blank=True)
    left_on = models.DateField(_("ausgeschieden am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    erased_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "email"],
                condition=~Q(email=""),
                name="person_unique_email_per_firm",
            ),
            models.UniqueConstraint(
                fields=["firm", "user"],
                condition=Q(user__isnull=False),
                name="person_one_account_per_firm",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def has_left(self):
        return self.left_on is not None


class MembershipApplication(models.Model):
    """What a firm sent with its application for membership, and the office's decision."""

    firm = models.OneToOneField(
        Firm, verbose_name=_("Unternehmen"), on_delete=models.CASCADE, related_name="application"
    )
    contact_first_name = models.CharField(_("Vorname der Ansprechperson"), max_length=150)
    contact_last_name = models.CharField(_("Nachname der Ansprechperson"), max_length=150)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"))
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=50, blank=True)
    consent_text = models.TextField(_("Wortlaut der Einwilligung"))
    consent_given_at = models.DateTimeField(_("Einwilligung erteilt am"))
    submitted_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("entschieden von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decline_reason = models.TextField(_("Begründung der Ablehnung"), blank=True)

    class Meta:
        verbose_name = _("Mitgliedsantrag")
        verbose_name_plural = _("Mitgliedsanträge")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.firm.name} ({self.submitted_at:%d.%m.%Y})"


class InvitationQuerySet(FirmScopedQuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A single-use, expiring link that lets someone create a login for a firm role."""

    firm = models.ForeignKey(
        Firm, verbose_name=_("Unternehmen"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text=_("Gesetzt, wenn eine bereits erfasste Person einen Zugang bekommt."),
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    role = models.CharField(_("Rolle"), max_length=10, choices=Person.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("eingeladen von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)
    expires_at = models.DateTimeField(_("gültig bis"))
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_usable(self):
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret part of a calendar feed address, for one person's account or one firm.

    Whoever knows the address can read the feed without signing in; a new token makes the
    old address useless.
    """

    user = models.OneToOneField(
        User,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    firm = models.OneToOneField(
        Firm,
        verbose_name=_("Unternehmen"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Kalender-Abonnement")
        verbose_name_plural = _("Kalender-Abonnements")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, firm__isnull=True)
                    | Q(user__isnull=True, firm__isnull=False)
                ),
                name="calendar_feed_token_user_or_firm",
            )
        ]

    def __str__(self):
        return str(self.user or self.firm)


class SavedSearch(models.Model):
    """An offer-finder search an account keeps, to run it again and to hear of new dates."""

    user = models.ForeignKey(
        User, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    query = models.CharField(
        _("Filter"),
        max_length=1000,
        help_text=_("Die Filter der Angebotssuche als Adressteil, immer gleich geordnet."),
    )
    created_at = models.DateTimeField(_("gespeichert am"), default=timezone.now)
    last_checked_at = models.DateTimeField(_("zuletzt geprüft"), null=True, blank=True)
    notified_date_ids = models.JSONField(
        _("bereits gemeldete Termine"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Ids der Termine, über die schon eine E-Mail verschickt wurde."),
    )

    class Meta:
        verbose_name = _("gespeicherte Suche")
        verbose_name_plural = _("gespeicherte Suchen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="saved_search_once_per_user")
        ]

    def __str__(self):
        return f"{self.user}: {self.name}"
