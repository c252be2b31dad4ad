import logging
from collections import Counter, deque
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models import (
    AdviceRequest,
    ContactPointIndexPage,
    ContactPointPage,
    FundingProgrammeIndexPage,
    FundingProgrammePage,
    FundingRate,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OfficeSettings,
    SignLanguagePage,
    StandardPage,
    Topic,
    TopicIndexPage,
    TopicPage,
    WorkshopSeriesIndexPage,
    WorkshopSeriesPage,
)
from cms.services.advice import CONSENT_TEXT as ADVICE_CONSENT_TEXT
from members import demo as content
from members.models import (
    ADVISOR_GROUP,
    STAFF_GROUP,
    TRAINER_GROUP,
    District,
    Firm,
    Invitation,
    MembershipApplication,
    Person,
    User,
)
from members.services.invitations import create_invitation, invitation_url
from members.services.onboarding import CONSENT_TEXT
from workshops.models import Attendance, DatePart, Enrolment, Feedback, WorkshopDate

from . import _demo_media as media

BERLIN = ZoneInfo("Europe/Berlin")
CHATTY_LOGGERS = ["wagtail", "django_tasks"]
PROJECT_APPS = ["members", "cms", "workshops", "tasks"]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document", "delete_document"],
}


def easter_sunday(year):
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def is_workshop_day(day):
    """No workshops on public holidays in Baden-Württemberg or between 23 Dec and 6 Jan."""
    if (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day <= 6):
        return False
    fixed = {(5, 1), (10, 3), (11, 1)}
    easter = easter_sunday(day.year)
    movable = {easter + timedelta(days=shift) for shift in (-2, 1, 39, 50, 60)}
    return (day.month, day.day) not in fixed and day not in movable


FUNDING_LINKS = ("alternative_without_qualification", "not_combinable_with")


def add_funding_programmes(index, specs):
    """The demo's funding programmes under `index`, published, with the links between them
    (given by key in the specs); programmes already there are kept as they are. Returns
    ({key: page}, how many were created)."""
    programmes, links = {}, {}
    for spec in specs:
        spec = dict(spec)
        key, slug, rates = spec.pop("key"), spec.pop("slug"), spec.pop("rates")
        named = {name: spec.pop(name) for name in FUNDING_LINKS if name in spec}
        existing = index.get_children().filter(slug=slug).first()
        if existing is not None:
            programmes[key] = existing.specific
            continue
        spec.setdefault("checked_on", content.FUNDING_CHECKED_ON)
        page = FundingProgrammePage(slug=slug, **spec)
        page.rates = [FundingRate(**rate) for rate in rates]
        index.add_child(instance=page)
        programmes[key] = page
        links[key] = named
    for key, named in links.items():
        page = programmes[key]
        alternative = named.get("alternative_without_qualification")
        page.alternative_without_qualification = programmes.get(alternative)
        page.not_combinable_with = [
            programmes[other]
            for other in named.get("not_combinable_with", [])
            if other in programmes
        ]
        page.save()
        page.save_revision().publish()
    return programmes, len(links)


class Command(BaseCommand):
    help = (
        "Legt das Demo-Netzwerk an (Region Stuttgart): Koordinierungsstelle, "
        "Mitgliedsunternehmen mit Beschäftigten, Themen, Seiten, Workshoptermine und "
        "Anmeldungen. Alle Demo-Konten haben das Passwort Verbund-Demo-2026. "
        "Der Befehl ergänzt nur, was fehlt: Konten, Kreise, Unternehmen, Personen, Themen "
        "und Seiten werden über E-Mail-Adresse, Kurzname, Firmenname bzw. Name und "
        "Seitenpfad wiedererkannt und nie überschrieben. Termine liegen relativ zum Tag der "
        "ersten Ausführung in den nächsten drei Monaten; sie werden je Workshopreihe nach "
        "ihrer Reihenfolge (älteste zuerst) gezählt, und nur fehlende Termine werden samt "
        "Anmeldungen neu angelegt. Bestehende Termine werden nicht verschoben. "
        "Läuft nur mit DEBUG=1 oder mit --force. / Creates the demo network; adds only what "
        "is missing, so a second run changes nothing. Refuses to run unless DEBUG is on or "
        "--force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch ohne DEBUG ausführen (z. B. auf einem Vorführsystem). / Run without DEBUG.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo legt Demodaten mit bekannten Passwörtern an und läuft deshalb nur "
                "mit DEBUG=1 oder mit --force. / seed_demo creates demo data with known "
                "passwords and only runs with DEBUG=1 or with --force."
            )
        self.now = timezone.now()
        self.today = timezone.localtime(self.now, BERLIN).date()
        self.password_hash = make_password(content.DEMO_PASSWORD)
        self.created = Counter()
        self.logins = []
        self.invitation_link = None

        with self.quiet(options["verbosity"] < 2), transaction.atomic():
            districts = self.seed_districts()
            staff = self.seed_staff()
            firms = self.seed_firms(districts)
            topics = self.seed_topics()
            pages = self.seed_pages(topics)
            self.seed_office_settings(pages)
            self.seed_staff_group(staff, pages["home"])
            self.seed_workflow(pages["home"])
            self.seed_dates(pages["series"], districts, firms)
            self.seed_history(pages["series"], districts, firms)
            self.seed_role_groups()
            self.seed_trainer(pages["series"])
            self.seed_contact_points(districts, topics, pages["home"])
            self.seed_application(firms)
            self.seed_invitation(firms)

        self.print_summary()

    @contextmanager
    def quiet(self, enabled):
        """Hide the per-page log lines of Wagtail and the task runner."""
        loggers = [logging.getLogger(name) for name in CHATTY_LOGGERS] if enabled else []
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.WARNING)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)

    # --- Accounts and firms --------------------------------------------------------------

    def ensure_user(self, email, first_name, last_name, label, **extra):
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "password": self.password_hash,
                **extra,
            },
        )
        self.created["Konten"] += created
        address, address_created = EmailAddress.objects.get_or_create(
            user=user,
            email=email,
            defaults={
                "verified": True,
                "primary": not EmailAddress.objects.filter(user=user, primary=True).exists(),
            },
        )
        if not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        self.logins.append((email, label))
        return user

    def seed_districts(self):
        districts = {}
        for slug, name in content.DISTRICTS:
            district, created = District.objects.get_or_create(slug=slug, defaults={"name": name})
            self.created["Kreise"] += created
            districts[slug] = district
        return districts

    def seed_staff(self):
        staff = []
        for spec in content.STAFF:
            label = "Koordinierungsstelle" + (" (Superuser)" if spec["is_superuser"] else "")
            user = self.ensure_user(
                spec["email"],
                spec["first_name"],
                spec["last_name"],
                label,
                is_staff=True,
                is_superuser=spec["is_superuser"],
            )
            # Staff need a second factor for the admin; the demo secret is in the README.
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, spec["totp_secret"])
            staff.append(user)
        return staff

    def seed_firms(self, districts):
        """Returns {firm name: (firm, admin user, [employees in spec order])}."""
        firms = {}
        for spec, status in [(spec, Firm.Status.ACTIVE) for spec in content.FIRMS] + [
            (content.APPLICANT, Firm.Status.APPLIED)
        ]:
            firm, created = Firm.objects.get_or_create(
                name=spec["name"],
                defaults={
                    "legal_form": spec["legal_form"],
                    "sector": Firm.Sector.C,
                    "employee_count": spec["employee_count"],
                    "district": districts[spec["district"]],
                    "street": spec["street"],
                    "postal_code": spec["postal_code"],
                    "city": spec["city"],
                    "phone": spec["phone"],
                    "website": f"https://www.{spec['domain']}",
                    "status": status,
                    "allow_self_enrolment": spec["allow_self_enrolment"],
                    "created_at": self.now - timedelta(days=3 if status == "applied" else 400),
                },
            )
            self.created["Unternehmen"] += created
            domain = spec["domain"]
            short = spec["name"].split()[0]

            first, last, department, local = spec["admin"]
            email = f"{local}@{domain}"
            admin_user = self.ensure_user(email, first, last, f"Firmenadministration {short}")
            self.ensure_person(firm, Person.Role.ADMIN, first, last, department, email, admin_user)

            for first, last, department, local in spec["contacts"]:
                email = f"{local}@{domain}"
                user = self.ensure_user(email, first, last, f"Ansprechperson {short}")
                self.ensure_person(firm, Person.Role.CONTACT, first, last, department, email, user)

            employees = []
            for first, last, department, local, has_login, *left in spec["employees"]:
                email = f"{local}@{domain}" if local else ""
                user = (
                    self.ensure_user(email, first, last, f"Beschäftigte/r {short}")
                    if has_login
                    else None
                )
                left_on = self.today - timedelta(days=left[0]) if left else None
                employees.append(
                    self.ensure_person(
                        firm, Person.Role.EMPLOYEE, first, last, department, email, user, left_on
                    )
                )
            firms[firm.name] = (firm, admin_user, employees)
        return firms

    def ensure_person(self, firm, role, first, last, department, email, user, left_on=None):
        person, created = Person.objects.get_or_create(
            firm=firm,
            first_name=first,
            last_name=last,
            defaults={
                "role": role,
                "department": department,
                "email": email,
                "user": user,
                "left_on": left_on,
                "created_at": firm.created_at,
            },
        )
        self.created["Personen"] += created
        return person

    def seed_role_groups(self):
        for name in (TRAINER_GROUP, ADVISOR_GROUP):
            _group, created = Group.objects.get_or_create(name=name)
            self.created["Gruppen"] += created

    def seed_trainer(self, series_pages):
        """The robotics trainer: sees the participants of the robotics dates."""
        spec = content.TRAINER
        trainer = self.ensure_user(
            spec["email"], spec["first_name"], spec["last_name"], "Trainer/in (Robotik)"
        )
        trainer.groups.add(Group.objects.get(name=TRAINER_GROUP))
        robotics = WorkshopDate.objects.filter(series=series_pages["robotik"])
        trainer.trained_dates.add(*robotics)

    def seed_contact_points(self, districts, topics, home):
        """The Lotsennetzwerk: three contact points, one advisor, a few advice requests."""
        spec = dict(content.CONTACT_POINT_INDEX)
        index = self.ensure_page(home, ContactPointIndexPage, spec.pop("slug"), spec)
        spec = content.ADVISOR
        advisor = self.ensure_user(
            spec["email"], spec["first_name"], spec["last_name"], "Lotse/Lotsin"
        )
        advisor.groups.add(Group.objects.get(name=ADVISOR_GROUP))
        points = {}
        for spec in content.CONTACT_POINTS:
            spec = dict(spec)
            slug = spec.pop("slug")
            district = districts[spec.pop("district")]
            topic_slugs = spec.pop("topics")
            has_advisor = spec.pop("advisor")
            existing = index.get_children().filter(slug=slug).first()
            if existing is not None:
                points[slug] = existing.specific
                continue
            page = ContactPointPage(slug=slug, district=district, **spec)
            page.topics = [topics[topic] for topic in topic_slugs]
            page.advisors = [advisor] if has_advisor else []
            index.add_child(instance=page)
            page.save_revision().publish()
            self.created["Seiten"] += 1
            points[slug] = page
        for spec in content.ADVICE_REQUESTS:
            spec = dict(spec)
            point = points[spec.pop("contact_point")]
            received = self.now - timedelta(days=spec.pop("days_ago"))
            topic = topics[spec.pop("topic")]
            _request, created = AdviceRequest.objects.get_or_create(
                contact_point=point,
                name=spec.pop("name"),
                defaults={
                    **spec,
                    "topic": topic,
                    "consent_text": str(ADVICE_CONSENT_TEXT),
                    "consent_given_at": received,
                    "created_at": received,
                },
            )
            self.created["Beratungsanfragen"] += created

    def seed_application(self, firms):
        firm, _admin, _employees = firms[content.APPLICANT["name"]]
        first, last, _department, local = content.APPLICANT["admin"]
        submitted_at = self.now - timedelta(days=content.APPLICATION["submitted_days_ago"])
        _application, created = MembershipApplication.objects.get_or_create(
            firm=firm,
            defaults={
                "contact_first_name": first,
                "contact_last_name": last,
                "contact_email": f"{local}@{content.APPLICANT['domain']}",
                "contact_phone": content.APPLICATION["contact_phone"],
                "consent_text": str(CONSENT_TEXT),
                "consent_given_at": submitted_at,
                "submitted_at": submitted_at,
            },
        )
        self.created["Aufnahmeanträge"] += created

    def seed_invitation(self, firms):
        """One pending invitation; a new one only when none is pending any more."""
        spec = content.OPEN_INVITATION
        firm, admin, _employees = firms[spec["firm"]]
        if Invitation.objects.pending().filter(firm=firm, email__iexact=spec["email"]).exists():
            return
        person = Person.objects.filter(firm=firm, email__iexact=spec["email"]).first()
        _invitation, token = create_invitation(
            firm=firm, email=spec["email"], role=spec["role"], invited_by=admin, person=person
        )
        self.invitation_link = (spec["email"], invitation_url(token))
        self.created["Einladungen"] += 1

    # --- Topics and pages ------------------------------------------------------------------

    def seed_topics(self):
        topics = {}
        for spec in content.TOPICS:
            slug, name, description = spec["slug"], spec["name"], spec["description"]
            topic, created = Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            self.created["Themen"] += created
            if topic.image_id is None:
                topic.image = media.ensure_image(
                    f"Thema {name}",
                    f"thema-{slug}.png",
                    media.topic_picture(slug),
                    (media.WIDTH, media.HEIGHT),
                )
                topic.save(update_fields=["image"])
            topics[slug] = topic
        return topics

    def ensure_page(self, parent, model, slug, fields):
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            return existing.specific
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created["Seiten"] += 1
        return page

    def seed_pages(self, topics):
        home = HomePage.objects.first()
        if home is None:
            raise CommandError(
                "Keine Startseite gefunden; bitte zuerst `manage.py migrate` ausführen. / "
                "No home page found; run `manage.py migrate` first."
            )
        index_spec = dict(content.WORKSHOP_INDEX)
        index = self.ensure_page(
            home,
            WorkshopSeriesIndexPage,
            index_spec.pop("slug"),
            {**index_spec, "show_in_menus": True},
        )
        programmes = self.seed_funding_programmes(home)
        series = {}
        for spec in content.SERIES:
            fields = {
                key: spec[key]
                for key in (
                    "title",
                    "teaser",
                    "search_description",
                    "target_group",
                    "prerequisites",
                    "learning_outcomes",
                    "format",
                    "duration_hours",
                    "price_member",
                    "price_non_member",
                    "trainer",
                    "body",
                )
            }
            fitting = [programmes[key] for key in content.SERIES_FUNDING.get(spec["key"], [])]
            page = self.ensure_page(
                index,
                WorkshopSeriesPage,
                spec["slug"],
                {
                    **fields,
                    "topic": topics[spec["topic"]],
                    "language": "de",
                    "funding_programmes": fitting,
                },
            )
            if fitting and not page.funding_programmes.exists():
                # A series from before the funding pages existed: link it once.
                page.funding_programmes = fitting
                page.save_revision().publish()
                self.created["Seiten (Förderprogramme verknüpft)"] += 1
            series[spec["key"]] = page
        self.seed_topic_pages(home, topics)
        self.seed_news(home)
        standard = {}
        for spec in content.standard_pages(self.today):
            slug = spec.pop("slug")
            standard[slug] = self.ensure_page(home, StandardPage, slug, spec)
        sign_language = self.seed_sign_language_page(home)

        home = HomePage.objects.get(pk=home.pk)
        if not home.firm_cta_title:
            values = content.home_content(standard["ueber-uns"].pk, index.pk)
            home.intro = values["intro"]
            home.firm_cta_title = values["firm_cta_title"]
            home.firm_cta_text = values["firm_cta_text"]
            home.body = values["body"]
            home.search_description = values["search_description"]
            home.save_revision().publish()
            self.created["Seiten (Startseite befüllt)"] += 1
        return {
            "home": home,
            "index": index,
            "series": series,
            "standard": standard,
            "sign_language": sign_language,
        }

    def seed_sign_language_page(self, home):
        spec = content.sign_language_page()
        slug = spec.pop("slug")
        return self.ensure_page(
            home,
            SignLanguagePage,
            slug,
            {
                **spec,
                "video": media.ensure_document(
                    "Gebärdensprache: Video (MP4)", media.SIGN_VIDEO_MP4
                ),
                "video_webm": media.ensure_document(
                    "Gebärdensprache: Video (WebM)", media.SIGN_VIDEO_WEBM
                ),
                "captions": media.ensure_document(
                    "Gebärdensprache: Untertitel", media.SIGN_CAPTIONS
                ),
            },
        )

    def seed_funding_programmes(self, home):
        """The funding programmes with their rules (as checked in November 2026)."""
        index = self.ensure_page(
            home,
            FundingProgrammeIndexPage,
            content.FUNDING_INDEX["slug"],
            {key: value for key, value in content.FUNDING_INDEX.items() if key != "slug"},
        )
        programmes, created = add_funding_programmes(index, content.FUNDING_PROGRAMMES)
        self.created["Seiten"] += created
        return programmes

    def seed_topic_pages(self, home, topics):
        spec = dict(content.TOPIC_INDEX)
        index = self.ensure_page(home, TopicIndexPage, spec.pop("slug"), spec)
        for slug, topic in topics.items():
            if TopicPage.objects.filter(topic=topic).exists():
                continue
            self.ensure_page(
                index,
                TopicPage,
                slug,
                {
                    "title": topic.name,
                    "topic": topic,
                    "intro": topic.description,
                    "body": content.TOPIC_BODIES.get(slug, []),
                },
            )

    def seed_news(self, home):
        spec = dict(content.NEWS_INDEX)
        index = self.ensure_page(home, NewsIndexPage, spec.pop("slug"), spec)
        for spec in content.NEWS:
            spec = dict(spec)
            published = self.today - timedelta(days=spec.pop("days_ago"))
            self.ensure_page(index, NewsPage, spec.pop("slug"), {**spec, "date": published})

    def seed_workflow(self, home):
        """Page edits go through approval; the office approves.

        Wagtail's migrations assign the "Moderators approval" workflow to the root page. The
        demo keeps a workflow on the site and lets the office group approve, so an editor
        without publish rights submits changes and the office releases them.
        """
        root = home.get_parent()
        assignment = (
            WorkflowPage.objects.filter(page__in=[root, home], workflow__active=True)
            .select_related("workflow")
            .first()
        )
        if assignment is None:
            workflow, _created = Workflow.objects.get_or_create(
                name="Freigabe durch die Koordinierungsstelle", defaults={"active": True}
            )
            WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
        else:
            workflow = assignment.workflow
        task = GroupApprovalTask.objects.filter(
            pk__in=workflow.workflow_tasks.values("task")
        ).first()
        if task is None:
            task, _created = GroupApprovalTask.objects.get_or_create(
                name="Freigabe durch die Koordinierungsstelle"
            )
            WorkflowTask.objects.get_or_create(
                workflow=workflow, task=task, defaults={"sort_order": 0}
            )
        task.groups.add(Group.objects.get(name=STAFF_GROUP))

    def seed_office_settings(self, pages):
        site = Site.objects.filter(root_page=pages["home"]).first() or Site.objects.get(
            is_default_site=True
        )
        office = OfficeSettings.for_site(site)
        changed = False
        default_name = OfficeSettings._meta.get_field("office_name").default
        for field, value in content.OFFICE.items():
            current = getattr(office, field)
            if not current or (field == "office_name" and current == default_name):
                setattr(office, field, value)
                changed = True
        standard = pages["standard"]
        for field, slug in [
            ("imprint_page", "impressum"),
            ("privacy_page", "datenschutz"),
            ("accessibility_page", "barrierefreiheit"),
        ]:
            if getattr(office, f"{field}_id") is None:
                setattr(office, field, standard[slug])
                changed = True
        for field, page in [
            ("easy_language_page", standard["leichte-sprache"]),
            ("sign_language_page", pages["sign_language"]),
        ]:
            if getattr(office, f"{field}_id") is None:
                setattr(office, field, page)
                changed = True
        if office.logo_id is None:
            office.logo = media.ensure_image(
                "Logo des Verbunds", "logo-verbund.svg", media.LOGO_SVG.encode(), (64, 64)
            )
            changed = True
        if changed:
            office.save()

    def seed_staff_group(self, staff, home):
        group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
        excluded_types = [ContentType.objects.get_for_model(User)] + [
            ContentType.objects.get_for_model(model)
            for model in apps.get_app_config("cms").get_models()
            if issubclass(model, Page)
        ]
        model_permissions = (
            Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
            .filter(
                Q(codename__startswith="add_")
                | Q(codename__startswith="change_")
                | Q(codename__startswith="delete_")
                | Q(codename__startswith="view_")
            )
            .exclude(content_type__in=excluded_types)
        )
        admin_access = Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        group.permissions.add(*admin_access, *model_permissions)

        page_type = ContentType.objects.get_for_model(Page)
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=Permission.objects.get(content_type=page_type, codename=codename),
            )
        root_collection = Collection.get_first_root_node()
        for app_label, codenames in COLLECTION_PERMISSIONS.items():
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            ):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        for user in staff:
            user.groups.add(group)

    # --- Workshop dates and enrolments --------------------------------------------------

    def seed_dates(self, series_pages, districts, firms):
        active = [firms[spec["name"]] for spec in content.FIRMS]
        rotation = 0
        for spec in content.SERIES:
            page = series_pages[spec["key"]]
            existing = WorkshopDate.objects.filter(series=page).count()
            for ordinal, date_spec in enumerate(spec["dates"]):
                rotation += 1
                if ordinal < existing:
                    continue
                self.create_date(page, date_spec, districts, active, rotation)

    def seed_history(self, series_pages, districts, firms):
        """Dates that took place (attendance, certificates, feedback) and one running today
        for the trainer; only once, on a network without them."""
        done = WorkshopDate.Status.DONE
        if WorkshopDate.objects.filter(status=done).exists():
            return
        active = [firms[spec["name"]] for spec in content.FIRMS]
        for number, spec in enumerate(content.PAST_DATES):
            day = self.today - timedelta(days=spec["days_ago"])
            while not is_workshop_day(day):
                day -= timedelta(days=1)
            parts = [(self.local(day, start), self.local(day, end)) for start, end in spec["parts"]]
            workshop_date = self.history_date(
                series_pages[spec["series"]], spec, districts, parts, status=done
            )
            seated = self.seat(workshop_date, active, spec, rotation=number + 7)
            for index, enrolment in enumerate(seated):
                attended = index < spec["attended"]
                for part in workshop_date.parts.all():
                    Attendance.objects.create(
                        enrolment=enrolment,
                        part=part,
                        status=Attendance.Status.ATTENDED
                        if attended
                        else Attendance.Status.NO_SHOW,
                        recorded_at=part.ends_at,
                    )
            for enrolment, (rating, useful, to_improve) in zip(
                seated, spec["feedback"], strict=False
            ):
                Feedback.objects.create(
                    enrolment=enrolment,
                    rating=rating,
                    useful=useful,
                    to_improve=to_improve,
                    created_at=parts[-1][1] + timedelta(days=1),
                )
            self.created["Termine (durchgeführt)"] += 1
        spec = content.TODAY_DATE
        # Begun an hour ago, so that the trainer can take attendance at once.
        start = (self.now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        parts = [(start, start + timedelta(hours=spec["hours"]))]
        workshop_date = self.history_date(
            series_pages[spec["series"]], spec, districts, parts, status=WorkshopDate.Status.OPEN
        )
        self.seat(workshop_date, active, spec, rotation=3)
        self.created["Termine (heute)"] += 1

    def history_date(self, page, spec, districts, parts, *, status):
        first_start = parts[0][0]
        workshop_date = WorkshopDate.objects.create(
            series=page,
            status=status,
            capacity=spec["capacity"],
            firm_limit=None,
            enrolment_deadline=first_start - timedelta(days=5),
            cancellation_deadline=first_start - timedelta(days=3),
            district=districts[spec["district"]],
            **content.VENUES[spec["district"]],
        )
        for starts_at, ends_at in parts:
            DatePart.objects.create(date=workshop_date, starts_at=starts_at, ends_at=ends_at)
        return workshop_date

    def seat(self, workshop_date, active_firms, spec, *, rotation):
        """Confirmed seats for the people picked for a date, enrolled by their firm."""
        people = self.pick_participants(
            active_firms, spec["confirmed"], None, rotation, spec.get("include", [])
        )
        admins = {firm.pk: admin for firm, admin, _employees in active_firms}
        enrolled_at = workshop_date.enrolment_deadline - timedelta(days=10)
        seated = []
        for index, person in enumerate(people):
            seated.append(
                Enrolment.objects.create(
                    date=workshop_date,
                    person=person,
                    status=Enrolment.Status.CONFIRMED,
                    enrolled_by=person.user or admins[person.firm_id],
                    created_at=enrolled_at + timedelta(hours=index),
                )
            )
            self.created["Anmeldungen"] += 1
        return seated

    def local(self, day, clock):
        hours, minutes = (int(value) for value in clock.split(":"))
        return datetime.combine(day, time(hours, minutes), tzinfo=BERLIN)

    def schedule(self, page, spec):
        """The days of the parts: near the planned day, on working days, not twice a day."""
        planned = self.today + timedelta(days=spec["offset"])
        planned += timedelta(days=(spec["weekday"] - planned.weekday()) % 7)
        taken = {
            timezone.localtime(start, BERLIN).date()
            for start in DatePart.objects.filter(date__series=page).values_list(
                "starts_at", flat=True
            )
        }
        for weeks in (0, -1, 1, -2, 2, -3, 3, 4, 5, 6):
            first = planned + timedelta(weeks=weeks)
            days = [first + timedelta(days=shift) for shift, *_rest in spec["parts"]]
            if first >= self.today + timedelta(days=7) and all(
                is_workshop_day(day) and day not in taken for day in days
            ):
                return days
        raise CommandError(
            "Kein passender Termin gefunden. / No suitable day found for a workshop date."
        )

    def create_date(self, page, spec, districts, active_firms, rotation):
        days = self.schedule(page, spec)
        parts = [
            (self.local(day, start), self.local(day, end), title)
            for day, (_shift, start, end, title) in zip(days, spec["parts"], strict=True)
        ]
        first_day = days[0]
        first_start = parts[0][0]
        venue = {} if spec.get("online") else content.VENUES[spec["district"]]
        workshop_date = WorkshopDate.objects.create(
            series=page,
            status=WorkshopDate.Status.FULL if spec.get("full") else WorkshopDate.Status.OPEN,
            capacity=spec["capacity"],
            firm_limit=spec.get("firm_limit"),
            enrolment_deadline=self.local(first_day - timedelta(days=5), "23:59"),
            cancellation_deadline=first_start - timedelta(days=3),
            district=districts[spec["district"]] if spec.get("district") else None,
            online_url=content.ONLINE_URL if spec.get("online") else "",
            **venue,
        )
        for starts_at, ends_at, title in parts:
            DatePart.objects.create(
                date=workshop_date, title=title, starts_at=starts_at, ends_at=ends_at
            )
        self.created["Termine"] += 1

        people = self.pick_participants(
            active_firms,
            spec["confirmed"] + spec["waitlisted"],
            spec.get("firm_limit"),
            rotation,
            spec.get("include", []),
        )
        admins = {firm.pk: admin for firm, admin, _employees in active_firms}
        enrolled_at = self.now - timedelta(days=14)
        for index, person in enumerate(people):
            Enrolment.objects.create(
                date=workshop_date,
                person=person,
                status=(
                    Enrolment.Status.CONFIRMED
                    if index < spec["confirmed"]
                    else Enrolment.Status.WAITLISTED
                ),
                enrolled_by=person.user or admins[person.firm_id],
                created_at=enrolled_at + timedelta(hours=3 * index, minutes=7 * index),
            )
            self.created["Anmeldungen"] += 1

    def pick_participants(self, active_firms, count, firm_limit, rotation, include):
        """Round robin over the firms, so a date mixes firms and respects the firm limit."""
        chosen = list(Person.objects.filter(email__in=include, role=Person.Role.EMPLOYEE))
        per_firm = Counter(person.firm_id for person in chosen)
        shift = rotation % len(active_firms)
        order = active_firms[shift:] + active_firms[:shift]
        queues = {}
        for firm, _admin, employees in order:
            available = [p for p in employees if p.left_on is None and p not in chosen]
            if available:
                turn = rotation % len(available)
                available = available[turn:] + available[:turn]
            queues[firm.pk] = deque(available)
        while len(chosen) < count:
            progressed = False
            for firm, _admin, _employees in order:
                if len(chosen) >= count:
                    break
                if firm_limit and per_firm[firm.pk] >= firm_limit:
                    continue
                if queues[firm.pk]:
                    chosen.append(queues[firm.pk].popleft())
                    per_firm[firm.pk] += 1
                    progressed = True
            if not progressed:
                raise CommandError(
                    "Zu wenige Beschäftigte für die geplanten Anmeldungen. / "
                    "Not enough employees for the planned enrolments."
                )
        return chosen

    # --- Summary ----------------------------------------------------------------------------

    def print_summary(self):
        write = self.stdout.write
        enrolments = Enrolment.objects.all()
        rows = [
            ("Kreise", District.objects.count()),
            ("Mitgliedsunternehmen", Firm.objects.filter(status=Firm.Status.ACTIVE).count()),
            ("Aufnahmeanträge", Firm.objects.filter(status=Firm.Status.APPLIED).count()),
            ("Personen", Person.objects.count()),
            ("Konten", User.objects.count()),
            ("Themen", Topic.objects.count()),
            ("Workshopreihen", WorkshopSeriesPage.objects.live().count()),
            ("Termine", WorkshopDate.objects.count()),
            (
                "Anmeldungen (bestätigt)",
                enrolments.filter(status=Enrolment.Status.CONFIRMED).count(),
            ),
            (
                "Anmeldungen (Warteliste)",
                enrolments.filter(status=Enrolment.Status.WAITLISTED).count(),
            ),
            ("Seiten", Page.objects.filter(depth__gt=1).count()),
        ]
        write(self.style.SUCCESS("Demo-Netzwerk Region Stuttgart ist bereit."))
        for label, number in rows:
            write(f"  {label:<28} {number:>4}")
        new = ", ".join(f"{count} {label}" for label, count in self.created.items() if count)
        write(f"Neu angelegt: {new}" if new else "Neu angelegt: nichts – alles war vorhanden.")
        write("")
        write(f"Demo-Anmeldungen (Passwort für alle: {content.DEMO_PASSWORD}):")
        for email, label in self.logins:
            write(f"  {email:<45} {label}")
        if self.invitation_link:
            email, url = self.invitation_link
            write("")
            write(f"Offene Einladung für {email}:")
            write(f"  {url}")
