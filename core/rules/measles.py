"""Measles proof (Masernschutzgesetz, § 20 Abs. 8 IfSG) for one person on one day.

Who must show proof, how many doses count and which certificates satisfy it all come from
the ``measles_requirement`` and ``measles_dose`` rules; this module only walks the doses.
Doses are counted greedily in date order: a dose counts if the person was old enough and
it lies at least the minimum interval after the previously counted dose.
"""

from __future__ import annotations

from datetime import date

from core.rules.datemath import age_months, age_years, de
from core.rules.model import MEASLES, PersonDocument, Vaccination
from core.rules.result import Finding, MeaslesStatus
from core.rules.ruleset import MeaslesDoseParams, MeaslesRequirementParams, Rule, RuleBook

_EVIDENCE_DE = {
    "immunitaet": "ärztliches Zeugnis über Immunität",
    "kontraindikation": "ärztliches Zeugnis über eine Kontraindikation",
    "bestaetigung": "Bestätigung einer staatlichen Stelle oder Einrichtung",
}


def evaluate_measles(person: PersonDocument, on_day: date, book: RuleBook) -> MeaslesStatus:
    today = book.on(on_day)
    out = MeaslesStatus()
    rule = today.measles_requirement
    doses = sorted(
        (v for v in person.vaccinations if v.product.disease == MEASLES), key=lambda v: v.date
    )
    for dose in doses:
        if dose.date > on_day:
            out.reasons.append(
                f"Masern-Impfung am {de(dose.date)} ({dose.product.name}) liegt nach dem "
                "Bewertungsdatum und wird nicht berücksichtigt."
            )
    evidence = []
    for item in sorted(person.measles_evidence, key=lambda e: e.date):
        if item.date > on_day:
            out.reasons.append(
                f"Nachweis „{_EVIDENCE_DE.get(item.kind, item.kind)}“ vom {de(item.date)} liegt "
                "nach dem Bewertungsdatum und wird nicht berücksichtigt."
            )
        else:
            evidence.append(item)
    doses = [d for d in doses if d.date <= on_day]
    counted = _count_doses(person.birth_date, doses, today.measles_dose, rule, out)
    out.doses_counted = counted
    if rule is None:
        out.reasons.append(
            f"Keine Masernschutz-Regel am {de(on_day)} in Kraft: kein Nachweis nötig."
        )
        return out
    out.rules.append(rule.id)
    params = rule.params
    if person.birth_date <= params.born_after:
        out.reasons.append(
            f"Geboren am {de(person.birth_date)}, nicht nach dem {de(params.born_after)}: "
            f"kein Masernschutz-Nachweis erforderlich (Regel {rule.id})."
        )
        return out
    age = age_years(person.birth_date, on_day)
    if age < params.one_dose_from_age_years:
        out.reasons.append(
            f"Jünger als {params.one_dose_from_age_years} Jahr(e): kein Nachweis erforderlich "
            f"(Regel {rule.id})."
        )
        return out
    out.required = True
    needed = 2 if age >= params.two_doses_from_age_years else 1
    limit = params.two_doses_from_age_years if needed == 2 else params.one_dose_from_age_years
    out.reasons.append(
        f"Alter {age} Jahre (ab {limit}): {needed} Masern-Impfung(en) oder Immunitätsnachweis "
        f"erforderlich (Regel {rule.id})."
    )
    if counted >= needed:
        out.status = "erfuellt"
        out.reasons.append(f"Erfüllt: {counted} gültige Masern-Impfung(en) (Regel {rule.id}).")
        return out
    verdicts = [(params.evidence.get(e.kind), e) for e in evidence]
    for wanted in ("erfuellt", "befreit"):
        for verdict, item in verdicts:
            if verdict == wanted:
                out.status = wanted
                word = "Erfüllt" if wanted == "erfuellt" else "Befreit"
                out.reasons.append(
                    f"{word} durch {_EVIDENCE_DE.get(item.kind, item.kind)} vom {de(item.date)} "
                    f"(Regel {rule.id})."
                )
                return out
    out.status = "nicht_erfuellt"
    out.reasons.append(
        f"Nicht erfüllt: {counted} von {needed} erforderlichen Masern-Impfungen und kein "
        f"Immunitäts- oder Kontraindikationsnachweis (Regel {rule.id})."
    )
    return out


def _count_doses(
    birth: date,
    doses: list[Vaccination],
    dose_rule: Rule[MeaslesDoseParams] | None,
    requirement: Rule[MeaslesRequirementParams] | None,
    out: MeaslesStatus,
) -> int:
    """Count valid doses; every dose that does not count gets a reason (and a warning
    when it was given too early after the previous one)."""
    if not doses:
        return 0
    if dose_rule is None:
        out.reasons.append("Keine Regel zur Gültigkeit von Masern-Impfdosen in Kraft.")
        return 0
    out.rules.append(dose_rule.id)
    params = dose_rule.params
    gap_needed = requirement.params.min_days_between_doses if requirement is not None else 0
    counted = 0
    last: date | None = None
    for number, dose in enumerate(doses, 1):
        label = f"Masern-Dosis {number} am {de(dose.date)} ({dose.product.name})"
        if dose.product.key not in params.products:
            out.reasons.append(f"{label}: Impfstoff zählt nicht (Regel {dose_rule.id}).")
            continue
        months = age_months(birth, dose.date)
        if months < params.min_age_months:
            out.reasons.append(
                f"{label}: im Alter von {months} Monaten gegeben, zählt erst ab "
                f"{params.min_age_months} Monaten (Regel {dose_rule.id})."
            )
            continue
        if last is not None and requirement is not None and (dose.date - last).days < gap_needed:
            gap = (dose.date - last).days
            text = (
                f"{label}: nur {gap} Tage nach der gezählten Dosis vom {de(last)}, mindestens "
                f"{gap_needed} Tage nötig; zählt nicht (Regel {requirement.id})."
            )
            out.reasons.append(text)
            out.warnings.append(Finding(requirement.id, text))
            continue
        counted += 1
        last = dose.date
        out.reasons.append(f"{label} gezählt (Regel {dose_rule.id}).")
    return counted
