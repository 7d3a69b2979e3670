"""Fast executemany for merges: the DB-API driver gets plain tuples.

SQLAlchemy's Core executemany builds and processes a parameter dict per row; for a hub
merging 50 packages that overhead costs more than SQLite's own work. Here the statement
text is built once (quoted names, the driver's placeholder style) and each row becomes a
tuple run through the dialect's own bind processors (e.g. SQLite's date-to-text), so
the values stored are exactly those SQLAlchemy would store, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _processors(conn: Connection, table: Table, names: Sequence[str]
                ) -> list[Callable[[Any], Any] | None]:
    return [table.c[name].type._cached_bind_processor(conn.dialect) for name in names]


def _tuples(rows: Sequence[dict[str, Any]], names: Sequence[str],
            processors: list[Callable[[Any], Any] | None]) -> list[tuple[Any, ...]]:
    pairs = list(zip(names, processors, strict=True))
    return [tuple(p(row.get(n)) if p is not None else row.get(n) for n, p in pairs)
            for row in rows]


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all columns of ``table``; missing keys become NULL)."""
    if not rows:
        return
    names = [c.name for c in table.columns]
    quote = conn.dialect.identifier_preparer.quote
    mark = _placeholder(conn)
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    conn.exec_driver_sql(sql, _tuples(rows, names, _processors(conn, table, names)))


def update_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                names: Sequence[str], key: str = "id") -> None:
    """UPDATE ``names`` of every row, matched by ``key``."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = _placeholder(conn)
    sql = (f"UPDATE {quote(table.name)} SET "
           f"{', '.join(f'{quote(n)} = {mark}' for n in names)} WHERE {quote(key)} = {mark}")
    columns = [*names, key]
    conn.exec_driver_sql(sql, _tuples(rows, columns, _processors(conn, table, columns)))
