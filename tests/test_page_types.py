"""The page types the office edits: where each may live, and that each renders and previews."""

from datetime import date
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from cms.models import (
    ContactPointIndexPage,
    ContactPointPage,
    FundingProgrammeIndexPage,
    FundingProgrammePage,
    FundingRate,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SignLanguagePage,
    StandardPage,
    TopicIndexPage,
    TopicPage,
    WorkshopSeriesIndexPage,
    WorkshopSeriesPage,
)
from members.management.commands import _demo_media as media
from members.models import ADVISOR_GROUP
from tests.factories import (
    DistrictFactory,
    TopicFactory,
    UserFactory,
    WorkshopDateFactory,
    home_page,
)

ALL_TYPES = [
    HomePage,
    StandardPage,
    WorkshopSeriesIndexPage,
    WorkshopSeriesPage,
    TopicIndexPage,
    TopicPage,
    FundingProgrammeIndexPage,
    FundingProgrammePage,
    ContactPointIndexPage,
    ContactPointPage,
    NewsIndexPage,
    NewsPage,
    SignLanguagePage,
]


def add(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


class PageTypesTestCase(WagtailPageTestCase):
    @staticmethod
    def create_superuser(username, email=None, password=None, **kwargs):
        """A superuser who may open the admin: staff need a second factor (TOTP) there."""
        user = WagtailPageTestCase.create_superuser(username, email, password, **kwargs)
        TOTP.activate(user, generate_totp_secret())
        return user

    def setUp(self):
        self.editor = self.create_superuser("redaktion")
        self.client.force_login(self.editor)

    @classmethod
    def setUpTestData(cls):
        cls.home = home_page()
        cls.topic = TopicFactory(name="Robotik", slug="robotik")
        cls.standard = add(cls.home, StandardPage(title="Impressum", slug="impressum"))
        cls.series_index = add(
            cls.home, WorkshopSeriesIndexPage(title="Workshops", slug="workshops")
        )
        cls.funding_index = add(
            cls.home, FundingProgrammeIndexPage(title="Förderung", slug="foerderung")
        )
        cls.programme = FundingProgrammePage(
            title="Qualifizierung von Beschäftigten (§ 82 SGB III)",
            slug="sgb-iii-82",
            teaser="Förderung längerer Weiterbildungen.",
            benefit_summary="bis zu 100 % der Lehrgangskosten",
            applicant="der Arbeitgeber",
            min_duration=Decimal("120"),
            min_duration_exclusive=True,
            approval_required="both",
            federal_states=["BW", "BY"],
            legal_source="§ 82 SGB III",
            valid_from=date(2024, 4, 1),
            checked_on=date(2026, 11, 16),
        )
        cls.programme.rates = [
            FundingRate(min_employees=0, max_employees=49, course_cost_percent=100),
            FundingRate(min_employees=50, max_employees=None, course_cost_percent=50),
        ]
        add(cls.funding_index, cls.programme)
        cls.series = WorkshopSeriesPage(
            title="Einstieg in die Robotik",
            slug="robotik-einstieg",
            teaser="Cobots.",
            topic=cls.topic,
            target_group="Fachkräfte",
            duration_hours=Decimal("7.5"),
        )
        cls.series.funding_programmes = [cls.programme]
        add(cls.series_index, cls.series)
        cls.topic_index = add(cls.home, TopicIndexPage(title="Themen", slug="themen"))
        cls.topic_page = add(
            cls.topic_index,
            TopicPage(title="Robotik", slug="robotik", topic=cls.topic, intro="Roboter für KMU."),
        )
        cls.contact_index = add(
            cls.home, ContactPointIndexPage(title="Anlaufstellen", slug="anlaufstellen")
        )
        cls.contact_point = add(
            cls.contact_index,
            ContactPointPage(
                title="IHK Esslingen",
                slug="ihk-esslingen",
                organisation="IHK",
                street="Fabrikstraße 1",
                postal_code="73728",
                city="Esslingen",
                district=DistrictFactory(),
            ),
        )
        cls.news_index = add(cls.home, NewsIndexPage(title="Aktuelles", slug="aktuelles"))
        cls.news = add(
            cls.news_index,
            NewsPage(
                title="Förder-Check online",
                slug="foerder-check-online",
                date=date(2026, 11, 18),
                teaser="Welche Förderung passt?",
            ),
        )
        cls.sign_language = add(
            cls.home,
            SignLanguagePage(
                title="Gebärdensprache",
                slug="gebaerdensprache",
                video=media.ensure_document("Video", media.SIGN_VIDEO_MP4),
                captions=media.ensure_document("Untertitel", media.SIGN_CAPTIONS),
                supplied_by="Das Video stellt die Koordinierungsstelle bereit.",
                transcript="<p>Willkommen.</p>",
            ),
        )
        Group.objects.get_or_create(name=ADVISOR_GROUP)
        WorkshopDateFactory(series=cls.series)

    def assertCannotBeCreated(self, parent, model, data, message):
        """The admin's create form refuses `data` with `message`, and no page is added."""
        before = model.objects.count()
        url = reverse(
            "wagtailadmin_pages:add",
            args=[model._meta.app_label, model._meta.model_name, parent.pk],
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        self.assertEqual(model.objects.count(), before)

    def pages(self):
        return [
            self.home,
            self.standard,
            self.series_index,
            self.series,
            self.topic_index,
            self.topic_page,
            self.funding_index,
            self.programme,
            self.contact_index,
            self.contact_point,
            self.news_index,
            self.news,
            self.sign_language,
        ]

    # --- Which page may live where ---------------------------------------------------------

    def test_home_holds_the_sections_and_nothing_else(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                StandardPage,
                WorkshopSeriesIndexPage,
                TopicIndexPage,
                FundingProgrammeIndexPage,
                ContactPointIndexPage,
                NewsIndexPage,
                SignLanguagePage,
            },
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})
        for child in (
            WorkshopSeriesPage,
            TopicPage,
            FundingProgrammePage,
            ContactPointPage,
            NewsPage,
            HomePage,
        ):
            self.assertCanNotCreateAt(HomePage, child)

    def test_each_index_holds_only_its_own_pages(self):
        pairs = {
            WorkshopSeriesIndexPage: WorkshopSeriesPage,
            TopicIndexPage: TopicPage,
            FundingProgrammeIndexPage: FundingProgrammePage,
            ContactPointIndexPage: ContactPointPage,
            NewsIndexPage: NewsPage,
        }
        for index, child in pairs.items():
            self.assertAllowedSubpageTypes(index, {child})
            self.assertAllowedParentPageTypes(child, {index})
            self.assertCanCreateAt(index, child)
            for other in set(pairs.values()) - {child}:
                self.assertCanNotCreateAt(index, other)
            self.assertCanNotCreateAt(index, StandardPage)

    def test_detail_pages_have_no_children(self):
        for detail in (
            WorkshopSeriesPage,
            TopicPage,
            FundingProgrammePage,
            ContactPointPage,
            NewsPage,
            SignLanguagePage,
        ):
            self.assertAllowedSubpageTypes(detail, set())

    def test_standard_pages_nest_below_home_only(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(Page, StandardPage)
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)

    def test_there_is_one_overview_each_for_topics_funding_and_news(self):
        for index in (TopicIndexPage, FundingProgrammeIndexPage, NewsIndexPage):
            self.assertFalse(index.can_create_at(self.home), index)
        self.assertTrue(StandardPage.can_create_at(self.home))

    # --- Rendering and preview ---------------------------------------------------------------

    def test_every_page_type_is_covered(self):
        self.assertEqual({type(page.specific) for page in self.pages()}, set(ALL_TYPES))

    def test_every_page_renders(self):
        for page in self.pages():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)

    def preview_data(self, page):
        """The edit form's fields as the browser sends them.

        The admin builds StreamField inputs in the browser, so they are filled in here: one
        paragraph per StreamField.
        """
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        self.client.force_login(self.editor)  # assertPageIsPreviewable logs out at its end
        data = querydict_from_html(
            self.client.get(edit_url).content.decode(), form_id="page-edit-form"
        )
        for field in type(page)._meta.get_fields():
            if isinstance(field, StreamField):
                stream = nested_form_data(
                    {
                        field.name: streamfield(
                            [
                                ("paragraph", rich_text("<p>Text aus der Vorschau</p>")),
                            ]
                        )
                    }
                )
                for key, value in stream.items():
                    data[key] = value
        return data

    def test_every_page_previews_from_its_edit_form(self):
        for page in self.pages():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsPreviewable(
                    page, post_data=self.preview_data(page), user=self.editor
                )

    def test_a_new_page_previews_before_its_first_save(self):
        # The create form's preview renders a page that has no id yet.
        for page in (self.series, self.programme):
            with self.subTest(page=type(page).__name__):
                data = self.preview_data(page)
                data["slug"] = f"{page.slug}-neu"
                parent = page.get_parent()
                preview_url = reverse(
                    "wagtailadmin_pages:preview_on_add",
                    args=[page._meta.app_label, page._meta.model_name, parent.pk],
                )
                response = self.client.post(preview_url, data)
                self.assertJSONEqual(response.content, {"is_valid": True, "is_available": True})
                preview = self.client.get(preview_url)
                self.assertEqual(preview.status_code, 200)
                self.assertContains(preview, "Text aus der Vorschau")

    def test_preview_shows_unsaved_changes_without_publishing(self):
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.news.pk])
        data = self.preview_data(self.news)
        data["title"] = "Noch nicht veröffentlicht: neue Reihe"
        response = self.client.post(preview_url, data)
        self.assertJSONEqual(response.content, {"is_valid": True, "is_available": True})
        preview = self.client.get(preview_url)
        self.assertContains(preview, "Noch nicht veröffentlicht: neue Reihe")
        self.assertContains(preview, "Text aus der Vorschau")
        self.client.logout()
        self.assertNotContains(self.client.get(self.news.url), "Noch nicht veröffentlicht")

    # --- Content --------------------------------------------------------------------------------

    def test_topic_page_lists_its_series_dates_and_feed(self):
        response = self.client.get(self.topic_page.url)
        self.assertContains(response, "Einstieg in die Robotik")
        self.assertContains(response, 'href="/kalender/thema/robotik.ics"')
        self.assertContains(response, "termin-")  # the upcoming date card

    def test_home_links_topics_news_and_funding(self):
        html = self.client.get("/").content.decode()
        self.assertIn(f'href="{self.topic_page.url}"', html)
        self.assertIn("Förder-Check online", html)
        self.assertIn(f'href="{self.news.url}"', html)

    def test_programme_page_shows_rates_source_and_linked_series(self):
        response = self.client.get(self.programme.url)
        self.assertContains(response, "bis 49 Beschäftigte")
        self.assertContains(response, "ab 50 Beschäftigten")
        self.assertContains(response, "Baden-Württemberg, Bayern")
        self.assertContains(response, "16.11.2026")
        self.assertContains(response, f'href="{self.series.url}"')

    def test_a_topic_gets_one_topic_page(self):
        self.assertCannotBeCreated(
            self.topic_index,
            TopicPage,
            nested_form_data(
                {
                    "title": "Robotik noch einmal",
                    "slug": "robotik-2",
                    "topic": self.topic.pk,
                    "intro": "",
                    "body": streamfield([]),
                }
            ),
            "Für dieses Thema gibt es schon eine Themenseite.",
        )

    def test_office_edits_funding_rules_in_the_admin(self):
        data = nested_form_data(
            {
                "title": "ESF Plus Fachkurse",
                "slug": "esf-fachkurse",
                "teaser": "Kurze Fachkurse.",
                "benefit_summary": "30 % der Kursgebühr",
                "applicant": "der Bildungsanbieter",
                "duration_unit": "teaching_units",
                "min_duration": "8",
                "max_duration": "160",
                "max_amount": "6000",
                "conditions": "Abschluss in sechs Monaten",
                "legal_source": "ESF Plus BW",
                "source_url": "",
                "valid_from": "2021-01-01",
                "valid_until": "",
                "checked_on": "2026-11-16",
                "body": streamfield([]),
                "rates": inline_formset(
                    [
                        {
                            "min_employees": "0",
                            "max_employees": "",
                            "course_cost_percent": "30",
                            "wage_subsidy_percent": "",
                            "raised_course_cost_percent": "70",
                            "raised_from_age": "55",
                            "raised_without_qualification": "on",
                            "note": "",
                        }
                    ]
                ),
            }
        )
        data["federal_states"] = ["BW", "HE"]  # checkboxes: one value each
        self.assertCanCreate(self.funding_index, FundingProgrammePage, data)
        created = FundingProgrammePage.objects.get(slug="esf-fachkurse")
        self.assertEqual(created.federal_states, ["BW", "HE"])
        self.assertContains(self.client.get(created.url), "Baden-Württemberg, Hessen")
        rate = created.rates.get()
        self.assertEqual(
            (rate.course_cost_percent, rate.raised_course_cost_percent, rate.raised_from_age),
            (30, 70, 55),
        )
        self.assertTrue(rate.raised_without_qualification)

    def test_admin_rejects_contradictory_rules(self):
        self.assertCannotBeCreated(
            self.funding_index,
            FundingProgrammePage,
            nested_form_data(
                {
                    "title": "Widersprüchlich",
                    "slug": "widerspruechlich",
                    "teaser": "x",
                    "benefit_summary": "x",
                    "applicant": "x",
                    "duration_unit": "hours",
                    "min_duration": "200",
                    "max_duration": "100",
                    "legal_source": "x",
                    "valid_from": "2024-01-01",
                    "checked_on": "2026-11-16",
                    "body": streamfield([]),
                    "rates": inline_formset([]),
                }
            ),
            "Die Höchstdauer darf nicht kleiner als die Mindestdauer sein.",
        )

    def test_editor_changes_go_through_the_approval_workflow(self):
        """The default workflow on the root: an editor submits, a moderator approves."""
        workflow = self.news.get_workflow()
        self.assertIsNotNone(workflow)
        self.assertTrue(workflow.active)
        editor = UserFactory(email="redaktion@verbund.example")
        editor.groups.add(Group.objects.get(name="Editors"))
        moderator = UserFactory(email="freigabe@verbund.example")
        moderator.groups.add(Group.objects.get(name="Moderators"))

        self.news.title = "Geänderte Meldung"
        revision = self.news.save_revision(user=editor)
        state = workflow.start(self.news, editor)
        self.assertEqual(state.status, state.STATUS_IN_PROGRESS)
        self.assertFalse(self.news.permissions_for_user(editor).can_publish())
        self.assertEqual(Page.objects.get(pk=self.news.pk).title, "Förder-Check online")

        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, moderator, "approve")
        state.refresh_from_db()
        self.assertEqual(state.status, state.STATUS_APPROVED)
        self.assertEqual(Page.objects.get(pk=self.news.pk).title, "Geänderte Meldung")
        self.assertEqual(Page.objects.get(pk=self.news.pk).live_revision, revision)
