"""Sync package format: which entities travel, how each column becomes a cell and back.

Format version 2 (version 1 had no signature and is no longer read). One sheet per
exchanged entity (named like its table), first row = the column names of the table, one
row per record; a sheet past ``MAX_ROWS_PER_SHEET`` rows continues in ``<name>_2``,
``<name>_3`` … Values are written so they come back *exactly*: text as text
(formula-escaped, see ``xlsx_safety``), integers as numbers, booleans as booleans,
dates/times as ISO text (Excel dates lose microseconds and time zones).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Table, Time, UniqueConstraint

from core.db.models import EXCHANGED, Base
from core.exchange.xlsx_safety import DANGEROUS, QUOTE, escape_text, unescape_text

FORMAT = "impfteam-sync"
FORMAT_VERSION = 2  # 2: signature.json over the manifest, audit chain heads
MIN_FORMAT_VERSION = 2  # version 1 packages are unsigned: refused
SIGNATURE_FILE = "signature.json"
MAX_ROWS_PER_SHEET = 1_000_000
DATA_FILE = "data.xlsx"
MANIFEST = "manifest.json"
NOT_HASHED = frozenset({"row_version"})
#: Columns added after format version 1 went out, per entity. A package written before
#: them lacks the column (read as empty), and an empty value leaves the fingerprint as it
#: was, so merge bases stored on a hub before the upgrade still match.
ADDED_LATER: dict[str, tuple[str, ...]] = {
    "vaccination": ("consent_items", "anamnesis"),  # migration 0006
}
ESCAPE_FIRST = frozenset((*DANGEROUS, QUOTE))


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str  # "str" | "int" | "bool" | "date" | "datetime" | "time"
    nullable: bool


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """An exchanged table as the package sees it."""

    name: str
    table: Table
    columns: tuple[Column, ...]
    foreign_keys: tuple[tuple[str, str], ...]  # (column, referenced table)
    natural_keys: tuple[tuple[str, ...], ...]  # unique keys besides the UUID

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _kind(column: Any) -> str:
    sa_type = column.type
    if isinstance(sa_type, Boolean):
        return "bool"
    if isinstance(sa_type, Integer):
        return "int"
    if isinstance(sa_type, DateTime):
        return "datetime"
    if isinstance(sa_type, Date):
        return "date"
    if isinstance(sa_type, Time):
        return "time"
    return "str"


@cache
def entity_specs() -> tuple[EntitySpec, ...]:
    """Exchanged entities in dependency order (referenced tables first)."""
    exchanged = {model.__tablename__ for model in EXCHANGED}
    specs = []
    for table in Base.metadata.sorted_tables:
        if table.name not in exchanged:
            continue
        columns = tuple(Column(c.name, _kind(c), bool(c.nullable)) for c in table.columns)
        fks = tuple((fk.parent.name, fk.column.table.name) for fk in table.foreign_keys)
        keys = [tuple(c.name for c in con.columns) for con in table.constraints
                if isinstance(con, UniqueConstraint)]
        keys += [(c.name,) for c in table.columns if c.unique]
        unique_keys = tuple(dict.fromkeys(keys))
        # a plain str: SQLAlchemy's quoted_name costs the driver an adaptation per row
        specs.append(EntitySpec(str(table.name), table, columns, tuple(sorted(fks)),
                                unique_keys))
    return tuple(specs)


class _HashedColumns(dict[str, tuple[str, ...]]):
    """Column names that go into the fingerprint, per entity (computed once)."""

    def __missing__(self, name: str) -> tuple[str, ...]:
        spec = spec_by_name()[name]
        late = ADDED_LATER.get(name, ())
        value = tuple(c.name for c in spec.columns
                      if c.name not in NOT_HASHED and c.name not in late)
        self[name] = value
        return value


_HASHED = _HashedColumns()


def spec_by_name() -> dict[str, EntitySpec]:
    return {spec.name: spec for spec in entity_specs()}


def sheet_names(entity: str, rows: int, per_sheet: int = MAX_ROWS_PER_SHEET) -> list[str]:
    count = max(1, -(-rows // per_sheet))
    return [entity if i == 0 else f"{entity}_{i + 1}" for i in range(count)]


# -- writing ---------------------------------------------------------------------------
CellWriter = Callable[[Any, int, int, Any], None]


def cell_writers(worksheet: Any, spec: EntitySpec) -> list[CellWriter]:
    """One bound XlsxWriter call per column: no per-cell type dispatch on 30 M cells.

    The caller skips ``None`` values; ``escape_text`` runs only for text starting with a
    character that needs it."""
    string, number, boolean = (worksheet.write_string, worksheet.write_number,
                               worksheet.write_boolean)

    def text(_ws: Any, row: int, col: int, value: Any) -> None:
        if value:
            string(row, col, escape_text(value) if value[0] in ESCAPE_FIRST else value)

    def num(_ws: Any, row: int, col: int, value: Any) -> None:
        number(row, col, value)

    def flag(_ws: Any, row: int, col: int, value: Any) -> None:
        boolean(row, col, bool(value))

    def iso(_ws: Any, row: int, col: int, value: Any) -> None:
        string(row, col, value if value.__class__ is str else value.isoformat())

    by_kind: dict[str, CellWriter] = {"str": text, "int": num, "bool": flag, "date": iso,
                                      "datetime": iso, "time": iso}
    return [by_kind[c.kind] for c in spec.columns]


# -- reading ---------------------------------------------------------------------------
Reader = Callable[[Any], Any]
_TRUE = frozenset({"1", "1.0", "true", "wahr"})
_FALSE = frozenset({"0", "0.0", "false", "falsch"})


def _read_str(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unescape_text(cell if isinstance(cell, str) else str(cell))


def _read_int(cell: Any) -> int:
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise ValueError(f"keine ganze Zahl: {cell!r}")
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"keine ganze Zahl: {cell!r}") from None
    if not value.is_integer():
        raise ValueError(f"keine ganze Zahl: {cell!r}")
    return int(value)


def _read_bool(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    text = str(cell).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"kein Wahrheitswert: {cell!r}")


def _read_datetime(cell: Any) -> datetime:
    return cell if isinstance(cell, datetime) else datetime.fromisoformat(str(cell))


def _read_date(cell: Any) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    return cell if isinstance(cell, date) else date.fromisoformat(str(cell))


def _read_time(cell: Any) -> time:
    return cell if isinstance(cell, time) else time.fromisoformat(str(cell))


_READERS: dict[str, Reader] = {"str": _read_str, "int": _read_int, "bool": _read_bool,
                               "datetime": _read_datetime, "date": _read_date,
                               "time": _read_time}


def cell_reader(column: Column) -> Reader:
    """A converter from a python-calamine cell to the column's Python value.

    Raises ``ValueError`` with a German text naming what was expected. Built once per
    column so reading a package is a plain function call per cell.
    """
    convert = _READERS[column.kind]
    empty: Any = "" if column.kind == "str" and not column.nullable else None
    required = not column.nullable and column.kind != "str"
    dated = column.kind in ("datetime", "date", "time")

    def read(cell: Any) -> Any:
        if cell is None or cell == "":
            if required:
                raise ValueError("Pflichtwert fehlt")
            return empty
        if dated:
            try:
                return convert(cell)
            except ValueError:
                raise ValueError(f"kein gültiges Datum/Uhrzeit: {cell!r}") from None
        return convert(cell)

    return read


def from_cell(column: Column, cell: Any) -> Any:
    return cell_reader(column)(cell)


# -- comparing -------------------------------------------------------------------------
def _canon(value: Any) -> str:
    if value is None or value == "":
        return "\x00"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def fingerprint(spec: EntitySpec, values: dict[str, Any]) -> str:
    """SHA-256 over all columns but ``row_version`` (which differs between databases).

    ``""`` and ``None`` count as equal (an empty cell is both), so a record compares
    equal whether it came from a package or from the database. ``repr`` of the value
    tuple is stable for the types involved (str, int, bool, date, datetime, time, None)
    and much faster than formatting each value in Python.
    """
    canon = list(map(values.get, _HASHED[spec.name]))
    for name in ADDED_LATER.get(spec.name, ()):
        if values.get(name) not in (None, ""):
            canon.append((name, values[name]))
    return _digest(canon)


def fingerprint_row(spec: EntitySpec, values: Sequence[Any]) -> str:
    """``fingerprint`` of typed values given as a sequence in column order."""
    canon = [values[i] for i in _hashed_positions(spec.name)]
    for name, i in _late_positions(spec.name):
        if values[i] not in (None, ""):
            canon.append((name, values[i]))
    return _digest(canon)


@cache
def _hashed_positions(entity: str) -> tuple[int, ...]:
    names = spec_by_name()[entity].column_names
    return tuple(names.index(name) for name in _HASHED[entity])


@cache
def _late_positions(entity: str) -> tuple[tuple[str, int], ...]:
    names = spec_by_name()[entity].column_names
    return tuple((name, names.index(name)) for name in ADDED_LATER.get(entity, ()))


def _digest(canon: list[Any]) -> str:
    if "" in canon:  # the same comparison per value as ``v == ""``, in C
        canon = [None if v == "" else v for v in canon]
    return hashlib.sha256(repr(tuple(canon)).encode("utf-8")).hexdigest()


def differing(spec: EntitySpec, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [c.name for c in spec.columns
            if c.name not in NOT_HASHED and _canon(a.get(c.name)) != _canon(b.get(c.name))]


def json_image(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON-safe dict (for the audit trail and the conflict log)."""
    return {k: v.isoformat() if isinstance(v, datetime | date | time) else v
            for k, v in values.items()}
