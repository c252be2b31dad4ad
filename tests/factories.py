"""factory-boy factories for the core models.

Pages are created the Wagtail way, as children of their parent page: a
``WorkshopSeriesPage`` goes below a ``WorkshopSeriesIndexPage``, which goes below the
home page that migration ``cms/0002`` creates.

    series = WorkshopSeriesPageFactory(topic__name="Robotik")
    date = WorkshopDateFactory(series=series, parts=3)   # three weekly parts
    EnrolmentFactory(date=date, person__firm=firm)
    UserFactory()                       # password DEFAULT_PASSWORD, verified address
    UserFactory(staff=True, totp=True)  # with an authenticator app: totp_code(user)
"""

import time as time_module
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.utils import timezone
from django.utils.text import slugify
from factory.declarations import PostGenerationDeclaration
from factory.django import DjangoModelFactory
from factory.enums import CREATE_STRATEGY

from cms.models import HomePage, Topic, WorkshopSeriesIndexPage, WorkshopSeriesPage
from members.models import District, Firm, Person, User
from workshops.models import DatePart, Enrolment, WorkshopDate

BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT_PASSWORD = "Verbund-Test-2026"
FIRST_NAMES = ["Jana", "Jürgen", "Aylin", "Sören", "Marta", "Björn", "Zoë", "Hans-Peter"]
LAST_NAMES = ["Schäfer", "Müller", "Weiß", "Öztürk", "Kowalski", "Groß", "Nguyen", "Böhm"]


def berlin(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An aware datetime at a wall-clock time in Europe/Berlin."""
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def totp_code(user) -> str:
    """The current code of the authenticator app of a user made with ``totp=True``."""
    counter = int(time_module.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(user.totp_secret, counter))


def default_start() -> datetime:
    """Four weeks from today, 09:00 in Berlin."""
    return berlin(timezone.localdate(timezone=BERLIN) + timedelta(days=28))


# --- Members ------------------------------------------------------------------------------


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Landkreis {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class FirmFactory(DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Müller Präzisionsteile {n}")
    legal_form = Firm.LegalForm.GMBH
    sector = Firm.Sector.C
    employee_count = 42
    district = factory.SubFactory(DistrictFactory)
    street = factory.Sequence(lambda n: f"Industriestraße {n + 1}")
    postal_code = "72764"
    city = "Reutlingen"
    status = Firm.Status.ACTIVE


class UserFactory(DjangoModelFactory):
    """An account that can sign in: password DEFAULT_PASSWORD, verified email address.

    ``UserFactory(email_verified=False)`` leaves the address unverified.
    ``UserFactory(staff=True, totp=True)`` adds an authenticator app (TOTP), which staff
    need for the admin; ``totp_code(user)`` gives its current code.
    """

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    email = factory.Sequence(lambda n: f"konto{n}@example.org")
    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def email_verified(self, create, extracted, **kwargs):
        if not create:
            return
        verified = True if extracted is None else bool(extracted)
        EmailAddress.objects.update_or_create(
            user=self,
            email=self.email,
            defaults={"verified": verified, "primary": True},
        )

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        self.totp_secret = None
        if create and extracted:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)


class PersonFactory(DjangoModelFactory):
    """A person at a member firm; ``PersonFactory(with_account=True)`` also gives a login."""

    class Meta:
        model = Person

    class Params:
        with_account = factory.Trait(
            user=factory.SubFactory(
                UserFactory,
                email=factory.SelfAttribute("..email"),
                first_name=factory.SelfAttribute("..first_name"),
                last_name=factory.SelfAttribute("..last_name"),
            )
        )
        admin = factory.Trait(role=Person.Role.ADMIN, with_account=True)

    firm = factory.SubFactory(FirmFactory)
    role = Person.Role.EMPLOYEE
    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    email = factory.Sequence(lambda n: f"person{n}@firma.example")


# --- Pages ------------------------------------------------------------------------------------


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Automatisierung für kleine und mittlere Unternehmen."


def home_page() -> HomePage:
    home = HomePage.objects.order_by("path").first()
    if home is None:
        raise LookupError("No HomePage: the migration cms/0002 creates it.")
    return home


def workshop_index_page() -> WorkshopSeriesIndexPage:
    """The first workshop overview page, created below the home page if there is none."""
    index = WorkshopSeriesIndexPage.objects.order_by("path").first()
    return index or WorkshopSeriesIndexPageFactory()


class PageFactory(DjangoModelFactory):
    """Creates a page as a child of ``parent`` (see ``default_parent``)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Seite {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    live = True

    @classmethod
    def default_parent(cls):
        return home_page()

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("parent", None)
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.pop("parent", None) or cls.default_parent()
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page


class WorkshopSeriesIndexPageFactory(PageFactory):
    class Meta:
        model = WorkshopSeriesIndexPage

    title = factory.Sequence(lambda n: "Workshops" if n == 0 else f"Workshops {n}")
    intro = "<p>Unsere Workshopreihen.</p>"


class WorkshopSeriesPageFactory(PageFactory):
    class Meta:
        model = WorkshopSeriesPage

    title = factory.Sequence(lambda n: f"Einstieg in die Robotik {n}")
    teaser = "Roboter sicher programmieren und in die Fertigung einbinden."
    topic = factory.SubFactory(TopicFactory)
    target_group = "Fachkräfte aus Fertigung und Instandhaltung"
    format = WorkshopSeriesPage.Format.PRESENCE
    duration_hours = Decimal("7.0")
    price_member = Decimal("0.00")
    price_non_member = Decimal("290.00")
    trainer = "Dr. Günther Öztürk"

    @classmethod
    def default_parent(cls):
        return workshop_index_page()


# --- Workshops -------------------------------------------------------------------------------


class DateParts(PostGenerationDeclaration):
    """Creates the DateParts of a WorkshopDate.

    ``parts=N`` (default 1) makes N parts, ``parts__every`` apart (default one week),
    from the factory's ``starts_at``, each ``part_length`` long; ``parts=[(start, end), ...]``
    makes exactly those; ``parts=0`` makes none.
    """

    def call(self, instance, step, context):
        if step.builder.strategy != CREATE_STRATEGY:
            return []
        value = context.value if context.value_provided else 1
        if isinstance(value, int):
            starts_at = step.attributes["starts_at"]
            length = step.attributes["part_length"]
            every = context.extra.get("every", timedelta(days=7))
            # Wall-clock arithmetic: 09:00 stays 09:00 across a change to summer time.
            spans = [(starts_at + i * every, starts_at + i * every + length) for i in range(value)]
        else:
            spans = list(value)
        return [
            DatePart.objects.create(date=instance, starts_at=start, ends_at=end)
            for start, end in spans
        ]


class WorkshopDateFactory(DjangoModelFactory):
    """An open date four weeks ahead, with one part of seven hours (09:00–16:00 Berlin time).

    ``starts_at`` moves the first part and the deadlines along with it.
    """

    class Meta:
        model = WorkshopDate
        skip_postgeneration_save = True

    class Params:
        starts_at = factory.LazyFunction(default_start)
        part_length = timedelta(hours=7)

    series = factory.SubFactory(WorkshopSeriesPageFactory)
    status = WorkshopDate.Status.OPEN
    capacity = 12
    enrolment_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=7))
    cancellation_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=3))
    venue_name = "Technologiezentrum"
    venue_street = "Gutenbergstraße 5"
    venue_postal_code = "72764"
    venue_city = "Reutlingen"
    parts = DateParts()


class DatePartFactory(DjangoModelFactory):
    class Meta:
        model = DatePart

    date = factory.SubFactory(WorkshopDateFactory, parts=0)
    starts_at = factory.LazyFunction(default_start)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=7))


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    date = factory.SubFactory(WorkshopDateFactory)
    person = factory.SubFactory(PersonFactory)
    status = Enrolment.Status.CONFIRMED
