"""What the outbox can send: email kinds and preference categories, registered by the apps.

Each app declares its kinds in its own `notifications.py`, which Django's app loading
imports for every installed app (see `TasksConfig.ready`):

    from tasks.registry import category, kind

    category(Category.REMINDERS, order=10)

    @kind(Kind.REMINDER, category=Category.REMINDERS)
    def reminder(row):
        return {...}  # the template context, or raise SkipNotification

`Kind.REMINDER` and `Category.REMINDERS` are members of the app's own `TextChoices` (name
and label). A kind without a category is essential and always sent; one with a category
can be turned off by its recipients. The outbox, the admin's filters, the preferences page
and the model choices read this registry, so adding an email touches only the app it
belongs to: its `notifications.py` and its templates in `templates/<app>/email/`.

The outbox also needs the office's name and contact details for every message; the app
that keeps them registers a function returning them with `office_details`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


class SkipNotification(Exception):
    """The message should not go out any more; the row is marked cancelled with the reason."""


@dataclass(frozen=True)
class KindSpec:
    name: str
    label: str
    build_context: Callable
    # "<app>/email/<name>": the stem of the subject, text and HTML templates.
    template: str
    # None: essential (always sent); otherwise the name of the category it belongs to.
    category: str | None = None


@dataclass(frozen=True)
class CategorySpec:
    name: str
    label: str
    order: int
    # Whether a signed-in user is offered this category on the preferences page.
    offered_to: Callable


KINDS: dict[str, KindSpec] = {}
CATEGORIES: dict[str, CategorySpec] = {}
_office_details: list[Callable] = []


def _everyone(user):
    return True


def category(choice, *, order=100, offered_to=_everyone):
    """Register a category of non-essential email; `choice` is a TextChoices member."""
    CATEGORIES[str(choice)] = CategorySpec(
        name=str(choice), label=choice.label, order=order, offered_to=offered_to
    )


def kind(choice, *, category=None):
    """Register the context function for one kind; `choice` is a TextChoices member. The
    templates are looked up under the app of the module that registers it."""

    def register(function):
        app = function.__module__.split(".")[0]
        KINDS[str(choice)] = KindSpec(
            name=str(choice),
            label=choice.label,
            build_context=function,
            template=f"{app}/email/{choice}",
            category=str(category) if category is not None else None,
        )
        return function

    return register


def office_details(function):
    """Register the function that returns the office's name and contact details (an object
    with office_name, email, phone, address ...), read once per message."""
    _office_details[:] = [function]
    return function


def office():
    if not _office_details:
        raise LookupError("no app registered the office's details (tasks.registry.office_details)")
    return _office_details[0]()


def discover():
    """Import every installed app's `notifications` module (done once at start-up)."""
    autodiscover_modules("notifications")


def spec(name):
    try:
        return KINDS[str(name)]
    except KeyError:
        raise LookupError(f"no email kind registered for {name!r}") from None


def category_of(kind_name):
    registered = KINDS.get(str(kind_name))
    return registered.category if registered else None


def category_label(name):
    registered = CATEGORIES.get(name)
    return registered.label if registered else name


def kind_choices():
    """(name, label) of every registered kind, for the model field and the admin filter."""
    return [(spec.name, spec.label) for spec in KINDS.values()]


def _categories():
    return sorted(CATEGORIES.values(), key=lambda spec: (spec.order, spec.name))


def category_choices():
    return [(spec.name, spec.label) for spec in _categories()]


def categories_for(user):
    """The categories a signed-in user can turn on or off, in the order they are shown."""
    return [spec.name for spec in _categories() if spec.offered_to(user)]
