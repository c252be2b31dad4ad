"""Contact points and advice requests: the public form, the advisors' queue, the rights."""

import time

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from wagtail.models import ModelLogEntry

from cms.forms import form_started_token
from cms.models import AdviceNote, AdviceRequest, ContactPointIndexPage, ContactPointPage
from members.models import Person

from .factories import DistrictFactory, FirmFactory, PersonFactory, TopicFactory, UserFactory

QUEUE = "/beratung/anfragen/"
FORM = "/beratung/anfrage/"
LOGIN_PATHS = ("/konto/login/",)


def advisor_user(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name="Lotsen")[0])
    return user


def contact_point(index, title, district, advisors=(), topics=(), **fields):
    page = ContactPointPage(
        title=title,
        organisation=fields.pop("organisation", "Bildungsberatung e. V."),
        street="Marktplatz 1",
        postal_code="73728",
        city=fields.pop("city", "Esslingen am Neckar"),
        district=district,
        phone="0711 123456",
        opening_hours="Mo–Do 9:00–16:00 Uhr\nFr 9:00–12:00 Uhr",
        contact_person="Sabine Krämer",
        **fields,
    )
    page.topics = list(topics)
    page.advisors = list(advisors)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_request(point, **fields):
    values = {
        "name": "Petra Langenbach",
        "email": "p.langenbach@drehteile.example",
        "message": "Wir suchen eine Schulung zur Roboterprogrammierung.",
        "consent_text": "Einwilligung",
        "consent_given_at": "2026-01-05T10:00:00+01:00",
    }
    values.update(fields)
    return AdviceRequest.objects.create(contact_point=point, **values)


@pytest.fixture
def lotsen(db):
    from .factories import home_page

    index = ContactPointIndexPage(title="Anlaufstellen", slug="anlaufstellen")
    home_page().add_child(instance=index)
    index.save_revision().publish()
    esslingen = DistrictFactory(name="Esslingen", slug="esslingen")
    goeppingen = DistrictFactory(name="Göppingen", slug="goeppingen")
    robotik = TopicFactory(name="Robotik", slug="robotik")
    advisor = advisor_user(email="lotse@verbund.example")
    other_advisor = advisor_user(email="lotsin@verbund.example")
    own = contact_point(index, "IHK Esslingen", esslingen, advisors=[advisor], topics=[robotik])
    other = contact_point(
        index,
        "Gewerkschaftshaus Göppingen",
        goeppingen,
        advisors=[other_advisor],
        city="Göppingen",
    )
    return {
        "index": index,
        "own": own,
        "other": other,
        "advisor": advisor,
        "other_advisor": other_advisor,
        "topic": robotik,
        "own_request": make_request(own),
        "other_request": make_request(other, name="Dieter Brenner", email="", phone="07161 1234"),
    }


# --- Rights -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_advisor_sees_only_the_requests_of_their_contact_point(client, lotsen):
    client.force_login(lotsen["advisor"])

    html = client.get(QUEUE).content.decode()
    assert "Petra Langenbach" in html
    assert "Dieter Brenner" not in html
    assert client.get(f"{QUEUE}{lotsen['own_request'].pk}/").status_code == 200
    assert client.get(f"{QUEUE}{lotsen['other_request'].pk}/").status_code == 404
    response = client.post(
        f"{QUEUE}{lotsen['other_request'].pk}/",
        {"action": "status", "status-status": "done"},
    )
    assert response.status_code == 404
    lotsen["other_request"].refresh_from_db()
    assert lotsen["other_request"].status == AdviceRequest.Status.NEW


@pytest.mark.django_db
def test_staff_see_every_request(client, lotsen):
    client.force_login(UserFactory(staff=True))

    html = client.get(QUEUE).content.decode()
    assert "Petra Langenbach" in html and "Dieter Brenner" in html
    assert client.get(f"{QUEUE}{lotsen['other_request'].pk}/").status_code == 200


@pytest.mark.django_db
def test_advisor_who_left_the_group_sees_nothing(client, lotsen):
    advisor = lotsen["advisor"]
    advisor.groups.clear()
    client.force_login(advisor)
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}{lotsen['own_request'].pk}/").status_code == 403


def refused_users():
    firm = FirmFactory()
    users = {
        role: PersonFactory(firm=firm, role=role, with_account=True).user
        for role in (Person.Role.ADMIN, Person.Role.CONTACT, Person.Role.EMPLOYEE)
    }
    trainer = UserFactory()
    trainer.groups.add(Group.objects.get_or_create(name="Trainer")[0])
    users["trainer"] = trainer
    return users


@pytest.mark.parametrize("role", ["admin", "contact", "employee", "trainer"])
@pytest.mark.django_db
def test_other_roles_are_refused(client, lotsen, role):
    client.force_login(refused_users()[role])
    request = lotsen["own_request"]

    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}{request.pk}/").status_code == 403
    response = client.post(f"{QUEUE}{request.pk}/", {"action": "note", "note-text": "Hallo"})
    assert response.status_code == 403
    assert not AdviceNote.objects.exists()


@pytest.mark.django_db
def test_public_is_sent_to_the_login(client, lotsen):
    for path in (QUEUE, f"{QUEUE}{lotsen['own_request'].pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_PATHS)


@pytest.mark.django_db
def test_account_menu_links_the_queue_for_advisors_only(client, lotsen):
    client.force_login(lotsen["advisor"])
    assert f'href="{QUEUE}"' in client.get("/konto/email/").content.decode()
    client.force_login(UserFactory())
    assert f'href="{QUEUE}"' not in client.get("/konto/email/").content.decode()


# --- Working on a request -------------------------------------------------------------------


@pytest.mark.django_db
def test_advisor_changes_the_state_and_adds_a_note(client, lotsen):
    advisor = lotsen["advisor"]
    request = lotsen["own_request"]
    client.force_login(advisor)
    url = f"{QUEUE}{request.pk}/"

    response = client.post(url, {"action": "status", "status-status": "in_progress"})
    assert response.status_code == 302
    response = client.post(
        url, {"action": "note", "note-text": "Rückruf am Dienstag."}, follow=True
    )
    html = response.content.decode()
    assert "Rückruf am Dienstag." in html
    assert "in Bearbeitung" in html

    request.refresh_from_db()
    assert request.status == AdviceRequest.Status.IN_PROGRESS
    assert request.notes.get().author == advisor
    actions = set(
        ModelLogEntry.objects.filter(object_id=str(request.pk)).values_list("action", flat=True)
    )
    assert {"verbund.advice.status", "verbund.advice.note"} <= actions

    in_progress = client.get(QUEUE, {"status": "in_progress"}).content.decode()
    new = client.get(QUEUE, {"status": "new"}).content.decode()
    assert "Petra Langenbach" in in_progress
    assert "Petra Langenbach" not in new


@pytest.mark.django_db
def test_empty_note_is_refused_with_a_message(client, lotsen):
    client.force_login(lotsen["advisor"])
    response = client.post(
        f"{QUEUE}{lotsen['own_request'].pk}/", {"action": "note", "note-text": "  "}
    )
    assert response.status_code == 200
    assert "Bitte schreiben Sie eine Notiz." in response.content.decode()
    assert not AdviceNote.objects.exists()


@pytest.mark.django_db
def test_html_in_the_message_is_shown_escaped(client, lotsen):
    request = make_request(
        lotsen["own"], name="<b>Mallory</b>", message='<script>alert("x")</script> Hilfe'
    )
    client.force_login(lotsen["advisor"])

    for path in (QUEUE, f"{QUEUE}{request.pk}/"):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html, path
        assert "<b>Mallory</b>" not in html, path
        assert "&lt;script&gt;" in html or "&lt;script&gt;alert" in html, path


# --- The public form ------------------------------------------------------------------------


def form_data(lotsen, **changes):
    data = {
        "name": "Jana Öztürk",
        "firm_name": "Öztürk Zerspanung GmbH",
        "email": "j.oeztuerk@zerspanung.example",
        "phone": "",
        "topic": lotsen["topic"].pk,
        "message": "Wir möchten zwei Beschäftigte in Robotik schulen.",
        "contact_point": lotsen["own"].pk,
        "consent": "on",
        "fax": "",
        # The form was shown a minute ago: people take that long to fill it in.
        "started": form_started_token(time.time() - 60),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_public_form_preselects_the_contact_point(client, lotsen):
    html = client.get(FORM, {"anlaufstelle": lotsen["other"].pk}).content.decode()
    assert f'<option value="{lotsen["other"].pk}" selected>' in html
    assert 'for="id_email"' in html and 'for="id_consent"' in html


@pytest.mark.django_db
def test_public_request_is_confirmed_and_the_advisors_are_told(client, lotsen, mailoutbox):
    response = client.post(FORM, form_data(lotsen))

    assert response.status_code == 302
    assert "Vielen Dank" in client.get(response["Location"]).content.decode()
    request = AdviceRequest.objects.get(name="Jana Öztürk")
    assert request.contact_point == lotsen["own"]
    assert request.status == AdviceRequest.Status.NEW
    assert request.consent_text and request.consent_given_at
    recipients = {tuple(message.to): message for message in mailoutbox}
    confirmation = recipients[("j.oeztuerk@zerspanung.example",)]
    assert "IHK Esslingen" in confirmation.subject
    assert "Mo–Do 9:00–16:00 Uhr" in confirmation.body
    notice = recipients[("lotse@verbund.example",)]
    assert f"{QUEUE}{request.pk}/" in notice.body
    assert "lotsin@verbund.example" not in {addr for m in mailoutbox for addr in m.to}


@pytest.mark.django_db
def test_phone_alone_is_enough_and_no_confirmation_is_mailed(client, lotsen, mailoutbox):
    response = client.post(FORM, form_data(lotsen, email="", phone="0711 987654"))
    assert response.status_code == 302
    assert AdviceRequest.objects.get(name="Jana Öztürk").phone == "0711 987654"
    assert [message.to for message in mailoutbox] == [["lotse@verbund.example"]]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"email": "", "phone": ""},
            "email",
            "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an",
        ),
        ({"consent": ""}, "consent", "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu"),
        ({"fax": "0711 1"}, "fax", "Bitte lassen Sie das Feld „Fax“ leer"),
        ({"contact_point": ""}, "contact_point", "Bitte wählen Sie eine Anlaufstelle."),
    ],
)
@pytest.mark.django_db
def test_bad_input_saves_nothing_and_keeps_the_typing(
    client, lotsen, mailoutbox, changes, field, message
):
    before = AdviceRequest.objects.count()
    response = client.post(FORM, form_data(lotsen, **changes))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert message in html
    assert response.context["form"].errors[field]
    assert "Wir möchten zwei Beschäftigte in Robotik schulen." in html
    assert 'value="Öztürk Zerspanung GmbH"' in html
    assert AdviceRequest.objects.count() == before
    assert mailoutbox == []


# --- Contact point pages ------------------------------------------------------------------


@pytest.mark.django_db
def test_contact_point_list_filters_by_district(client, lotsen):
    html = client.get("/anlaufstellen/").content.decode()
    assert "IHK Esslingen" in html and "Gewerkschaftshaus Göppingen" in html

    html = client.get("/anlaufstellen/", {"kreis": "goeppingen"}).content.decode()
    assert "Gewerkschaftshaus Göppingen" in html
    assert "IHK Esslingen" not in html
    assert '<option value="goeppingen" selected>' in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_contact_point_page_shows_address_hours_and_topics(client, lotsen):
    html = client.get(lotsen["own"].url).content.decode()
    for text in (
        "Marktplatz 1",
        "73728 Esslingen am Neckar",
        "Mo–Do 9:00–16:00 Uhr",
        "0711 123456",
        "Sabine Krämer",
        "Robotik",
        f"{FORM}?anlaufstelle={lotsen['own'].pk}",
    ):
        assert text in html, text
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_staff_list_advice_requests_in_the_admin(client, lotsen):
    client.force_login(UserFactory(superuser=True, totp=True))
    response = client.get("/admin/beratungsanfragen/", {"status": "new"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Petra Langenbach" in html and "Dieter Brenner" in html


@pytest.mark.django_db
def test_staff_open_a_request_in_the_admin(client, lotsen):
    client.force_login(UserFactory(superuser=True, totp=True))
    pk = lotsen["own_request"].pk
    for path in (f"/admin/beratungsanfragen/edit/{pk}/", f"/admin/beratungsanfragen/inspect/{pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Petra Langenbach" in response.content.decode()


# --- Spam protection and what staff see -----------------------------------------------------


def kept_typing(html):
    return (
        "Wir möchten zwei Beschäftigte in Robotik schulen." in html
        and 'value="Öztürk Zerspanung GmbH"' in html
        and 'value="j.oeztuerk@zerspanung.example"' in html
    )


@pytest.mark.django_db
def test_a_form_sent_faster_than_a_person_types_is_refused(client, lotsen, mailoutbox):
    just_now = form_started_token()
    response = client.post(FORM, form_data(lotsen, started=just_now))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Das ging schneller, als ein Mensch das Formular ausfüllen kann." in html
    assert kept_typing(html)
    assert not AdviceRequest.objects.filter(name="Jana Öztürk").exists()
    assert mailoutbox == []

    # Only the first submission is timed: sent again at once, it goes through.
    again = response.context["form"]["started"].value()
    assert again != just_now and f'name="started" value="{again}"' in html
    response = client.post(FORM, form_data(lotsen, started=again))
    assert response.status_code == 302
    assert AdviceRequest.objects.filter(name="Jana Öztürk").exists()


@pytest.mark.django_db
def test_a_corrected_resubmission_is_not_timed(client, lotsen):
    """Someone who sent the form with a mistake and fixes it within seconds is not taken
    for a robot."""
    response = client.post(
        FORM, form_data(lotsen, message="", started=form_started_token(time.time() - 60))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte beschreiben Sie kurz Ihr Anliegen." in html
    assert "schneller, als ein Mensch" not in html

    corrected = form_data(lotsen, started=response.context["form"]["started"].value())
    response = client.post(FORM, corrected)

    assert response.status_code == 302
    assert AdviceRequest.objects.filter(name="Jana Öztürk").exists()


@pytest.mark.django_db
def test_a_forged_resubmission_note_is_refused(client, lotsen):
    forged = signing.dumps({"shown": time.time(), "sent_before": True}, salt="other")
    response = client.post(FORM, form_data(lotsen, started=forged))
    assert "Das ging schneller, als ein Mensch" in response.content.decode()
    assert not AdviceRequest.objects.filter(name="Jana Öztürk").exists()


@pytest.mark.parametrize("started", ["", "1700000000.0", "forged:token"])
@pytest.mark.django_db
def test_a_missing_or_forged_start_time_is_refused_and_renewed(client, lotsen, started):
    response = client.post(FORM, form_data(lotsen, started=started))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Das ging schneller, als ein Mensch das Formular ausfüllen kann." in html
    assert kept_typing(html)
    assert not AdviceRequest.objects.filter(name="Jana Öztürk").exists()
    renewed = response.context["form"]["started"].value()
    assert renewed and renewed != started
    assert f'name="started" value="{renewed}"' in html


@pytest.mark.django_db
def test_one_address_may_send_five_requests_an_hour(client, lotsen, mailoutbox):
    for number in range(5):
        response = client.post(
            FORM, form_data(lotsen, name=f"Absender {number}"), REMOTE_ADDR="203.0.113.7"
        )
        assert response.status_code == 302, number
    mailoutbox.clear()

    response = client.post(FORM, form_data(lotsen), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "zu viele Anfragen" in html
    assert kept_typing(html)
    assert not AdviceRequest.objects.filter(name="Jana Öztürk").exists()
    assert mailoutbox == []

    # Another address is not affected.
    response = client.post(FORM, form_data(lotsen), REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    assert AdviceRequest.objects.filter(name="Jana Öztürk").count() == 1


@pytest.mark.django_db
def test_a_sent_request_reaches_staff_with_its_html_escaped(client, lotsen):
    client.post(
        FORM,
        form_data(
            lotsen,
            name="<i>Eve</i>",
            firm_name="<b>Firma</b>",
            message='<img src=x onerror="alert(1)"> Bitte um Rückruf',
        ),
    )
    request = AdviceRequest.objects.get(name="<i>Eve</i>")
    client.force_login(UserFactory(staff=True))

    for path in (QUEUE, f"{QUEUE}{request.pk}/"):
        html = client.get(path).content.decode()
        assert "<img src=x" not in html and "<i>Eve</i>" not in html, path
        assert "&lt;img src=x onerror=" in html, path
        assert "&lt;i&gt;Eve&lt;/i&gt;" in html, path
    assert "&lt;b&gt;Firma&lt;/b&gt;" in client.get(f"{QUEUE}{request.pk}/").content.decode()

    client.force_login(UserFactory(superuser=True, totp=True))
    for path in (
        "/admin/beratungsanfragen/",
        f"/admin/beratungsanfragen/inspect/{request.pk}/",
        f"/admin/beratungsanfragen/edit/{request.pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "<img src=x" not in html and "<i>Eve</i>" not in html, path


@pytest.mark.django_db
def test_behind_a_proxy_the_limit_is_per_visitor(client, lotsen, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(5):
        response = client.post(
            FORM,
            form_data(lotsen, name=f"Absender {number}"),
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
        assert response.status_code == 302, number
    refused = client.post(FORM, form_data(lotsen), HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert refused.status_code == 429

    other = client.post(FORM, form_data(lotsen), HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert other.status_code == 302
