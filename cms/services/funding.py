"""The funding check (Förder-Check): which funding programmes may fit one training case.

`assess` is a pure function over a programme's data (its rule fields and rates, as the office
edits them on the programme page) and the case the visitor describes. No programme rule lives
in code; changing a rate or a limit on the page changes the outcome.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db.models import Prefetch, Q
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.models import FEDERAL_STATE_NAMES, FundingProgrammePage, FundingRate

MINUTES_PER_TEACHING_UNIT = 45


@dataclass(frozen=True)
class Case:
    """What the visitor tells us about the firm, the employee and the course."""

    employees: int
    age: int
    has_qualification: bool
    qualification_year: int | None
    course_hours: Decimal
    # Approved under AZAV; None: not known yet.
    provider_approved: bool | None
    course_approved: bool | None
    federal_state: str


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    OPEN = "open"  # cannot be decided from the form; the firm has to clarify it


@dataclass(frozen=True)
class Check:
    status: Status
    text: str
    # True for text the office wrote on the programme page (in the content language), False
    # for the check's own wording (in the visitor's language).
    from_page: bool = False
    # A programme the text points to (shown as a link).
    link: object = None


@dataclass
class Assessment:
    programme: FundingProgrammePage
    checks: list[Check] = field(default_factory=list)
    rate: FundingRate | None = None
    payments: list[str] = field(default_factory=list)

    @property
    def fits(self):
        return not any(check.status == Status.NOT_MET for check in self.checks)

    @property
    def reasons_against(self):
        return [check for check in self.checks if check.status == Status.NOT_MET]

    @property
    def met(self):
        return [check for check in self.checks if check.status == Status.MET]

    @property
    def open(self):
        return [check for check in self.checks if check.status == Status.OPEN]


def current_programmes(today: date):
    """Live programmes in force on `today`, with their rates, in page tree order."""
    return (
        FundingProgrammePage.objects.live()
        .filter(valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("alternative_without_qualification")
        .prefetch_related(
            Prefetch("rates", queryset=FundingRate.objects.order_by("sort_order")),
            Prefetch(
                "not_combinable_with", queryset=FundingProgrammePage.objects.live().order_by("path")
            ),
        )
        .order_by("path")
    )


def assess_all(programmes, case: Case, today: date) -> list[Assessment]:
    """All programmes assessed; those that may fit come first, otherwise in the given order."""
    assessments = [assess(programme, case, today) for programme in programmes]
    return sorted(assessments, key=lambda assessment: not assessment.fits)


def assess(programme, case: Case, today: date) -> Assessment:
    assessment = Assessment(programme=programme)
    checks = assessment.checks
    checks.extend(_region(programme, case))
    checks.extend(_duration(programme, case))
    checks.extend(_approval(programme, case))
    checks.extend(_qualification(programme, case, today))
    checks.extend(_age(programme, case))
    rate_checks, rate, payments = _rate(programme, case)
    checks.extend(rate_checks)
    assessment.rate = rate
    assessment.payments = payments
    if programme.max_amount is not None:
        payments.append(
            _("Förderfähige Kosten höchstens %(amount)s €")
            % {"amount": number_format(programme.max_amount, 0, force_grouping=True)}
        )
    if rate is not None:
        checks.extend(Check(Status.OPEN, line, from_page=True) for line in rate.condition_lines())
    checks.extend(Check(Status.OPEN, line, from_page=True) for line in programme.condition_lines())
    checks.extend(_combinations(programme))
    return assessment


def _number(value):
    return floatformat(value, -1)


def _region(programme, case):
    states = programme.federal_states
    if not states:
        return []
    names = ", ".join(FEDERAL_STATE_NAMES.get(code, code) for code in states)
    chosen = FEDERAL_STATE_NAMES.get(case.federal_state, case.federal_state)
    if case.federal_state in states:
        return [Check(Status.MET, _("Das Programm gilt in %(state)s.") % {"state": chosen})]
    return [
        Check(
            Status.NOT_MET,
            _("Das Programm gilt nur in %(states)s, nicht in %(state)s.")
            % {"states": names, "state": chosen},
        )
    ]


def _duration(programme, case):
    if programme.min_duration is None and programme.max_duration is None:
        return []
    in_units = programme.duration_unit == programme.DurationUnit.TEACHING_UNITS
    length = case.course_hours * 60 / MINUTES_PER_TEACHING_UNIT if in_units else case.course_hours
    if in_units:
        unit = _("Unterrichtseinheiten à 45 Minuten")
        described = _("Der Kurs dauert %(hours)s Stunden, das sind etwa %(units)s %(unit)s") % {
            "hours": _number(case.course_hours),
            "units": _number(round(length)),
            "unit": unit,
        }
    else:
        unit = _("Stunden")
        described = _("Der Kurs dauert %(hours)s Stunden") % {"hours": _number(case.course_hours)}

    too_short = programme.min_duration is not None and (
        length <= programme.min_duration
        if programme.min_duration_exclusive
        else length < programme.min_duration
    )
    too_long = programme.max_duration is not None and length > programme.max_duration
    parts = []
    if programme.min_duration is not None:
        template = (
            _("mehr als %(min)s") if programme.min_duration_exclusive else _("mindestens %(min)s")
        )
        parts.append(template % {"min": _number(programme.min_duration)})
    if programme.max_duration is not None:
        parts.append(_("höchstens %(max)s") % {"max": _number(programme.max_duration)})
    required = _("verlangt sind %(limits)s %(unit)s") % {
        "limits": _(" und ").join(parts),
        "unit": unit,
    }
    status = Status.NOT_MET if too_short or too_long else Status.MET
    return [Check(status, f"{described}; {required}.")]


def _approval(programme, case):
    """AZAV approval of the provider, the course or both, as the programme asks."""
    Approval = programme.Approval
    needed = programme.approval_required
    if not needed:
        return []
    answers = []
    if needed in (Approval.PROVIDER, Approval.BOTH):
        answers.append((case.provider_approved, _("Der Bildungsträger")))
    if needed in (Approval.COURSE, Approval.BOTH):
        answers.append((case.course_approved, _("Der Kurs")))
    checks = []
    for answer, name in answers:
        if answer is True:
            checks.append(Check(Status.MET, _("%(who)s ist nach AZAV zugelassen.") % {"who": name}))
        elif answer is False:
            checks.append(
                Check(
                    Status.NOT_MET,
                    _("%(who)s muss nach AZAV zugelassen sein; das ist hier nicht der Fall.")
                    % {"who": name},
                )
            )
        else:
            checks.append(
                Check(
                    Status.OPEN,
                    _(
                        "%(who)s muss nach AZAV zugelassen sein. Fragen Sie den Bildungsanbieter "
                        "danach."
                    )
                    % {"who": name},
                )
            )
    return checks


def _combinations(programme):
    """Programmes that are not paid on top of this one for the same person and course."""
    others = list(programme.not_combinable_with.all())
    if not others:
        return []
    titles = _(" oder ").join(f"„{other.title}“" for other in others)
    return [
        Check(
            Status.OPEN,
            _(
                "Nicht zusammen mit %(others)s für dieselbe Person und denselben Kurs: Wenn beide "
                "passen, wählen Sie eines aus."
            )
            % {"others": titles},
        )
    ]


def _qualification(programme, case, today):
    if programme.only_without_qualification:
        if case.has_qualification:
            return [
                Check(
                    Status.NOT_MET,
                    _("Das Programm ist für Personen ohne Berufsabschluss; die Person hat einen."),
                )
            ]
        return [
            Check(
                Status.MET, _("Die Person hat keinen Berufsabschluss; das Programm führt zu einem.")
            )
        ]
    min_years = programme.min_years_since_qualification
    required = programme.requires_vocational_qualification or min_years is not None
    if not required:
        return []
    if not case.has_qualification:
        text = _("Das Programm setzt einen Berufsabschluss voraus.")
        alternative = programme.alternative_without_qualification
        if alternative is not None and not alternative.live:
            alternative = None
        if alternative is not None:
            text += " " + _(
                "Ohne Berufsabschluss kommt stattdessen „%(programme)s“ in Frage: Damit "
                "lässt sich der Abschluss nachholen."
            ) % {"programme": alternative.title}
        return [Check(Status.NOT_MET, text, link=alternative)]
    if min_years is None:
        return [Check(Status.MET, _("Ein Berufsabschluss ist vorhanden."))]
    years = today.year - case.qualification_year
    limit = ngettext(
        "Der Berufsabschluss muss mindestens %(years)s Jahr zurückliegen",
        "Der Berufsabschluss muss mindestens %(years)s Jahre zurückliegen",
        min_years,
    ) % {"years": min_years}
    if years > min_years:
        return [
            Check(
                Status.MET,
                _("%(limit)s; er stammt aus dem Jahr %(year)s.")
                % {"limit": limit, "year": case.qualification_year},
            )
        ]
    if years < min_years:
        return [
            Check(
                Status.NOT_MET,
                _("%(limit)s; er stammt aus dem Jahr %(year)s.")
                % {"limit": limit, "year": case.qualification_year},
            )
        ]
    return [
        Check(
            Status.OPEN,
            _(
                "%(limit)s; er stammt aus dem Jahr %(year)s. Ob die Frist erfüllt ist, hängt vom "
                "Monat des Abschlusses und vom Kursbeginn ab."
            )
            % {"limit": limit, "year": case.qualification_year},
        )
    ]


def _age(programme, case):
    if programme.min_age is None:
        return []
    status = Status.MET if case.age >= programme.min_age else Status.NOT_MET
    return [
        Check(
            status,
            _("Mindestalter %(min)s Jahre; die Person ist %(age)s Jahre alt.")
            % {"min": programme.min_age, "age": case.age},
        )
    ]


def _rate(programme, case):
    """The checks, the matching rate and the payment lines for the firm's size class."""
    rates = list(programme.rates.all())
    if not rates:
        return [], None, []
    rate = next((rate for rate in rates if rate.covers(case.employees)), None)
    if rate is None:
        return (
            [
                Check(
                    Status.NOT_MET,
                    _(
                        "Für Unternehmen mit %(count)s Beschäftigten sieht das Programm "
                        "keine Förderung vor."
                    )
                    % {"count": case.employees},
                )
            ],
            None,
            [],
        )

    checks = [Check(Status.MET, _("Größenklasse: %(size)s.") % {"size": rate.size_class})]
    payments = []
    raised_because = _raised_because(rate, case)
    if rate.course_cost_percent is not None or raised_because:
        if raised_because:
            payments.append(
                _("Lehrgangskosten: %(percent)s %% (erhöhter Satz, weil %(reason)s)")
                % {"percent": rate.raised_course_cost_percent, "reason": raised_because}
            )
        else:
            payments.append(
                _("Lehrgangskosten: %(percent)s %%") % {"percent": rate.course_cost_percent}
            )
    if rate.wage_subsidy_percent is not None:
        payments.append(
            _("Zuschuss zum Arbeitsentgelt: bis zu %(percent)s %%")
            % {"percent": rate.wage_subsidy_percent}
        )
    if rate.note:
        payments.append(rate.note)
    if not raised_because and rate.raised_if_severely_disabled and _raise_helps(rate):
        checks.append(
            Check(
                Status.OPEN,
                _(
                    "Bei schwerbehinderten Beschäftigten gilt der erhöhte Satz von "
                    "%(percent)s %% der Lehrgangskosten."
                )
                % {"percent": rate.raised_course_cost_percent},
            )
        )
    return checks, rate, payments


def _raise_helps(rate):
    return rate.raised_course_cost_percent is not None and (
        rate.course_cost_percent is None
        or rate.raised_course_cost_percent > rate.course_cost_percent
    )


def _raised_because(rate, case):
    """Why the raised rate applies to this case, or "" when it does not."""
    if not _raise_helps(rate):
        return ""
    if rate.raised_from_age is not None and case.age >= rate.raised_from_age:
        return _("die Person %(age)s Jahre oder älter ist") % {"age": rate.raised_from_age}
    if rate.raised_without_qualification and not case.has_qualification:
        return _("die Person keinen Berufsabschluss hat")
    return ""
