"""A package's rows in the form the merge needs them most: SQLite INSERT tuples.

Nearly every row of a team package is new to the hub and goes straight into an INSERT.
Keeping each row as the tuple SQLite takes (all columns in table order, dates as the text
SQLAlchemy stores) means the reader builds it once, it crosses from the reader process
cheaply (plain text and numbers), and the merge turns a row into Python values only
when it has to compare it with a stored record. ``typed`` is the exact inverse: the
values SQLAlchemy itself would read back from SQLite, which is also the form fingerprints
and the PostgreSQL INSERT use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from core.exchange.bulk import SQLITE, bind_processors
from core.exchange.sync_format import EntitySpec, fingerprint_row, spec_by_name

Row = tuple[Any, ...]


@dataclass(slots=True)
class EntityRows:
    """One entity's rows in sheet order: INSERT tuples, where each came from, and the
    merge fingerprint of each (``fingerprint_row`` of the typed values)."""

    tuples: list[Row] = field(default_factory=list)
    where: list[tuple[str, int]] = field(default_factory=list)  # (sheet, Excel row)
    hashes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.tuples)


@cache
def to_sqlite(entity: str) -> Callable[[list[Any]], Row]:
    """Typed values (a list in column order, changed in place) → the SQLite tuple."""
    spec = spec_by_name()[entity]
    convert = [(i, p) for i, p in enumerate(bind_processors(SQLITE, spec.table,
                                                            spec.column_names)) if p]

    def build(values: list[Any]) -> Row:
        for index, process in convert:
            values[index] = process(values[index])
        return tuple(values)

    return build


@cache
def _result_processors(entity: str) -> list[tuple[int, Callable[[Any], Any]]]:
    spec = spec_by_name()[entity]
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(spec.column_names):
        process = spec.table.c[name].type._cached_result_processor(SQLITE, None)
        if process is not None:
            found.append((index, process))
    return found


def typed(entity: str, row: Row) -> list[Any]:
    """The SQLite tuple as Python values, exactly as SQLAlchemy reads them from SQLite."""
    values = list(row)
    for index, process in _result_processors(entity):
        values[index] = process(values[index])
    return values


def typed_dict(entity: str, row: Row) -> dict[str, Any]:
    return dict(zip(spec_by_name()[entity].column_names, typed(entity, row), strict=True))


def column_index(entity: str, column: str) -> int:
    return spec_by_name()[entity].column_names.index(column)


def replace(row: Row, changes: Sequence[tuple[int, Any]]) -> Row:
    values = list(row)
    for index, value in changes:
        values[index] = value
    return tuple(values)


@dataclass
class Batch:
    """One entity's incoming rows while they merge: the package's tuples (copied on
    change, e.g. a foreign key that now points to our record) and id → row index."""

    spec: EntitySpec
    rows: EntityRows
    tuples: list[Row]
    hashes: list[str]  # "" where the row changed here and needs a new fingerprint
    incoming: dict[str, int]

    @classmethod
    def of(cls, spec: EntitySpec, rows: EntityRows, remap: dict[str, dict[str, str]]
           ) -> Batch:
        names = spec.column_names
        tuples, hashes = rows.tuples, rows.hashes
        moves = [(names.index(c), remap[target]) for c, target in spec.foreign_keys
                 if remap.get(target)]
        if moves:
            tuples, hashes = list(tuples), list(hashes)
            for index, row in enumerate(tuples):
                changes = [(at, mapping[row[at]]) for at, mapping in moves if row[at] in mapping]
                if changes:
                    tuples[index], hashes[index] = replace(row, changes), ""
        at = names.index("id")
        return cls(spec, rows, tuples, hashes, {row[at]: i for i, row in enumerate(tuples)})

    def column(self, name: str) -> int:
        return self.spec.column_names.index(name)

    def fingerprint(self, index: int) -> str:
        return self.hashes[index] or fingerprint_row(
            self.spec, typed(self.spec.name, self.tuples[index]))

    def values(self, index: int) -> dict[str, Any]:
        return typed_dict(self.spec.name, self.tuples[index])

    def rekey(self, old: str, new: str) -> None:
        """The record is ours under another UUID (same natural key): use our UUID."""
        index = self.incoming.pop(old)
        self.tuples = list(self.tuples) if self.tuples is self.rows.tuples else self.tuples
        self.hashes = list(self.hashes) if self.hashes is self.rows.hashes else self.hashes
        self.tuples[index] = replace(self.tuples[index], [(self.column("id"), new)])
        self.hashes[index] = ""
        self.incoming[new] = index
