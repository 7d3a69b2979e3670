"""Warnings about past COVID-19 doses: interval too short, age or product constraint.

A dose is judged by the rules in force on the day it was given, not on the evaluation
date: a Spikevax dose to a 25-year-old in August 2021 was fine, the same dose after the
STIKO announcement of 10.11.2021 is not. Warnings never change the verdict; they tell
staff what to check in the Impfpass.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from core.rules.datemath import add_months, age_years, de
from core.rules.model import Vaccination
from core.rules.result import Finding
from core.rules.ruleset import RuleBook
from core.rules.series import Series, dose_label, follows_gap


def dose_warnings(birth: date, series: Series, book: RuleBook) -> Iterator[Finding]:
    """All findings for the doses of ``series``: age checks, then intervals inside the
    series, then booster checks (the order the ``status`` output has always had)."""
    doses = series.series_doses + series.boosters
    for index in range(len(doses)):
        yield from _age_checks(birth, _label(series, doses, index), doses[index], book)
    for index in range(1, len(series.series_doses)):
        yield from _interval(series, doses, index, book)
    for index in range(len(series.series_doses), len(doses)):
        yield from _booster_checks(birth, index, doses, series, book)


def dose_findings(birth: date, series: Series, book: RuleBook, index: int) -> Iterator[Finding]:
    """Findings for the one dose at ``index`` of ``series_doses + boosters`` only: what
    the dose form asks for each product in stock, without evaluating the whole person."""
    doses = series.series_doses + series.boosters
    yield from _age_checks(birth, _label(series, doses, index), doses[index], book)
    if 0 < index < len(series.series_doses):
        yield from _interval(series, doses, index, book)
    if index >= len(series.series_doses):
        yield from _booster_checks(birth, index, doses, series, book)


def _number(series: Series, index: int) -> int:
    return series.numbers[index] if index < len(series.numbers) else index + 1


def _label(series: Series, doses: list[Vaccination], index: int) -> str:
    return dose_label(doses[index], _number(series, index))


def _interval(
    series: Series, doses: list[Vaccination], index: int, book: RuleBook
) -> Iterator[Finding]:
    """Interval checks need the previous dose's date: none after undated doses."""
    if series.numbers and follows_gap(series.numbers, index):
        return
    yield from _interval_checks(_label(series, doses, index), doses[index - 1], doses[index], book)


def _age_checks(birth: date, label: str, dose: Vaccination, book: RuleBook) -> Iterator[Finding]:
    rules = book.on(dose.date)
    key = dose.product.key
    age = age_years(birth, dose.date)
    minimum = rules.min_age.get(key)
    if minimum is not None:
        if age < minimum.params.min_age_years:
            yield Finding(
                minimum.id,
                f"{label}: im Alter von {age} Jahren, zugelassen erst ab "
                f"{minimum.params.min_age_years} Jahren (Regel {minimum.id}).",
            )
    else:
        approval = book.first_approval(key)
        if approval is not None and dose.date < approval.valid_from:
            yield Finding(
                approval.id,
                f"{label}: vor der Zulassung von {dose.product.name} am "
                f"{de(approval.valid_from)} gegeben (Regel {approval.id}).",
            )
    restriction = rules.age_restrictions.get(key)
    if restriction is not None and age < restriction.params.min_age_years:
        yield Finding(
            restriction.id,
            f"{label}: im Alter von {age} Jahren; unter {restriction.params.min_age_years} Jahren "
            f"wird {restriction.params.recommended_name} empfohlen (Regel {restriction.id}).",
        )


def _interval_checks(
    label: str, previous: Vaccination, dose: Vaccination, book: RuleBook
) -> Iterator[Finding]:
    rules = book.on(dose.date)
    interval = rules.interval
    gap = (dose.date - previous.date).days
    if interval is not None:
        need = interval.params.days_between(previous.product.key, dose.product.key)
        if gap < need:
            yield Finding(
                interval.id,
                f"{label}: Abstand zur Dosis vom {de(previous.date)} ({previous.product.name}) "
                f"nur {gap} Tage, mindestens {need} Tage empfohlen (Regel {interval.id}).",
            )
    if previous.product.key != dose.product.key:
        for product in (previous.product, dose.product):
            use = rules.product_use.get(product.key)
            if use is not None and not use.params.heterologous:
                yield Finding(
                    use.id,
                    f"{label}: gemischte Impfserie mit {product.name}, dafür nicht zugelassen "
                    f"(Regel {use.id}).",
                )


def _booster_checks(
    birth: date, index: int, doses: list[Vaccination], series: Series, book: RuleBook
) -> Iterator[Finding]:
    dose = doses[index]
    rules = book.on(dose.date)
    label = _label(series, doses, index)
    use = rules.product_use.get(dose.product.key)
    if use is not None and not use.params.booster:
        yield Finding(
            use.id,
            f"{label}: {dose.product.name} ist als Auffrischimpfung nicht zugelassen "
            f"(Regel {use.id}).",
        )
    booster = rules.booster
    if booster is None or series.completed_on is None or series.last_required is None:
        return
    if index != len(series.series_doses):
        return  # only the first booster has a recommended interval to the series
    age = age_years(birth, dose.date)
    earliest: date | None = None
    single = booster.params.single_dose_products.get(series.last_required.product.key)
    if single is not None and series.required == 1 and series.via_infection is None:
        earliest = series.completed_on + timedelta(days=single.days_after_series)
    else:
        for group in booster.params.groups:
            if group.covers(age):
                earliest = add_months(series.completed_on, group.months_after_series)
                break
    if earliest is not None and dose.date < earliest:
        yield Finding(
            booster.id,
            f"{label}: Auffrischimpfung vor dem empfohlenen Abstand (frühestens {de(earliest)} "
            f"nach Abschluss der Grundimmunisierung am {de(series.completed_on)}; "
            f"Regel {booster.id}).",
        )
