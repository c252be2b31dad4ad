"""The firm a firm admin or contact acts for.

Someone who manages one member firm always acts for it. Someone who manages several (a
group with two GmbHs) chooses: on the website the choice is kept in the session, in the
API the `firm` parameter names it. A choice counts only while they still manage that
firm; until then the pages that act for one firm ask for it.
"""

from django.utils.translation import gettext as _

from members.models import Firm, managed_firm_ids

SESSION_KEY = "acting_firm"


class FirmChoiceError(Exception):
    """No acting firm: `code` is "no_firm", "firm_required" or "not_found"."""

    def __init__(self, message, *, code):
        super().__init__(message)
        self.message = message
        self.code = code


def decide(user, firm_id=None):
    """The firm `user` acts for: the one named by `firm_id`, or their only firm.

    FirmChoiceError "no_firm" when they manage none, "firm_required" when they manage
    several and name none, "not_found" when they name one they do not manage (the same
    answer as for a firm that does not exist).
    """
    firm_ids = managed_firm_ids(user) if user.is_authenticated else frozenset()
    if not firm_ids:
        raise FirmChoiceError(
            _("Diese Seite ist für Firmenadministrationen und Ansprechpersonen."), code="no_firm"
        )
    if firm_id is None:
        if len(firm_ids) > 1:
            raise FirmChoiceError(
                _(
                    "Sie verwalten mehrere Unternehmen. Bitte geben Sie mit dem Parameter "
                    "„firm“ an, für welches Sie handeln."
                ),
                code="firm_required",
            )
        (firm_id,) = firm_ids
    if firm_id not in firm_ids:
        raise FirmChoiceError(
            _("Dieses Unternehmen gibt es nicht, oder Sie verwalten es nicht."), code="not_found"
        )
    return Firm.objects.get(pk=firm_id)


def _stored_id(session):
    value = session.get(SESSION_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def for_request(request):
    """The firm the signed-in user acts for on the website, or None while they manage
    several firms and have not chosen one they still manage (a stale choice is dropped).

    FirmChoiceError "no_firm" for someone who manages no firm.
    """
    stored = _stored_id(request.session)
    if stored is not None:
        try:
            return decide(request.user, stored)
        except FirmChoiceError as error:
            if error.code == "no_firm":
                raise
    # No choice, or one that is malformed or no longer valid: forget it.
    request.session.pop(SESSION_KEY, None)
    try:
        return decide(request.user)
    except FirmChoiceError as error:
        if error.code == "no_firm":
            raise
        return None


def choose(request, firm):
    """Act for `firm` from now on; `firm` must be one of choosable(request.user)."""
    decide(request.user, firm.pk)
    request.session[SESSION_KEY] = firm.pk
    return firm


def choosable(user):
    """The firms `user` may act for, by name."""
    return Firm.objects.managed_by(user).order_by("name", "pk")


def has_choice(user):
    """Whether `user` manages several firms and so chooses the one they act for."""
    return user.is_authenticated and len(managed_firm_ids(user)) > 1
