from django.utils.functional import SimpleLazyObject

from cms.services.advice import works_on_advice

from .models import TRAINER_GROUP, managed_firm_ids
from .services import acting_firm
from .services.tokens import can_manage_tokens


def _acting_firm_line(request):
    """For someone who manages several firms: {"firm": the one they act for, or None}."""
    if not acting_firm.has_choice(request.user):
        return None
    return {"firm": acting_firm.for_request(request)}


def member_roles(request):
    """What the navigation may offer the signed-in user (evaluated only when used)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "manages_firm": SimpleLazyObject(lambda: bool(managed_firm_ids(user))),
        "acting_firm_line": SimpleLazyObject(lambda: _acting_firm_line(request)),
        "may_use_api_tokens": SimpleLazyObject(lambda: can_manage_tokens(user)),
        "is_advisor": SimpleLazyObject(lambda: works_on_advice(user)),
        "is_trainer": SimpleLazyObject(
            lambda: user.is_staff or user.groups.filter(name=TRAINER_GROUP).exists()
        ),
    }
