"""COVID-19 verdict for one person on one day: geimpft / genesen / getestet and the dates.

Every number comes from the rule versions in force on the evaluation date (``today``);
dose-level warnings use the rules in force on each dose's date (``covid_checks``). Each
verdict appends a German reason naming the rule id and the doses or tests it used.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.rules.covid_checks import dose_warnings
from core.rules.datemath import add_months, age_years, date_at_age_years, de, de_time
from core.rules.model import COVID19, CovidTest, Infection, PersonDocument, Vaccination
from core.rules.result import CovidStatus
from core.rules.ruleset import RuleBook, RulesOnDate
from core.rules.series import Series, confirmed, split_series


def _use(out: CovidStatus, rule_id: str) -> None:
    if rule_id not in out.rules:
        out.rules.append(rule_id)


def evaluate_covid(
    person: PersonDocument, on_day: date, on_time: datetime | None, book: RuleBook
) -> CovidStatus:
    """Evaluate COVID-19 for ``on_day``; ``on_time`` is None when only a date was given."""
    today = book.on(on_day)
    out = CovidStatus()
    reasons = out.reasons
    doses: list[Vaccination] = []
    for dose in sorted(
        (v for v in person.vaccinations if v.product.disease == COVID19), key=lambda v: v.date
    ):
        if dose.date <= on_day:
            doses.append(dose)
        else:
            reasons.append(
                f"Impfung am {de(dose.date)} ({dose.product.name}) liegt nach dem "
                f"Bewertungsdatum {de(on_day)} und wird nicht berücksichtigt."
            )
    infections: list[Infection] = []
    for infection in sorted(person.infections, key=lambda i: i.date):
        if infection.date <= on_day:
            infections.append(infection)
        else:
            reasons.append(
                f"Infektion vom {de(infection.date)} liegt nach dem Bewertungsdatum "
                "und wird nicht berücksichtigt."
            )

    series = split_series(doses, infections, today)
    if series.reason:
        reasons.append(series.reason)
        if today.series is not None:
            _use(out, today.series.id)
    elif doses:
        reasons.append(f"Keine Regel zur Grundimmunisierung am {de(on_day)} in Kraft.")
    out.series_complete = series.complete
    out.booster = bool(series.boosters)
    out.series = series

    geimpft = _vaccinated(series, today, on_day, out)
    genesen = _recovered(infections, today, on_day, out)
    getestet = _tested(person.tests, today, on_day, on_time, out)
    if geimpft:
        out.status = "geimpft"
    elif genesen:
        out.status = "genesen"
    elif getestet:
        out.status = "getestet"
    elif doses:
        out.status = "unvollstaendig"
    else:
        out.status = "ungeimpft"
        reasons.append(f"Ungeimpft: keine COVID-19-Impfung bis zum {de(on_day)} dokumentiert.")

    _exemption(series, infections, doses, today, on_day, geimpft, genesen, out)
    age = age_years(person.birth_date, on_day)
    out.booster_due_from = _booster_due(person.birth_date, age, series, today, on_day, out)
    out.next_dose_earliest = _next_dose(person.birth_date, age, doses, series, today, on_day, out)
    for finding in dose_warnings(person.birth_date, series, book):
        out.warnings.append(finding)
        _use(out, finding.rule)
    return out


def _vaccinated(series: Series, today: RulesOnDate, on_day: date, out: CovidStatus) -> bool:
    rule = today.vaccinated
    if not series.complete or series.last_required is None:
        return False
    if rule is None or series.protected_from is None:
        out.reasons.append(f"Keine Regel für „geimpft“ am {de(on_day)} in Kraft.")
        return False
    _use(out, rule.id)
    out.protected_from = series.protected_from
    days = rule.params.min_full_days_after_last_dose
    last = de(series.last_required.date)
    basis = f"{days} volle Tage nach der letzten erforderlichen Dosis vom {last}"
    if series.implied:
        basis = (
            f"{days} volle Tage nach der Auffrischimpfung vom {last} (Grundimmunisierung "
            "davor laut Nachweis, ohne Datum)"
        )
    if series.via_infection is not None and series.completed_on != series.last_required.date:
        basis += f" und nach der Infektion vom {de(series.via_infection.date)}"
    if series.protected_from <= on_day:
        out.reasons.append(f"Geimpft ab {de(series.protected_from)}: {basis} (Regel {rule.id}).")
        return True
    out.reasons.append(
        f"Noch nicht geimpft: geschützt erst ab {de(series.protected_from)} "
        f"({basis}; Regel {rule.id})."
    )
    return False


def _recovered(
    infections: list[Infection], today: RulesOnDate, on_day: date, out: CovidStatus
) -> bool:
    rule = today.recovered
    if not infections:
        return False
    if rule is None:
        out.reasons.append(f"Keine Regel für „genesen“ am {de(on_day)} in Kraft.")
        return False
    _use(out, rule.id)
    params = rule.params
    holds = False
    for infection in reversed(infections):
        if infection.test not in params.confirming_tests:
            out.reasons.append(
                f"Infektion vom {de(infection.date)} mit {infection.test}: "
                f"kein Nukleinsäurenachweis, zählt nicht als genesen (Regel {rule.id})."
            )
            continue
        start = infection.date + timedelta(days=params.min_days_since_test)
        end = add_months(infection.date, params.max_months_since_test)
        span = f"{params.min_days_since_test} Tage bis {params.max_months_since_test} Monate"
        if start <= on_day <= end and not holds:
            holds = True
            out.reasons.append(
                f"Genesen vom {de(start)} bis {de(end)}: {infection.test}-Nachweis vom "
                f"{de(infection.date)} ({span}; Regel {rule.id})."
            )
        elif on_day < start:
            out.reasons.append(
                f"Infektion vom {de(infection.date)}: genesen erst ab {de(start)} "
                f"(Regel {rule.id})."
            )
        elif on_day > end:
            out.reasons.append(
                f"Infektion vom {de(infection.date)}: Genesenenstatus endete am {de(end)} "
                f"({span}; Regel {rule.id})."
            )
    return holds


def _tested(
    tests: tuple[CovidTest, ...],
    today: RulesOnDate,
    on_day: date,
    on_time: datetime | None,
    out: CovidStatus,
) -> bool:
    rule = today.tested
    if not tests:
        return False
    if rule is None:
        out.reasons.append(f"Keine Regel für „getestet“ am {de(on_day)} in Kraft.")
        return False
    _use(out, rule.id)
    params = rule.params
    now = on_time or datetime.combine(on_day, params.date_only_time)
    holds = False
    for test in sorted(tests, key=lambda t: t.at, reverse=True):
        at = test.at if test.time_known else datetime.combine(test.at.date(), params.date_only_time)
        if at > now:
            out.reasons.append(
                f"Test {test.type} vom {de_time(at)} liegt nach dem Bewertungszeitpunkt "
                "und wird nicht berücksichtigt."
            )
            continue
        if not test.negative:
            out.reasons.append(
                f"Test {test.type} vom {de_time(at)} ist positiv, kein Testnachweis "
                f"(Regel {rule.id})."
            )
            continue
        hours = params.max_hours.get(test.type)
        if hours is None:
            continue
        if not holds and now - at <= timedelta(hours=hours):
            holds = True
            out.reasons.append(
                f"Getestet: negativer {test.type}-Test vom {de_time(at)}, "
                f"höchstens {hours} Stunden alt am {de_time(now)} (Regel {rule.id})."
            )
    if not holds:
        windows = ", ".join(f"{kind} höchstens {h} Stunden" for kind, h in params.max_hours.items())
        out.reasons.append(
            f"Kein gültiger negativer Test am {de_time(now)} ({windows}; Regel {rule.id})."
        )
    return holds


def _exemption(
    series: Series,
    infections: list[Infection],
    doses: list[Vaccination],
    today: RulesOnDate,
    on_day: date,
    geimpft: bool,
    genesen: bool,
    out: CovidStatus,
) -> None:
    rule = today.exemption
    if rule is None:
        if geimpft or genesen:
            out.reasons.append(f"Keine Regel zur Testbefreiung am {de(on_day)} in Kraft.")
        return
    params = rule.params
    if params.max_months_after_last_required_dose is None:
        out.test_exempt = geimpft or genesen
        if out.test_exempt:
            _use(out, rule.id)
            out.reasons.append(
                f"Testbefreit als geimpfte oder genesene Person, ohne Frist (Regel {rule.id})."
            )
        return
    lifted = ""
    if params.booster_min_full_days is not None:
        wait = timedelta(days=params.booster_min_full_days + 1)
        done = [b for b in series.boosters if b.date + wait <= on_day]
        if done:
            lifted = (
                f"Auffrischimpfung am {de(done[0].date)} ({done[0].product.name}) liegt mindestens "
                f"{params.booster_min_full_days} Tage zurück"
            )
    tests = today.recovered.params.confirming_tests if today.recovered else frozenset()
    if not lifted and params.recovered_with_dose_min_full_days is not None:
        wait = timedelta(days=params.recovered_with_dose_min_full_days + 1)
        found = confirmed(infections, tests)
        old = [d for d in doses if d.date + wait <= on_day]
        if found and old:
            lifted = (
                f"genesen (Infektion vom {de(found[0].date)}) mit einer mindestens "
                f"{params.recovered_with_dose_min_full_days} Tage zurückliegenden Impfdosis "
                f"vom {de(old[0].date)}"
            )
    if series.complete and series.last_required is not None:
        limit = add_months(series.last_required.date, params.max_months_after_last_required_dose)
        if lifted:
            out.protected_until = None
        else:
            out.protected_until = limit
    else:
        limit = None
    by_vaccination = geimpft and (bool(lifted) or (limit is not None and on_day <= limit))
    out.test_exempt = by_vaccination or genesen
    if series.complete or genesen:
        _use(out, rule.id)
    months = params.max_months_after_last_required_dose
    if lifted and series.complete:
        out.reasons.append(f"Keine zeitliche Grenze: {lifted} (Regel {rule.id}).")
    elif limit is not None and series.last_required is not None:
        if by_vaccination:
            state = "testbefreit"
        elif on_day > limit:
            state = "Testbefreiung durch die Impfung abgelaufen"
        else:
            state = "noch nicht geschützt, daher nicht testbefreit"
        out.reasons.append(
            f"Letzte erforderliche Dosis vom {de(series.last_required.date)} befreit höchstens "
            f"{months} Monate von der Testpflicht, bis {de(limit)}; am {de(on_day)} {state} "
            f"(Regel {rule.id})."
        )
    if genesen:
        out.reasons.append(f"Testbefreit als genesene Person (Regel {rule.id}).")


def _booster_due(
    birth: date, age: int, series: Series, today: RulesOnDate, on_day: date, out: CovidStatus
) -> date | None:
    if not series.complete:
        return None
    if series.boosters:
        out.reasons.append(
            f"Auffrischimpfung erhalten am {de(series.boosters[0].date)} "
            f"({series.boosters[0].product.name}); keine weitere Auffrischimpfung hinterlegt."
        )
        return None
    if series.completed_on is None or series.last_required is None:
        return None
    rule = today.booster
    if rule is None:
        out.reasons.append(f"Keine Empfehlung zur Auffrischimpfung am {de(on_day)} in Kraft.")
        return None
    _use(out, rule.id)
    params = rule.params
    single = params.single_dose_products.get(series.last_required.product.key)
    via_single = series.required == 1 and series.via_infection is None
    if single is not None and via_single and age >= single.min_age_years:
        due = max(
            series.completed_on + timedelta(days=single.days_after_series),
            date_at_age_years(birth, single.min_age_years),
        )
        out.reasons.append(
            f"Auffrischimpfung (Optimierung) nach einer Dosis "
            f"{series.last_required.product.name} "
            f"ab {de(due)}: {single.days_after_series} Tage nach dem {de(series.completed_on)} "
            f"(Regel {rule.id})."
        )
        return due
    for group in params.groups:
        if group.covers(age):
            due = max(
                add_months(series.completed_on, group.months_after_series),
                date_at_age_years(birth, group.min_age_years),
            )
            out.reasons.append(
                f"Auffrischimpfung empfohlen ab {de(due)}: ab {group.min_age_years} Jahren "
                f"{group.months_after_series} Monate nach Abschluss der Grundimmunisierung am "
                f"{de(series.completed_on)} (Regel {rule.id})."
            )
            return due
    out.reasons.append(
        f"Keine Auffrischimpfung empfohlen für {age}-Jährige am {de(on_day)} (Regel {rule.id})."
    )
    return None


def _next_dose(
    birth: date,
    age: int,
    doses: list[Vaccination],
    series: Series,
    today: RulesOnDate,
    on_day: date,
    out: CovidStatus,
) -> date | None:
    for restriction in today.age_restrictions.values():
        if age < restriction.params.min_age_years:
            _use(out, restriction.id)
            out.reasons.append(
                f"Unter {restriction.params.min_age_years} Jahren kein "
                f"{restriction.params.product_name} "
                f"für die nächste Dosis; empfohlen: {restriction.params.recommended_name} "
                f"(Regel {restriction.id})."
            )
    if series.complete:
        return out.booster_due_from
    if not doses:
        ages = [(r.params.min_age_years, r.id) for r in today.min_age.values()]
        if not ages:
            return None
        youngest, rule_id = min(ages)
        _use(out, rule_id)
        first = max(on_day, date_at_age_years(birth, youngest))
        out.reasons.append(
            f"Erste Dosis möglich ab {de(first)}: jüngstes zugelassenes Alter {youngest} Jahre "
            f"(Regel {rule_id})."
        )
        return first
    rule = today.interval
    if rule is None:
        out.reasons.append(f"Keine Regel zu Impfabständen am {de(on_day)} in Kraft.")
        return None
    _use(out, rule.id)
    last = doses[-1]
    options = [rule.params.days_between(last.product.key, last.product.key)]
    use = today.product_use.get(last.product.key)
    if use is None or use.params.heterologous:
        options.append(rule.params.heterologous_days)
    days = min(options)
    earliest = last.date + timedelta(days=days)
    out.reasons.append(
        f"Nächste Dosis der Grundimmunisierung frühestens am {de(earliest)}: {days} Tage nach "
        f"der Dosis vom {de(last.date)} ({last.product.name}) (Regel {rule.id})."
    )
    if use is not None and not use.params.heterologous:
        _use(out, use.id)
        out.reasons.append(
            f"Nach {last.product.name} nur dasselbe Produkt für die nächste Dosis "
            f"(Regel {use.id})."
        )
    return earliest
