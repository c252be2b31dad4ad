"""The notification outbox: every email the application sends about its own business.

A row is written in the same transaction as the change that causes it; `key` makes a
second row for the same event impossible. The delivery task sends one row and marks it
sent under a row lock; a sweeper enqueues due rows every 15 seconds, so a lost broker message
only delays an email.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tasks import registry
from verbund.records import NotContent


class MessageKind(models.TextChoices):
    """The outbox's own kind: ready-made account emails (sign-up, password reset,
    invitations), sent as they are. Every other kind is registered by the app it belongs
    to (see tasks.registry)."""

    MESSAGE = "message", _("Kontonachricht")


class Notification(NotContent, models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("wartend")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("verworfen")

    kind = models.CharField(_("Art"), max_length=30, choices=registry.kind_choices)
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Objektart"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("Objekt-ID"), null=True, blank=True)
    subject_object = GenericForeignKey("content_type", "object_id")
    version = models.CharField(
        _("Version"),
        max_length=50,
        blank=True,
        help_text=_("Unterscheidet mehrere Nachrichten derselben Art zum selben Objekt."),
    )
    key = models.CharField(_("Schlüssel"), max_length=200, unique=True, editable=False)
    language = models.CharField(_("Sprache"), max_length=10, default="de")
    context = models.JSONField(_("Zusatzangaben"), default=dict, blank=True)
    due_at = models.DateTimeField(_("fällig ab"), default=timezone.now, db_index=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    enqueued_at = models.DateTimeField(_("zuletzt eingereiht"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    to_email = models.EmailField(
        _("Empfängeradresse"),
        blank=True,
        help_text=_("Bei Personen und Konten die Adresse, an die gesendet wurde."),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Postausgang")
        ordering = ["-due_at", "-pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="notification_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(user__isnull=False) | ~Q(to_email=""),
                name="notification_has_recipient",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_label} ({self.get_state_display()})"

    @property
    def recipient_label(self):
        if self.person_id:
            return str(self.person)
        if self.user_id:
            return str(self.user)
        return self.to_email


class Unsubscription(NotContent, models.Model):
    """Someone turned off one category of non-essential email."""

    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="unsubscriptions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="unsubscriptions",
    )
    category = models.CharField(_("Kategorie"), max_length=20, choices=registry.category_choices)
    created_at = models.DateTimeField(_("abgemeldet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Abmeldung")
        verbose_name_plural = _("Abmeldungen")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=Q(person__isnull=False),
                name="unsubscription_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(user__isnull=False),
                name="unsubscription_once_per_user",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(user__isnull=False),
                name="unsubscription_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.person or self.user}: {self.get_category_display()}"
