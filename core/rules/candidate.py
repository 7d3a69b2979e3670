"""Cheap checks of one candidate dose, for the dose form's product list.

The dose form evaluates the person once when it opens and then asks, for every product
in stock, "what would this dose raise?" and "which number would it get?". A full
``evaluate_person`` per product would redo tests, recovery and exemption for nothing;
here only the series split and the checks of the one new dose run, with the rules in
force on the candidate's date (the same checks ``status`` reports for stored doses).
"""

from __future__ import annotations

from datetime import date

from core.rules.covid_checks import dose_findings
from core.rules.datemath import age_months, de
from core.rules.loader import get_rulebook
from core.rules.model import (
    COVID19,
    MEASLES,
    NUCLEIC_ACID_TESTS,
    Infection,
    PersonDocument,
    Vaccination,
)
from core.rules.numbering import next_numbers
from core.rules.result import Finding
from core.rules.ruleset import RuleBook
from core.rules.series import Series, split_series


def _covid_prior(document: PersonDocument, on: date) -> list[Vaccination]:
    return sorted(
        (v for v in document.vaccinations if v.product.disease == COVID19 and v.date <= on),
        key=lambda v: v.date,
    )


def _infections(document: PersonDocument, on: date) -> list[Infection]:
    return sorted((i for i in document.infections if i.date <= on), key=lambda i: i.date)


def candidate_findings(
    document: PersonDocument, candidate: Vaccination, rules: RuleBook | None = None
) -> list[Finding]:
    """Only the warnings ``candidate`` itself would raise if given: interval too short,
    age outside the approval or recommendation, product not allowed as booster or in a
    mixed series (COVID-19); too early or too soon after the last dose (measles).

    Doses after the candidate's date are left out: the form records today's dose.
    """
    book = rules if rules is not None else get_rulebook()
    if candidate.product.disease == COVID19:
        doses = [*_covid_prior(document, candidate.date), candidate]
        series = split_series(doses, _infections(document, candidate.date),
                              book.on(candidate.date))
        return list(dose_findings(document.birth_date, series, book, len(doses) - 1))
    if candidate.product.disease == MEASLES:
        return _measles_findings(document, candidate, book)
    return []


def _measles_findings(
    document: PersonDocument, candidate: Vaccination, book: RuleBook
) -> list[Finding]:
    today = book.on(candidate.date)
    dose_rule, requirement = today.measles_dose, today.measles_requirement
    out: list[Finding] = []
    label = f"Masern-Dosis am {de(candidate.date)} ({candidate.product.name})"
    if dose_rule is None:
        return out
    params = dose_rule.params
    if candidate.product.key not in params.products:
        return out  # not a measles vaccine the rules count; nothing to warn about
    months = age_months(document.birth_date, candidate.date)
    if months < params.min_age_months:
        out.append(Finding(dose_rule.id, (
            f"{label}: im Alter von {months} Monaten, zählt erst ab {params.min_age_months} "
            f"Monaten (Regel {dose_rule.id}).")))
    if requirement is None:
        return out
    earlier = [v.date for v in document.vaccinations
               if v.product.key in params.products and v.date <= candidate.date]
    if earlier:
        last = max(earlier)
        gap = (candidate.date - last).days
        need = requirement.params.min_days_between_doses
        if gap < need:
            out.append(Finding(requirement.id, (
                f"{label}: nur {gap} Tage nach der Dosis vom {de(last)}, mindestens {need} "
                f"Tage nötig; zählt nicht (Regel {requirement.id}).")))
    return out


def candidate_numbers(
    document: PersonDocument, candidate: Vaccination, rules: RuleBook | None = None,
    series: Series | None = None,
) -> tuple[int, int, bool]:
    """``(dose_number, series_total, booster)`` the candidate would get (see
    ``numbering.next_numbers``); ``series`` may be passed from an earlier evaluation
    (``StatusResult.covid19.series``) to skip the split."""
    disease = candidate.product.disease
    prior = sorted(
        (v for v in document.vaccinations
         if v.product.disease == disease and v.date <= candidate.date),
        key=lambda v: v.date,
    )
    if disease != COVID19:
        return next_numbers(prior, candidate.product)
    book = rules if rules is not None else get_rulebook()
    today = book.on(candidate.date)
    infections = _infections(document, candidate.date)
    if series is None:
        series = split_series(prior, infections, today)
    # "Vaccination after recovery: 1/1" is the issuing convention (certificates number
    # it so with or without a series rule in force); the rule only says which tests prove
    # the infection.
    tests = (today.series.params.recovered_confirming_tests if today.series is not None
             else NUCLEIC_ACID_TESTS)
    after_recovery = not prior and any(
        i.test in tests and i.date < candidate.date for i in infections)
    return next_numbers(prior, candidate.product, series, on=candidate.date,
                        infection_before=after_recovery)
