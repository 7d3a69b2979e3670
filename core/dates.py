"""Parsing of user-typed dates and times (ISO and German forms).

Field staff type ``20.12.2021``; files and the CLI use ``2021-12-20``. Both are accepted
everywhere, and a wrong date (31.02.) gets a German message naming the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from core.errors import UserError

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
#: Years accepted in typed dates (birth dates from 1900, dates up to 2100).
MIN_YEAR = 1900
MAX_YEAR = 2100

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_date(text: str, field: str = "Datum") -> date:
    """Parse ``YYYY-MM-DD`` or ``TT.MM.JJJJ``; raise UserError in German otherwise."""
    value = text.strip()
    match = _ISO.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _GERMAN.match(value)
        if not match:
            raise UserError(
                f"{field}: „{value}“ ist kein Datum. Bitte als TT.MM.JJJJ oder JJJJ-MM-TT angeben.",
                field=field,
            )
        day, month, year = (int(g) for g in match.groups())
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise UserError(
            f"{field}: Den Tag {value} gibt es nicht. Bitte das Datum prüfen.", field=field
        ) from None
    return check_year(parsed, field)


def check_year(value: date, field: str = "Datum") -> date:
    """``value`` when its year lies in ``MIN_YEAR``..``MAX_YEAR``; German UserError else.

    Every date the app handles (birth, dose, visit, expiry, evaluation day) lies there;
    a year like 9999 is a typo or hostile input and would overflow date arithmetic.
    """
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise UserError(
            f"{field}: Das Jahr {value.year} liegt nicht zwischen {MIN_YEAR} und {MAX_YEAR}. "
            "Bitte das Datum prüfen.", field=field)
    return value


def parse_time(text: str, field: str = "Uhrzeit") -> time:
    """Parse ``HH:MM`` (optionally ``:SS``)."""
    value = text.strip()
    match = _TIME.match(value)
    if not match:
        raise UserError(f"{field}: „{value}“ ist keine Uhrzeit (HH:MM).", field=field)
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise UserError(f"{field}: Die Uhrzeit {value} gibt es nicht.", field=field) from None


def parse_datetime(
    text: str, field: str = "Zeitpunkt", default_time: time = time(12, 0)
) -> datetime:
    """Parse a date with optional time; a bare date means ``default_time`` that day."""
    value = text.strip()
    for sep in ("T", " "):
        if sep in value:
            day_part, time_part = value.split(sep, 1)
            return datetime.combine(parse_date(day_part, field), parse_time(time_part, field))
    return datetime.combine(parse_date(value, field), default_time)
