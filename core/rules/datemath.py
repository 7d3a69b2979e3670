"""Calendar arithmetic for the rules: months, ages and German date text.

Why not ``dateutil``: the rules need exactly two month semantics and both are easy to
get subtly wrong, so they live here, tested, without a dependency:

* a *period* of N months ending (``add_months``): 31.08. + 6 months is 28./29.02.,
  the last day of the shorter month (§ 188 Abs. 3 BGB);
* an *age* of N years or months is reached on the birthday; someone born on 29.02. or on
  the 31st reaches it on the 1st of the following month when that day does not exist
  (§ 187 Abs. 2 BGB counts the birthday itself).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the last day of the month."""
    total = day.month - 1 + months
    year = day.year + total // 12
    month = total % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def age_years(birth: date, on: date) -> int:
    """Completed years of life on ``on`` (negative before birth)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_months(birth: date, on: date) -> int:
    """Completed months of life on ``on``."""
    return (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)


def date_at_age_years(birth: date, years: int) -> date:
    """First day on which a person born on ``birth`` is ``years`` old."""
    return date_at_age_months(birth, years * 12)


def date_at_age_months(birth: date, months: int) -> date:
    """First day on which a person is ``months`` months old (missing day -> 1st of next)."""
    total = birth.month - 1 + months
    year = birth.year + total // 12
    month = total % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if birth.day <= last:
        return date(year, month, birth.day)
    return date(year, month, last) + ONE_DAY


_DE_CACHE: dict[date, str] = {}


def de(day: date) -> str:
    """``TT.MM.JJJJ`` for reasons; cached because reasons repeat the same few dates."""
    text = _DE_CACHE.get(day)
    if text is None:
        if len(_DE_CACHE) > 100_000:
            _DE_CACHE.clear()
        text = f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
        _DE_CACHE[day] = text
    return text


def de_time(moment: datetime) -> str:
    """``TT.MM.JJJJ HH:MM`` for test times in reasons."""
    return f"{de(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def iso(day: date | None) -> str | None:
    """ISO date for JSON output, ``None`` passes through."""
    return None if day is None else day.isoformat()
