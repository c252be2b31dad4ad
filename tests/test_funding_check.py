"""The Förder-Check at /foerder-check/: which funding fits, what it pays and why."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from cms.models import FundingProgrammeIndexPage, FundingProgrammePage, FundingRate
from members import demo as content
from members.management.commands.seed_demo import add_funding_programmes
from tests.factories import home_page

URL = "/foerder-check/"
SGB3 = "Qualifizierung von Beschäftigten (§ 82 SGB III)"
ESF = "ESF Plus Fachkurse Baden-Württemberg"
BAFOEG = "Aufstiegs-BAföG"
QUALI = "Qualifizierungsgeld (§§ 82a–82c SGB III)"
SGB81 = "Berufsabschluss nachholen (§ 81 SGB III)"

# A 40-person firm, a 38-year-old skilled worker (qualified 2012), a 160-hour AZAV course.
CASE = {
    "beschaeftigte": "40",
    "alter": "38",
    "berufsabschluss": "ja",
    "abschluss_jahr": "2012",
    "stunden": "160",
    "traeger_zugelassen": "ja",
    "kurs_zugelassen": "ja",
    "bundesland": "BW",
}


@pytest.fixture
def programmes(db):
    """The programmes the demo network ships, as live pages with their rates and links."""
    index = FundingProgrammeIndexPage(title="Förderung", slug="foerderung")
    home_page().add_child(instance=index)
    pages, _created = add_funding_programmes(index, content.FUNDING_PROGRAMMES)
    return pages


def check(client, **changes):
    response = client.get(URL, {**CASE, **changes})
    assert response.status_code == 200
    return response


def results(response):
    """{programme title: (verdict, text of its result card)} in the order shown."""
    html = response.content.decode()
    cards = re.findall(r'<article class="card funding-result".*?</article>', html, re.S)
    found = {}
    for card in cards:
        text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)))
        title = unescape(re.search(r'<span lang="[^"]*">(.*?)</span>', card).group(1))
        verdict = "passt wahrscheinlich" if "passt wahrscheinlich" in text else "passt nicht"
        found[title] = (verdict, text)
    return found


def test_form_works_without_javascript_and_the_result_has_its_own_address(programmes, client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form class="form" method="get" action="/foerder-check/"' in html
    for name in CASE:
        assert f'name="{name}"' in html
    assert "funding-result" not in html  # no result before the questions are answered

    found = results(check(client))
    assert set(found) == {SGB3, SGB81, QUALI, BAFOEG, ESF}


def test_a_40_person_firm_gets_all_course_costs_under_82(programmes, client):
    response = check(client)
    verdict, text = results(response)[SGB3]
    assert verdict == "passt wahrscheinlich"
    assert "Lehrgangskosten: 100 %" in text
    assert "Zuschuss zum Arbeitsentgelt: bis zu 75 %" in text
    assert "Größenklasse: bis 49 Beschäftigte" in text
    assert "16.11.2026" in text and "§ 82 SGB III in der Fassung" in text
    assert f'href="{programmes["sgb3-82"].url}"' in response.content.decode()
    assert "Unverbindliche Ersteinschätzung" in response.content.decode()


def test_a_firm_of_60_pays_half_unless_the_employee_is_45_or_older(programmes, client):
    _verdict, text = results(check(client, beschaeftigte="60"))[SGB3]
    assert "Lehrgangskosten: 50 %" in text and "Lehrgangskosten: 100 %" not in text
    assert "Zuschuss zum Arbeitsentgelt: bis zu 50 %" in text
    assert "Bei schwerbehinderten Beschäftigten gilt der erhöhte Satz von 100 %" in text

    verdict, text = results(check(client, beschaeftigte="60", alter="45"))[SGB3]
    assert verdict == "passt wahrscheinlich"
    assert "Lehrgangskosten: 100 % (erhöhter Satz, weil die Person 45 Jahre oder älter ist)" in text

    _verdict, text = results(check(client, beschaeftigte="600", alter="50"))[SGB3]
    assert "Lehrgangskosten: 25 %" in text  # no raised rate from 500 employees on


def test_a_100_hour_course_does_not_fit_82_and_says_why(programmes, client):
    found = results(check(client, stunden="100"))
    verdict, text = found[SGB3]
    assert verdict == "passt nicht"
    assert "Warum es nicht passt" in text
    assert "Der Kurs dauert 100 Stunden; verlangt sind mehr als 120 Stunden." in text
    assert "Lehrgangskosten" not in text
    # Exactly 120 hours is not "more than 120".
    assert results(check(client, stunden="120"))[SGB3][0] == "passt nicht"
    assert results(check(client, stunden="120.5"))[SGB3][0] == "passt wahrscheinlich"


def test_each_82_rule_names_its_reason(programmes, client):
    this_year = timezone.localdate().year
    cases = {
        "Der Bildungsträger muss nach AZAV zugelassen sein; das ist hier nicht": {
            "traeger_zugelassen": "nein"
        },
        "Der Kurs muss nach AZAV zugelassen sein; das ist hier nicht": {"kurs_zugelassen": "nein"},
        "Der Berufsabschluss muss mindestens 2 Jahre zurückliegen; er stammt aus dem Jahr": {
            "abschluss_jahr": str(this_year - 1)
        },
        "Das Programm setzt einen Berufsabschluss voraus.": {
            "berufsabschluss": "nein",
            "abschluss_jahr": "",
        },
    }
    for reason, changes in cases.items():
        verdict, text = results(check(client, **changes))[SGB3]
        assert verdict == "passt nicht", changes
        assert reason in text, changes
    # Not knowing about AZAV leaves it open instead of ruling the programme out.
    verdict, text = results(check(client, kurs_zugelassen="unbekannt"))[SGB3]
    assert verdict == "passt wahrscheinlich"
    assert "Noch zu klären" in text and "Fragen Sie den Bildungsanbieter" in text


def test_the_regional_programme_fits_only_in_its_bundesland(programmes, client):
    short_course = {"stunden": "40"}
    verdict, text = results(check(client, bundesland="BW", **short_course))[ESF]
    assert verdict == "passt wahrscheinlich"
    assert "Das Programm gilt in Baden-Württemberg." in text
    assert "Lehrgangskosten: 30 %" in text
    assert "Förderfähige Kosten höchstens 6.000 €" in text

    verdict, text = results(check(client, bundesland="BY", **short_course))[ESF]
    assert verdict == "passt nicht"
    assert "Das Programm gilt nur in Baden-Württemberg, nicht in Bayern." in text

    _verdict, text = results(check(client, alter="56", **short_course))[ESF]
    assert "Lehrgangskosten: 70 % (erhöhter Satz, weil die Person 55 Jahre oder älter ist)" in text


def test_programmes_that_fit_come_first(programmes, client):
    found = results(check(client, stunden="100"))
    verdicts = [verdict for verdict, _text in found.values()]
    assert verdicts == sorted(verdicts, key=lambda verdict: verdict != "passt wahrscheinlich")
    assert found[ESF][0] == "passt wahrscheinlich"  # 100 h = about 133 teaching units


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"stunden": "-10"}, "stunden", "Die Dauer des Kurses muss größer als 0 Stunden sein."),
        ({"stunden": "viel"}, "stunden", "Bitte geben Sie die Dauer als Zahl an"),
        ({"alter": "5"}, "alter", "Bitte geben Sie ein Alter zwischen 15 und 75 Jahren an."),
        ({"bundesland": "XY"}, "bundesland", "Dieses Bundesland kennen wir nicht."),
        ({"beschaeftigte": "0"}, "beschaeftigte", "mindestens 1"),
        ({"abschluss_jahr": ""}, "abschluss_jahr", "in welchem Jahr der letzte Berufsabschluss"),
        ({"abschluss_jahr": "2999"}, "abschluss_jahr", "Das Jahr liegt in der Zukunft."),
        (
            {"traeger_zugelassen": "vielleicht"},
            "traeger_zugelassen",
            "Bitte wählen Sie „Ja“, „Nein“ oder „Weiß ich nicht“.",
        ),
        (
            {"alter": "30", "abschluss_jahr": str(timezone.localdate().year - 31)},
            "abschluss_jahr",
            "Das Jahr liegt vor der Geburt der Person (30 Jahre alt).",
        ),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_no_result(
    programmes, client, changes, field, message
):
    response = check(client, **changes)
    html = unescape(response.content.decode())
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}"' in html  # the summary links to the field
    assert html.count(message) >= 2  # in the summary and next to the field
    assert "funding-result" not in html


def test_rules_are_data_changing_the_page_changes_the_outcome(programmes, client):
    sgb3 = programmes["sgb3-82"]
    assert results(check(client, stunden="100"))[SGB3][0] == "passt nicht"

    sgb3.min_duration = 80
    sgb3.save()
    rate = sgb3.rates.get(max_employees=49)
    rate.course_cost_percent = 90
    rate.save()
    verdict, text = results(check(client, stunden="100"))[SGB3]
    assert verdict == "passt wahrscheinlich"
    assert "Lehrgangskosten: 90 %" in text
    assert "verlangt sind mehr als 80 Stunden" in text

    sgb3.federal_states = ["HH"]
    sgb3.min_age = 40
    sgb3.save()
    verdict, text = results(check(client, stunden="100"))[SGB3]
    assert verdict == "passt nicht"
    assert "Das Programm gilt nur in Hamburg, nicht in Baden-Württemberg." in text
    assert "Mindestalter 40 Jahre; die Person ist 38 Jahre alt." in text


def test_only_live_programmes_in_force_are_listed(programmes, client):
    today = timezone.localdate()
    programmes["aufstiegs-bafoeg"].valid_until = today - timedelta(days=1)
    programmes["aufstiegs-bafoeg"].save()
    programmes["qualifizierungsgeld"].unpublish()
    programmes["esf-fachkurse"].valid_from = today + timedelta(days=1)
    programmes["esf-fachkurse"].save()
    programmes["sgb3-81"].unpublish()
    assert set(results(check(client))) == {SGB3}


def test_the_bildungspraemie_is_not_offered(programmes, client):
    assert "Bildungsprämie" not in check(client).content.decode()


def test_queries_stay_constant_as_programmes_grow(
    programmes, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        check(client)
    index = FundingProgrammeIndexPage.objects.get()
    for number in range(5):
        page = FundingProgrammePage(
            title=f"Landesprogramm {number}",
            slug=f"landesprogramm-{number}",
            teaser="x",
            benefit_summary="x",
            applicant="x",
            legal_source="x",
            valid_from=timezone.localdate(),
            checked_on=timezone.localdate(),
        )
        page.rates = [FundingRate(min_employees=0, course_cost_percent=40)]
        index.add_child(instance=page)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = check(client)
    assert len(results(response)) == 10


def test_only_the_office_s_own_conditions_are_marked_as_german_on_the_english_site(
    programmes, client, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = check(client, traeger_zugelassen="unbekannt").content.decode()
    condition = "Der Antrag wird vor Beginn des Kurses gestellt."
    assert f'<li lang="de">{condition}</li>' in html
    # The check's own "still to clarify" wording follows the visitor's language.
    azav_open = re.findall(r"<li( lang=\"[^\"]*\")?>[^<]*AZAV[^<]*</li>", html)
    assert azav_open and all(attribute == "" for attribute in azav_open)


# --- The cases a firm brings: size, age, no qualification ---------------------------------


@pytest.mark.parametrize(
    "employees, age, course_costs, wage_subsidy",
    [
        ("8", "44", "Lehrgangskosten: 100 %", "bis zu 75 %"),
        ("40", "50", "Lehrgangskosten: 100 %", "bis zu 75 %"),
        ("120", "44", "Lehrgangskosten: 50 %", "bis zu 50 %"),
        (
            "120",
            "50",
            "Lehrgangskosten: 100 % (erhöhter Satz, weil die Person 45 Jahre oder älter ist)",
            "bis zu 50 %",
        ),
        ("600", "44", "Lehrgangskosten: 25 %", "bis zu 25 %"),
        ("600", "50", "Lehrgangskosten: 25 %", "bis zu 25 %"),
    ],
)
def test_82_pays_by_firm_size_and_age(
    programmes, client, employees, age, course_costs, wage_subsidy
):
    verdict, text = results(check(client, beschaeftigte=employees, alter=age))[SGB3]
    assert verdict == "passt wahrscheinlich"
    assert course_costs in text
    assert f"Zuschuss zum Arbeitsentgelt: {wage_subsidy}" in text
    if employees == "600":
        assert "erhöhter Satz" not in text  # the raise is for firms under 500 only
    assert "Quelle: § 82 SGB III" in text and "Stand: 16.11.2026" in text


@pytest.mark.parametrize(
    "employees, share, agreement",
    [
        (
            "8",
            "Mindestens 10 % der Belegschaft",
            "Eine schriftliche Erklärung des Arbeitgebers ersetzt die Betriebsvereinbarung",
        ),
        ("40", "Mindestens 10 % der Belegschaft", "Es gibt eine Betriebsvereinbarung"),
        ("120", "Mindestens 10 % der Belegschaft", "Es gibt eine Betriebsvereinbarung"),
        ("600", "Mindestens 20 % der Belegschaft", "Es gibt eine Betriebsvereinbarung"),
    ],
)
def test_qualifizierungsgeld_asks_what_fits_the_firm_size(
    programmes, client, employees, share, agreement
):
    verdict, text = results(check(client, beschaeftigte=employees))[QUALI]
    assert verdict == "passt wahrscheinlich"
    assert share in text and agreement in text
    if employees == "8":
        assert "Es gibt eine Betriebsvereinbarung" not in text
    # Not paid on top of § 82 for the same person, and both say so.
    assert f"Nicht zusammen mit „{SGB3}“ für dieselbe Person" in text
    assert f"Nicht zusammen mit „{QUALI}“" in results(check(client))[SGB3][1]
    assert "Stand: 07.12.2026" in text


def test_qualifizierungsgeld_needs_an_approved_provider(programmes, client):
    verdict, text = results(check(client, traeger_zugelassen="nein"))[QUALI]
    assert verdict == "passt nicht"
    assert "Der Bildungsträger muss nach AZAV zugelassen sein; das ist hier nicht" in text
    verdict, text = results(check(client, traeger_zugelassen="unbekannt"))[QUALI]
    assert verdict == "passt wahrscheinlich"
    assert "Der Bildungsträger muss nach AZAV zugelassen sein. Fragen Sie" in text


def test_rules_say_whether_provider_course_or_both_must_be_approved(programmes, client):
    page = programmes["sgb3-82"]
    for approval, provider_matters, course_matters in [
        ("provider", True, False),
        ("course", False, True),
        ("both", True, True),
        ("", False, False),
    ]:
        page.approval_required = approval
        page.save()
        provider = results(check(client, traeger_zugelassen="nein"))[SGB3][0]
        course = results(check(client, kurs_zugelassen="nein"))[SGB3][0]
        assert (provider == "passt nicht") is provider_matters, approval
        assert (course == "passt nicht") is course_matters, approval


def test_without_a_qualification_the_check_points_to_81(programmes, client):
    response = check(client, berufsabschluss="nein", abschluss_jahr="")
    found = results(response)

    verdict, text = found[SGB3]
    assert verdict == "passt nicht"
    assert f"Ohne Berufsabschluss kommt stattdessen „{SGB81}“ in Frage" in text
    assert f'href="{programmes["sgb3-81"].url}"' in response.content.decode()
    verdict, text = found[SGB81]
    assert verdict == "passt wahrscheinlich"
    assert "Die Person hat keinen Berufsabschluss" in text
    # ESF pays the raised share to people without a qualification.
    _verdict, text = results(
        check(client, berufsabschluss="nein", abschluss_jahr="", stunden="40")
    )[ESF]
    assert "Lehrgangskosten: 70 %" in text
    # With a qualification, § 81 is not the way.
    assert results(check(client))[SGB81][0] == "passt nicht"


def test_aufstiegs_bafoeg_names_the_maintenance_grant_raised_in_august_2024(programmes, client):
    _verdict, text = results(check(client, stunden="400"))[BAFOEG]
    assert "Unterhaltsbeitrag als voller Zuschuss, seit 1. August 2024" in text
    page = client.get(programmes["aufstiegs-bafoeg"].url).content.decode()
    assert "zum 1. August 2024" in page and "29. BAföG-Änderungsgesetz" in page


def test_an_address_with_the_former_single_approval_question_still_works(programmes, client):
    old = {
        key: value
        for key, value in CASE.items()
        if key not in ("traeger_zugelassen", "kurs_zugelassen")
    }
    response = client.get(URL, {**old, "azav": "nein"})
    verdict, text = results(response)[SGB3]
    assert verdict == "passt nicht"
    assert "Der Bildungsträger muss nach AZAV zugelassen sein" in text
    assert "Der Kurs muss nach AZAV zugelassen sein" in text
