"""Which doses form the primary series, when it was complete and which doses are boosters.

Kept apart from the status logic because both the verdict (geimpft from when) and the
warnings (interval too short, booster too early) need the same split of the dose list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.rules.datemath import de
from core.rules.model import Infection, Vaccination
from core.rules.ruleset import RulesOnDate


@dataclass(slots=True)
class Series:
    """The primary series as the series rule in force on the evaluation date sees it."""

    required: int = 0
    complete: bool = False
    #: The dose whose date starts the 14-day wait and the 6-month limit.
    last_required: Vaccination | None = None
    #: Day the series counted complete (last required dose, or the infection if later).
    completed_on: date | None = None
    protected_from: date | None = None
    series_doses: list[Vaccination] = field(default_factory=list)
    boosters: list[Vaccination] = field(default_factory=list)
    via_infection: Infection | None = None
    reason: str = ""


def dose_list(doses: list[Vaccination], start: int = 1) -> str:
    """``Dosis 1 am 03.05.2021 (Comirnaty), ...`` – reasons name the doses they use."""
    return ", ".join(
        f"Dosis {i} am {de(d.date)} ({d.product.name})" for i, d in enumerate(doses, start)
    )


def confirmed(infections: list[Infection], tests: frozenset[str]) -> list[Infection]:
    return [i for i in infections if i.test in tests]


def split_series(
    doses: list[Vaccination], infections: list[Infection], today: RulesOnDate
) -> Series:
    """Split sorted COVID doses (all on or before the evaluation date) into series/boosters.

    Complete means the standard number of doses of the first dose's product (a dated
    override may raise it, e.g. Janssen from 15.01.2022) or one dose plus a confirmed
    infection before or after it. When both hold, the variant protecting earlier wins, and
    the doses after its last required dose are boosters.
    """
    result = Series()
    rule = today.series
    if not doses or rule is None:
        result.series_doses = list(doses)
        return result
    params = rule.params
    first = doses[0].product
    required = params.doses_required_override.get(first.key, first.standard_doses)
    result.required = required
    wait = today.vaccinated.params.min_full_days_after_last_dose + 1 if today.vaccinated else None

    standard: tuple[int, date | None] | None = None
    if len(doses) >= required:
        last = doses[required - 1]
        standard = (required, last.date + timedelta(days=wait) if wait is not None else None)

    recovered: tuple[Infection, date | None] | None = None
    if params.recovered_one_dose:
        found = confirmed(infections, params.recovered_confirming_tests)
        if found:
            infection = min(found, key=lambda i: i.date)
            start = None
            if wait is not None:
                start = max(
                    doses[0].date + timedelta(days=wait),
                    infection.date + timedelta(days=params.recovered_infection_min_days),
                )
            recovered = (infection, start)

    use_recovered = recovered is not None and (
        standard is None
        or (recovered[1] is not None and standard[1] is not None and recovered[1] < standard[1])
    )
    if use_recovered and recovered is not None:
        infection, start = recovered
        result.complete = True
        result.via_infection = infection
        result.last_required = doses[0]
        result.completed_on = max(doses[0].date, infection.date)
        result.protected_from = start
        result.series_doses = doses[:1]
        result.boosters = doses[1:]
        result.reason = (
            f"Grundimmunisierung vollständig: 1 Dosis ({dose_list(doses[:1])}) und "
            f"Infektion mit {infection.test}-Nachweis vom {de(infection.date)} (Regel {rule.id})."
        )
    elif standard is not None:
        count, start = standard
        result.complete = True
        result.last_required = doses[count - 1]
        result.completed_on = doses[count - 1].date
        result.protected_from = start
        result.series_doses = doses[:count]
        result.boosters = doses[count:]
        result.reason = (
            f"Grundimmunisierung vollständig: {count} von {required} Dosen "
            f"({dose_list(doses[:count])}) (Regel {rule.id})."
        )
    else:
        result.series_doses = list(doses)
        result.reason = (
            f"Grundimmunisierung unvollständig: {len(doses)} von {required} Dosen "
            f"{first.name} ({dose_list(doses)}) (Regel {rule.id})."
        )
    return result
