"""Dose numbers (dn/sd) and the booster flag: the German issuing convention, decided once.

The booster flag used to be computed in three places that disagreed ("3/3" from an
Impfpass was no booster, the same "3/3" from a certificate was). Certificates, stored
doses, back-entries and the rules' series split now all ask this module, so the number
printed in a DCC and the number stored with the dose cannot drift apart.

Convention (``background/dcc.md`` §2.3, EU encoding since 2022-02-01):

* ``dn < sd`` – a dose inside the primary series (1/2);
* ``dn == sd`` up to 2 – the dose completing the base: 2/2, or 1/1 (a Janssen base, or
  the one dose after recovery);
* after a two-dose base every further dose is ``k/k`` (3/3, 4/4): a booster;
* after a one-dose base (Janssen first, or recovery plus one dose) every further dose is
  ``k/1`` (2/1, 3/1): a booster.

So a booster is ``dn > sd`` or ``dn == sd >= 3``. Pure: no rule book, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from core.catalog.products import Product
from core.rules.model import COVID19, Vaccination

if TYPE_CHECKING:
    from core.rules.series import Series

#: The longest base the convention encodes as ``dn == sd`` (2/2); 3/3 and up are boosters.
LONGEST_BASE = 2


def is_booster(dose_number: int, series_total: int) -> bool:
    """True when ``dose_number``/``series_total`` encodes a booster (3/3, 4/4, 2/1, 3/1)."""
    return dose_number > series_total or (
        dose_number == series_total and dose_number > LONGEST_BASE
    )


def positions(doses: Sequence[Vaccination]) -> list[int]:
    """Running number of each dose (sorted by date): one more than the previous one, or
    the documented dose number when it is higher (the doses in between are undated)."""
    out: list[int] = []
    last = 0
    for dose in doses:
        number = last + 1
        if dose.documented is not None and dose.documented[0] > number:
            number = dose.documented[0]
        out.append(number)
        last = number
    return out


def _running(doses: list[Vaccination]) -> int:
    numbers = positions(doses)
    return numbers[-1] if numbers else 0


def _one_dose_base(
    doses: list[Vaccination],
    first: Product,
    running: int,
    series: Series | None,
    on: date | None,
    infection_before: bool,
) -> bool:
    """Whether the base is a one-dose base, after which doses are numbered ``k/1``."""
    if first.standard_doses == 1 or infection_before:
        return True
    if any(d.documented is not None and d.documented[1] == 1 for d in doses):
        return True  # a documented 1/1 (after recovery) or k/1 booster
    if series is None or not series.complete or series.via_infection is None:
        return False
    if on is not None and series.via_infection.date > on:
        return False  # the infection comes after this dose
    wait, begins = series.wait, series.protected_from
    if on is not None and wait is not None and begins is not None and running >= series.required:
        # The rules' tie-break: this dose would complete the standard series, which
        # wins when it protects earlier than one dose plus the infection.
        return not on + wait < begins
    return True


def next_numbers(
    prior: Sequence[Vaccination],
    product: Product,
    series: Series | None = None,
    *,
    on: date | None = None,
    infection_before: bool = False,
    recorded_number: int = 0,
) -> tuple[int, int, bool]:
    """``(dose_number, series_total, booster)`` for the next dose of ``product``.

    ``prior``: the person's earlier doses of the same disease, any order; documented
    numbers (back-entries) count the undated doses before them. ``series``: how the
    rules split ``prior`` (``StatusResult.covid19.series`` or ``split_series``); it tells
    whether one dose plus an infection completed the base. Without it only
    ``infection_before`` (a confirmed infection before the first dose, or before this
    dose when there is none) marks a base after recovery. ``on``: the new dose's date,
    for the rules' tie-break between a standard series and one dose plus an infection.
    ``recorded_number``: a number typed at the desk, used when higher than the count.
    Vaccines other than COVID-19 are numbered ``k/n`` (n = standard doses), never boosters.
    """
    doses = sorted(prior, key=lambda d: d.date)
    running = max(_running(doses) + 1, recorded_number)
    if product.disease != COVID19:
        # The dn/sd convention is the DCC's; other vaccines count k of n, no boosters.
        return running, max(product.standard_doses, running), False
    first = doses[0].product if doses else product
    if _one_dose_base(doses, first, running, series, on, infection_before):
        dose_number, series_total = running, 1
    else:
        base = max(first.standard_doses, 1)
        dose_number = running
        series_total = base if running <= base else running
    return dose_number, series_total, is_booster(dose_number, series_total)
