"""Someone who manages several firms chooses the firm they act for; every page and the API
honour the choice, and a forged choice changes nothing."""

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import APIToken

from members.models import Invitation, Person
from members.services.acting_firm import SESSION_KEY
from workshops.models import Enrolment

from .factories import FirmFactory, PersonFactory, UserFactory, WorkshopDateFactory

pytestmark = pytest.mark.django_db

CHOOSER = "/firma/waehlen/"


@pytest.fixture
def group():
    """Carola Brandt: admin of Brandt Antriebe GmbH, contact of Brandt Service GmbH."""
    antriebe = FirmFactory(name="Brandt Antriebe GmbH")
    service = FirmFactory(name="Brandt Service GmbH")
    stranger = FirmFactory(name="Fremdfirma Kunze GmbH")
    carola = UserFactory(email="c.brandt@brandt.example", first_name="Carola")
    PersonFactory(firm=antriebe, role=Person.Role.ADMIN, user=carola, email=carola.email)
    PersonFactory(firm=service, role=Person.Role.CONTACT, user=carola, email=carola.email)
    return {
        "user": carola,
        "antriebe": antriebe,
        "service": service,
        "stranger": stranger,
        "antriebe_employee": PersonFactory(
            firm=antriebe, first_name="Anton", last_name="Achsenmacher"
        ),
        "service_employee": PersonFactory(
            firm=service, first_name="Sabine", last_name="Servicetechnik"
        ),
        "stranger_employee": PersonFactory(firm=stranger, first_name="Kurt", last_name="Kunze"),
    }


@pytest.fixture
def signed_in(client, group):
    client.force_login(group["user"])
    return client


def choose(client, firm, next_url="/firma/"):
    return client.post(CHOOSER, {"firm": firm.pk, "next": next_url})


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def firm_pages(workshop_date):
    return [
        reverse("members:dashboard"),
        reverse("members:people"),
        reverse("members:invite_colleague"),
        reverse("enrolment:enrol", args=[workshop_date.pk]),
        reverse("enrolment:firm"),
    ]


# --- The chooser ------------------------------------------------------------------------------


def test_pages_for_one_firm_ask_first(signed_in):
    workshop_date = WorkshopDateFactory()
    for url in firm_pages(workshop_date):
        response = signed_in.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{CHOOSER}?next={quote(url, safe='')}", url


def test_chooser_offers_the_managed_firms_as_radio_buttons(signed_in, group):
    response = signed_in.get(f"{CHOOSER}?next=/firma/personen/")
    html = text(response)

    assert response.status_code == 200
    assert "<fieldset" in html and "<legend" in html
    for firm in ("antriebe", "service"):
        assert re.search(rf'type="radio" name="firm" value="{group[firm].pk}"', html)
        assert f'for="id_firm_{0 if firm == "antriebe" else 1}"' in html
    assert "Fremdfirma Kunze" not in html
    assert 'name="next" value="/firma/personen/"' in html


def test_choice_is_stored_and_leads_back(signed_in, group):
    response = choose(signed_in, group["service"], "/firma/personen/?status=all")

    assert response.status_code == 302
    assert response["Location"] == "/firma/personen/?status=all"
    assert signed_in.session[SESSION_KEY] == group["service"].pk


def test_next_pointing_elsewhere_leads_to_the_dashboard(signed_in, group):
    response = choose(signed_in, group["service"], "https://boese.example/firma/")
    assert response["Location"] == reverse("members:dashboard")


def test_header_shows_the_acting_firm_and_the_switch(signed_in, group):
    choose(signed_in, group["antriebe"])
    html = text(signed_in.get(reverse("members:people")))

    assert "Sie handeln für: <strong>Brandt Antriebe GmbH</strong>" in html
    assert f'href="{CHOOSER}?next=/firma/personen/"' in html


def test_switching_changes_every_page(signed_in, group):
    choose(signed_in, group["antriebe"])
    assert "Anton Achsenmacher" in text(signed_in.get(reverse("members:people")))

    choose(signed_in, group["service"])
    html = text(signed_in.get(reverse("members:people")))
    assert "Sabine Servicetechnik" in html
    assert "Anton Achsenmacher" not in html
    assert "Sie handeln für: <strong>Brandt Service GmbH</strong>" in html


def test_forged_choice_of_a_foreign_firm_is_refused(signed_in, group):
    choose(signed_in, group["antriebe"])

    response = choose(signed_in, group["stranger"])

    assert response.status_code == 400
    assert "Bitte wählen Sie eines Ihrer Unternehmen." in text(response)
    assert signed_in.session[SESSION_KEY] == group["antriebe"].pk
    html = text(signed_in.get(reverse("members:people")))
    assert "Kurt Kunze" not in html and "Anton Achsenmacher" in html


@pytest.mark.parametrize("forged", ["stranger", "nonsense", "string"])
def test_forged_session_value_falls_back_to_asking(signed_in, group, forged):
    session = signed_in.session
    session[SESSION_KEY] = {
        "stranger": group["stranger"].pk,
        "nonsense": 10**9,
        "string": str(group["service"].pk),
    }[forged]
    session.save()

    response = signed_in.get(reverse("members:people"))

    assert response.status_code == 302
    assert response["Location"].startswith(CHOOSER)
    assert SESSION_KEY not in signed_in.session


def test_a_choice_ends_when_the_firm_is_no_longer_managed(signed_in, group):
    choose(signed_in, group["service"])
    Person.objects.filter(user=group["user"], firm=group["service"]).update(
        role=Person.Role.EMPLOYEE
    )

    html = text(signed_in.get(reverse("members:people")))

    # Only one firm is left: they act for it, without being asked.
    assert "Anton Achsenmacher" in html and "Sabine Servicetechnik" not in html
    assert "Sie handeln für" not in html


def test_only_people_who_manage_a_firm_reach_the_chooser(client, group):
    client.force_login(UserFactory())
    assert client.get(CHOOSER).status_code == 403


def test_users_of_one_firm_see_no_change(client, group):
    admin = PersonFactory(firm=group["stranger"], admin=True)
    client.force_login(admin.user)

    html = text(client.get(reverse("members:dashboard")))
    assert "Übersicht: Fremdfirma Kunze GmbH" in html
    assert "Sie handeln für" not in html and CHOOSER not in html
    response = client.get(f"{CHOOSER}?next=/firma/personen/")
    assert response.status_code == 302 and response["Location"] == "/firma/personen/"


# --- The pages honour the choice ----------------------------------------------------------------


def test_dashboard_shows_the_acting_firm(signed_in, group):
    choose(signed_in, group["service"])
    html = text(signed_in.get(reverse("members:dashboard")))

    assert "Übersicht: Brandt Service GmbH" in html
    assert "Sabine Servicetechnik" in html
    assert "Anton Achsenmacher" not in html


def test_people_edit_of_the_other_firm_is_not_found(signed_in, group):
    choose(signed_in, group["service"])
    url = reverse("members:person_edit", args=[group["antriebe_employee"].pk])

    assert signed_in.get(url).status_code == 404
    response = signed_in.post(url, {"first_name": "X", "last_name": "Y"})
    assert response.status_code == 404
    group["antriebe_employee"].refresh_from_db()
    assert group["antriebe_employee"].first_name == "Anton"


def test_people_added_and_imported_go_to_the_acting_firm(signed_in, group):
    choose(signed_in, group["service"])

    signed_in.post(reverse("members:person_add"), {"first_name": "Nina", "last_name": "Neu"})

    assert Person.objects.get(first_name="Nina").firm == group["service"]


def test_invitations_need_the_admin_role_in_the_acting_firm(signed_in, group):
    choose(signed_in, group["service"])  # contact there, not admin
    assert signed_in.get(reverse("members:invite_colleague")).status_code == 403

    choose(signed_in, group["antriebe"])
    response = signed_in.post(
        reverse("members:invite_colleague"),
        {"email": "neu@brandt.example", "role": Person.Role.CONTACT},
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="neu@brandt.example").firm == group["antriebe"]


def test_enrolment_uses_the_acting_firms_people_and_seats(signed_in, group):
    workshop_date = WorkshopDateFactory(capacity=5)
    url = reverse("enrolment:enrol", args=[workshop_date.pk])
    choose(signed_in, group["service"])

    html = text(signed_in.get(url))
    assert f'value="{group["service_employee"].pk}"' in html
    assert f'value="{group["antriebe_employee"].pk}"' not in html

    response = signed_in.post(url, {"person": [group["antriebe_employee"].pk]})
    assert response.status_code == 404
    assert not Enrolment.objects.exists()

    response = signed_in.post(url, {"person": [group["service_employee"].pk]})
    assert response.status_code == 302
    assert Enrolment.objects.get().person == group["service_employee"]


def test_firm_enrolment_list_shows_the_acting_firm_only(signed_in, group):
    workshop_date = WorkshopDateFactory(capacity=5)
    Enrolment.objects.create(
        date=workshop_date, person=group["antriebe_employee"], status="confirmed"
    )
    choose(signed_in, group["service"])

    html = text(signed_in.get(reverse("enrolment:firm")))

    assert "Anton Achsenmacher" not in html


# --- The API -------------------------------------------------------------------------------------


@pytest.fixture
def api(client, group):
    _token, plaintext = APIToken.create_token(user=group["user"], name="Personalsystem")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {plaintext}"
    return client


def test_api_without_firm_asks_for_it(api, group):
    response = api.get("/api/v1/employees")

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "firm_required"
    assert "firm" in data["message"] and list(data["errors"]) == ["firm"]


def test_api_error_in_english(api, group):
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api.get("/api/v1/employees")
    assert response.json()["code"] == "firm_required"
    assert "several" in response.json()["message"]


def test_api_lists_the_named_firm(api, group):
    response = api.get(f"/api/v1/employees?firm={group['service'].pk}")

    assert response.status_code == 200
    firms = {item["firm_id"] for item in response.json()["items"]}
    assert firms == {group["service"].pk}


def test_api_refuses_a_foreign_firm_with_404(api, group):
    for path in ("/api/v1/employees", "/api/v1/enrolments"):
        response = api.get(f"{path}?firm={group['stranger'].pk}")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_api_creates_people_in_the_named_firm(api, group):
    response = api.post(
        f"/api/v1/employees?firm={group['service'].pk}",
        {"first_name": "Nina", "last_name": "Neu"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Person.objects.get(first_name="Nina").firm == group["service"]

    response = api.post(
        "/api/v1/employees", {"first_name": "Olaf", "last_name": "Ohne"}, "application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "firm_required"
    assert not Person.objects.filter(first_name="Olaf").exists()


def test_api_enrols_for_the_named_firm_only(api, group):
    workshop_date = WorkshopDateFactory(capacity=5)
    body = {"offer": workshop_date.pk, "employee": group["antriebe_employee"].pk}

    without = api.post("/api/v1/enrolments", body, content_type="application/json")
    other = api.post(
        f"/api/v1/enrolments?firm={group['service'].pk}", body, content_type="application/json"
    )
    assert without.status_code == 400 and without.json()["code"] == "firm_required"
    assert other.status_code == 404
    assert not Enrolment.objects.exists()

    own = api.post(
        f"/api/v1/enrolments?firm={group['antriebe'].pk}", body, content_type="application/json"
    )
    assert own.status_code == 201
    listed = api.get(f"/api/v1/enrolments?firm={group['service'].pk}").json()["items"]
    assert listed == []


def test_api_for_one_firm_needs_no_parameter(client, group):
    admin = PersonFactory(firm=group["stranger"], admin=True)
    _token, plaintext = APIToken.create_token(user=admin.user, name="Test")

    response = client.get("/api/v1/employees", headers={"Authorization": f"Bearer {plaintext}"})

    assert response.status_code == 200
    assert {item["firm_id"] for item in response.json()["items"]} == {group["stranger"].pk}
