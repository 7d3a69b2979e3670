"""Field checks for rows arriving in a sync package: the services' rules, per cell.

A package is signed by a registered device, but what that device wrote must still be
something the services would have stored: no birth date in 2999, no 32,767-character
name, no empty or made-up ids, only known codes. Each problem goes into the import report
with sheet, row and column; one problem and nothing is applied.

The checks are built once per entity from the table (``String(n)`` lengths, id and
foreign-key columns) plus the date bounds and code lists below, and run on the typed
values of a row (``sync_package._read_sheet``): a plain function call per checked cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import String

from core.db import codes
from core.errors import ValidationError
from core.exchange.sync_format import spec_by_name
from core.services.validation import not_in_future, optional_plz, require_code

Check = Callable[[Any, list[Any]], str | None]

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12}$")
AGS = re.compile(r"^\d{5}$")
MAX_TEXT = 100_000  # Text columns (notes, HC1 codes: about 600 characters)
EARLIEST = date(1900, 1, 1)
COVID_START = date(2020, 12, 1)  # first COVID-19 doses in Germany: 27.12.2020
LATEST_PLANNED = date(2100, 12, 31)
EARLIEST_STAMP = datetime(2020, 1, 1)

CODES: dict[tuple[str, str], dict[str, str]] = {
    ("site", "kind"): codes.SITE_KINDS,
    ("staff", "role"): codes.ROLES,
    ("visit", "status"): codes.VISIT_STATUSES,
    ("visit_member", "role"): codes.ROLES,
    ("person", "sex"): codes.SEXES,
    ("person", "target_group"): codes.TARGET_GROUPS,
    ("vaccination", "disease"): codes.DISEASES,
    ("vaccination", "source"): codes.SOURCES,
    ("vaccination", "indication"): codes.INDICATIONS,
    ("vaccination", "injection_site"): codes.INJECTION_SITES,
    ("infection", "test_type"): codes.TEST_TYPES,
    ("measles_evidence", "kind"): codes.MEASLES_EVIDENCE_KINDS,
    ("check_in", "status"): codes.CHECKIN_STATUSES,
}
#: (lowest, highest) per integer column; others: the database type's range
INT_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("vaccination", "dose_number"): (1, 10),  # as core.usecases.doses
    ("vaccination", "series_total"): (1, 10),
    ("visit", "planned_capacity"): (0, 100_000),
    ("lot", "doses_received"): (0, 10_000_000),
    ("lot", "doses_discarded"): (0, 10_000_000),
    ("lot_allocation", "doses"): (0, 10_000_000),
    ("check_in", "ticket_number"): (0, 1_000_000),
}
INT32 = (-(2**31), 2**31 - 1)
INT64 = (0, 2**62)  # row_version
PAST_DATES = {("person", "birth_date"), ("vaccination", "date"),
              ("infection", "positive_test_date"), ("measles_evidence", "date")}
POSTCODES = {"postcode"}
DISTRICTS = {"district_ags"}


def _today() -> date:
    return date.today() + timedelta(days=1)  # a laptop ahead of UTC by a few hours


def _message(exc: ValidationError) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text


def _text_check(limit: int) -> Check:
    def check(value: Any, _row: list[Any]) -> str | None:
        if value is None:
            return None
        if len(value) > limit:
            return f"Text zu lang: {len(value)} Zeichen, höchstens {limit}."
        if "\x00" in value:
            return "Text enthält ein Nullzeichen."
        return None
    return check


def _id_check(required: bool) -> Check:
    def check(value: Any, _row: list[Any]) -> str | None:
        if value is None or value == "":
            return "Die ID fehlt." if required else None
        if not UUID.match(value):
            return f"„{str(value)[:40]}“ ist keine gültige ID (UUID)."
        return None
    return check


def _code_check(choices: dict[str, str], column: str, nullable: bool) -> Check:
    def check(value: Any, _row: list[Any]) -> str | None:
        if value is None and nullable:
            return None
        try:
            require_code(value, choices, column)
        except ValidationError as exc:
            return _message(exc)
        return None
    return check


def _int_check(low: int, high: int) -> Check:
    def check(value: Any, _row: list[Any]) -> str | None:
        if value is not None and not low <= value <= high:
            return f"Zahl {value if abs(value) < 10**15 else 'sehr groß'} liegt nicht " \
                   f"zwischen {low} und {high}."
        return None
    return check


def _past_date_check(entity: str, column: str, disease_at: int | None) -> Check:
    def check(value: Any, row: list[Any]) -> str | None:
        if value is None:
            return None
        earliest = EARLIEST
        if entity == "vaccination" and disease_at is not None and row[disease_at] == "covid19":
            earliest = COVID_START
        elif entity == "infection":
            earliest = date(2020, 1, 1)
        if value < earliest:
            return f"{value:%d.%m.%Y} liegt vor dem {earliest:%d.%m.%Y}. Bitte das Datum prüfen."
        try:
            not_in_future(value, _today(), column)
        except ValidationError as exc:
            return _message(exc)
        return None
    return check


def _date_check(value: Any, _row: list[Any]) -> str | None:
    if value is not None and not EARLIEST <= value <= LATEST_PLANNED:
        return f"{value:%d.%m.%Y} liegt nicht zwischen 1900 und 2100."
    return None


def _stamp_check(value: Any, _row: list[Any]) -> str | None:
    if value is None:
        return None
    naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    latest = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=2)
    if not EARLIEST_STAMP <= naive <= latest:
        return (f"Zeitpunkt {naive:%d.%m.%Y %H:%M} ist unplausibel (vor 2020 oder in der "
                "Zukunft). Bitte die Uhr des Team-Geräts prüfen.")
    return None


def _plz_check(value: Any, _row: list[Any]) -> str | None:
    try:
        optional_plz(value or "")
    except ValidationError as exc:
        return _message(exc)
    return None


def _ags_check(value: Any, _row: list[Any]) -> str | None:
    if value and not AGS.match(value):
        return f"Ein Kreisschlüssel (AGS) hat fünf Ziffern (war „{str(value)[:20]}“)."
    return None


@cache
def row_checks(entity: str) -> tuple[tuple[int, str, Check], ...]:
    """``(position, column, check)`` for every checked column of ``entity``."""
    spec = spec_by_name()[entity]
    names = spec.column_names
    foreign = {column for column, _target in spec.foreign_keys}
    disease_at = names.index("disease") if "disease" in names else None
    found: list[tuple[int, str, Check]] = []
    for index, column in enumerate(spec.columns):
        name, sa_type = column.name, spec.table.c[column.name].type
        checks: list[Check] = []
        if name == "id" or name in foreign:
            checks.append(_id_check(name == "id" or not column.nullable))
        elif (entity, name) in CODES:
            checks.append(_code_check(CODES[(entity, name)], name, column.nullable))
        elif column.kind == "str":
            length = sa_type.length if isinstance(sa_type, String) else None
            checks.append(_text_check(length or MAX_TEXT))
            if name in POSTCODES:
                checks.append(_plz_check)
            if name in DISTRICTS:
                checks.append(_ags_check)
        elif column.kind == "int":
            default = INT64 if name == "row_version" else INT32
            checks.append(_int_check(*INT_RANGES.get((entity, name), default)))
        elif column.kind == "date":
            checks.append(_past_date_check(entity, name, disease_at)
                          if (entity, name) in PAST_DATES else _date_check)
        elif column.kind == "datetime":
            checks.append(_stamp_check)
        found += [(index, name, check) for check in checks]
    return tuple(found)
