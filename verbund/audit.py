"""Audit trail on top of Wagtail's log registry: entries show in the admin history
and cannot be deleted through the application."""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

ACTIONS = {
    "verbund.firm.applied": (_("Mitgliedschaft beantragt"), _("Mitgliedschaft beantragt")),
    "verbund.firm.approved": (_("Mitgliedschaft bestätigt"), _("Mitgliedschaft bestätigt")),
    "verbund.firm.declined": (_("Mitgliedschaft abgelehnt"), _("Mitgliedschaft abgelehnt")),
    "verbund.invitation.created": (_("Einladung verschickt"), _("Einladung verschickt")),
    "verbund.invitation.accepted": (_("Einladung angenommen"), _("Einladung angenommen")),
    "verbund.invitation.revoked": (_("Einladung zurückgezogen"), _("Einladung zurückgezogen")),
    "verbund.person.created": (_("Person angelegt"), _("Person angelegt")),
    "verbund.person.changed": (_("Person geändert"), _("Person geändert")),
    "verbund.person.imported": (_("Personen importiert"), _("Personen importiert")),
    "verbund.person.left": (_("Ausscheiden vermerkt"), _("Ausscheiden vermerkt")),
    "verbund.person.exported": (_("Datenauskunft erteilt"), _("Datenauskunft erteilt")),
    "verbund.person.erased": (_("Person anonymisiert"), _("Person anonymisiert")),
    "verbund.token.created": (_("API-Token erstellt"), _("API-Token erstellt")),
    "verbund.token.revoked": (_("API-Token widerrufen"), _("API-Token widerrufen")),
    "verbund.advice.submitted": (
        _("Beratungsanfrage eingegangen"),
        _("Beratungsanfrage eingegangen"),
    ),
    "verbund.advice.status": (
        _("Status der Beratungsanfrage geändert"),
        _("Status der Beratungsanfrage geändert"),
    ),
    "verbund.advice.note": (_("Notiz zur Beratungsanfrage"), _("Notiz zur Beratungsanfrage")),
    "verbund.attendance.recorded": (_("Anwesenheit erfasst"), _("Anwesenheit erfasst")),
}


def register_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def record(instance, action, user=None, **data):
    """Write one audit entry for `instance`; `data` must be JSON-serialisable."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    return log(instance, action, user=user, data=data)
