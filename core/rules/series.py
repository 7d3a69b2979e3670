"""Which doses form the primary series, when it was complete and which doses are boosters.

Kept apart from the status logic because both the verdict (geimpft from when) and the
warnings (interval too short, booster too early) need the same split of the dose list.

Back-entered doses may carry the numbers their proof states (``Vaccination.documented``,
a certificate's dn/sd). A DCC holds only the last dose, so a stored "2/2" is often the
whole record: its number counts the undated earlier doses, and ``numbering.is_booster``
(the one place deciding what dn/sd mean) says whether it closes the series or is a
booster after it. Undated doses count, but never give a date (no interval checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.rules.datemath import de
from core.rules.model import Infection, Vaccination
from core.rules.numbering import is_booster, positions
from core.rules.ruleset import RulesOnDate


@dataclass(slots=True)
class Series:
    """The primary series as the series rule in force on the evaluation date sees it."""

    required: int = 0
    complete: bool = False
    #: The dose whose date starts the 14-day wait and the 6-month limit.
    last_required: Vaccination | None = None
    #: Day the series counted complete (last required dose, or the infection if later);
    #: None when a documented booster implies a series of unknown date before it.
    completed_on: date | None = None
    protected_from: date | None = None
    series_doses: list[Vaccination] = field(default_factory=list)
    boosters: list[Vaccination] = field(default_factory=list)
    via_infection: Infection | None = None
    reason: str = ""
    #: Running dose number of every dose in ``series_doses + boosters`` (see ``positions``).
    numbers: list[int] = field(default_factory=list)
    #: True when the series is known complete only from a documented booster (3/3, 2/1).
    implied: bool = False
    #: Days from the last required dose to the first protected day (rule ``geimpft``).
    wait: timedelta | None = None


def follows_gap(numbers: list[int], index: int) -> bool:
    """True when undated doses lie between dose ``index`` and the one before it."""
    before = numbers[index - 1] if index else 0
    return numbers[index] > before + 1


def dose_label(dose: Vaccination, number: int) -> str:
    """``Dosis 2 am 01.06.2021 (Comirnaty)``; documented doses say what the proof states."""
    if dose.documented is not None:
        dn, sd = dose.documented
        return f"laut Nachweis Dosis {dn} von {sd} am {de(dose.date)} ({dose.product.name})"
    return f"Dosis {number} am {de(dose.date)} ({dose.product.name})"


def dose_list(doses: list[Vaccination], numbers: list[int] | None = None) -> str:
    """``Dosis 1 am 03.05.2021 (Comirnaty), ...`` – reasons name the doses they use.

    Undated earlier doses (a documented number above the stored count) are named too,
    so a reason never claims more dated doses than there are.
    """
    numbers = numbers if numbers is not None else list(range(1, len(doses) + 1))
    parts = [dose_label(d, n) for d, n in zip(doses, numbers, strict=False)]
    undated = (numbers[len(doses) - 1] - len(doses)) if doses else 0
    if undated > 0:
        parts.append(f"{undated} frühere Dosis ohne Datum" if undated == 1
                     else f"{undated} frühere Dosen ohne Datum")
    return ", ".join(parts)


def confirmed(infections: list[Infection], tests: frozenset[str]) -> list[Infection]:
    return [i for i in infections if i.test in tests]


@dataclass(frozen=True, slots=True)
class _Standard:
    """Where the dose count completes the series: ``last`` is the last required dose
    (index), ``boosters_from`` the first booster; ``how`` names the documented case."""

    last: int
    boosters_from: int
    start: date | None
    how: str = "count"  # count | implied | recovery


def _documented_recovery(dose: Vaccination) -> bool:
    """``1/1`` of a multi-dose product: the issuing convention for the dose after recovery."""
    doc = dose.documented
    return (
        doc is not None
        and doc[0] == doc[1]
        and doc[1] < dose.product.standard_doses
        and not is_booster(*doc)
    )


def _standard(
    doses: list[Vaccination], numbers: list[int], required: int, recovered_one_dose: bool,
    wait: timedelta | None,
) -> _Standard | None:
    def start(index: int) -> date | None:
        return doses[index].date + wait if wait is not None else None

    for index, dose in enumerate(doses):
        gap = follows_gap(numbers, index)
        if dose.documented is not None and gap and is_booster(*dose.documented):
            return _Standard(index, index, start(index), "implied")
        if recovered_one_dose and _documented_recovery(dose):
            return _Standard(index, index + 1, start(index), "recovery")
        if numbers[index] >= required:
            if gap and numbers[index] > required:
                return _Standard(index, index, start(index), "implied")
            return _Standard(index, index + 1, start(index))
    return None


def split_series(
    doses: list[Vaccination], infections: list[Infection], today: RulesOnDate
) -> Series:
    """Split sorted COVID doses (all on or before the evaluation date) into series/boosters.

    Complete means the standard number of doses of the first dose's product (a dated
    override may raise it, e.g. Janssen from 15.01.2022) or one dose plus a confirmed
    infection before or after it. When both hold, the variant protecting earlier wins, and
    the doses after its last required dose are boosters. Documented numbers count the
    undated doses before a back-entered one; a documented booster (3/3, 2/1) after
    undated doses means the series before it was complete, and a documented 1/1 of a
    two-dose product is the dose after recovery – both win over a stored infection,
    because the proof says how the series was counted.
    """
    result = Series()
    numbers = positions(doses)
    result.numbers = numbers
    rule = today.series
    if not doses or rule is None:
        result.series_doses = list(doses)
        return result
    params = rule.params
    first = doses[0].product
    required = params.doses_required_override.get(first.key, first.standard_doses)
    result.required = required
    wait = (
        timedelta(days=today.vaccinated.params.min_full_days_after_last_dose + 1)
        if today.vaccinated else None
    )
    result.wait = wait
    standard = _standard(doses, numbers, required, params.recovered_one_dose, wait)

    recovered: tuple[Infection, date | None] | None = None
    if params.recovered_one_dose and (standard is None or standard.how == "count"):
        found = confirmed(infections, params.recovered_confirming_tests)
        if found:
            infection = min(found, key=lambda i: i.date)
            begin = None
            if wait is not None:
                begin = max(
                    doses[0].date + wait,
                    infection.date + timedelta(days=params.recovered_infection_min_days),
                )
            recovered = (infection, begin)

    use_recovered = recovered is not None and (
        standard is None
        or (recovered[1] is not None and standard.start is not None
            and recovered[1] < standard.start)
    )
    if use_recovered and recovered is not None:
        infection, begin = recovered
        result.complete = True
        result.via_infection = infection
        result.last_required = doses[0]
        result.completed_on = max(doses[0].date, infection.date)
        result.protected_from = begin
        result.series_doses = doses[:1]
        result.boosters = doses[1:]
        result.reason = (
            f"Grundimmunisierung vollständig: 1 Dosis ({dose_list(doses[:1], numbers)}) und "
            f"Infektion mit {infection.test}-Nachweis vom {de(infection.date)} (Regel {rule.id})."
        )
    elif standard is not None:
        last = doses[standard.last]
        result.complete = True
        result.last_required = last
        result.protected_from = standard.start
        result.series_doses = doses[:standard.boosters_from]
        result.boosters = doses[standard.boosters_from:]
        if standard.how == "implied":
            result.implied = True
            result.reason = (
                f"Grundimmunisierung vollständig: {dose_label(last, numbers[standard.last])} "
                "ist eine Auffrischimpfung, die Grundimmunisierung davor war also "
                "vollständig (frühere Dosen ohne Datum; der Schutz wird ab dieser Dosis "
                f"gerechnet) (Regel {rule.id})."
            )
        elif standard.how == "recovery":
            result.completed_on = last.date
            result.reason = (
                f"Grundimmunisierung vollständig: {dose_label(last, numbers[standard.last])} "
                f"ist die Impfung nach Genesung (1 Dosis genügt; Regel {rule.id})."
            )
        else:
            result.completed_on = last.date
            count = numbers[standard.last]
            shown = doses[:standard.last + 1]
            result.reason = (
                f"Grundimmunisierung vollständig: {count} von {required} Dosen "
                f"({dose_list(shown, numbers)}) (Regel {rule.id})."
            )
    else:
        result.series_doses = list(doses)
        result.reason = (
            f"Grundimmunisierung unvollständig: {numbers[-1]} von {required} Dosen "
            f"{first.name} ({dose_list(doses, numbers)}) (Regel {rule.id})."
        )
    return result
