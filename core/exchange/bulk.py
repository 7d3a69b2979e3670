"""Fast executemany for merges: the DB-API driver gets plain tuples.

SQLAlchemy's Core executemany builds and processes a parameter dict per row; for a hub
merging 50 packages that overhead costs more than SQLite's own work. Here the statement
text is built once (quoted names, the driver's placeholder style) and each row becomes a
tuple run through the dialect's own bind processors (e.g. SQLite's date-to-text), so
the values stored are exactly those SQLAlchemy would store, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table


def placeholder(conn: Connection) -> str:
    """The driver's parameter marker: ``?`` (sqlite3) or ``%s`` (psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _processors(conn: Connection, table: Table, names: Sequence[str]
                ) -> list[Callable[[Any], Any] | None]:
    return [table.c[name].type._cached_bind_processor(conn.dialect) for name in names]


def _tuples(rows: Sequence[dict[str, Any]], names: Sequence[str],
            processors: list[Callable[[Any], Any] | None]) -> list[tuple[Any, ...]]:
    """Rows as driver tuples; only the few columns with a bind processor are touched."""
    convert = [(i, p) for i, p in enumerate(processors) if p is not None]
    if len(names) == 1:
        single = names[0]
        return [(row.get(single),) if not convert else (convert[0][1](row.get(single)),)
                for row in rows]
    get = itemgetter(*names)
    out = []
    for row in rows:
        try:
            values = list(get(row))
        except KeyError:  # a row without some columns: those are NULL
            values = [row.get(n) for n in names]
        for index, process in convert:
            values[index] = process(values[index])
        out.append(tuple(values))
    return out


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all columns of ``table``; missing keys become NULL).

    Rows go in primary-key order: random UUIDs inserted in order touch each B-tree page
    of the key index once instead of jumping around the file.
    """
    if not rows:
        return
    key = table.primary_key.columns.keys()
    if key:
        rows = sorted(rows, key=itemgetter(*key))
    names = [c.name for c in table.columns]
    quote = conn.dialect.identifier_preparer.quote
    mark = placeholder(conn)
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    conn.exec_driver_sql(sql, _tuples(rows, names, _processors(conn, table, names)))


def update_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                names: Sequence[str], key: str = "id") -> None:
    """UPDATE ``names`` of every row, matched by ``key``."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = placeholder(conn)
    sql = (f"UPDATE {quote(table.name)} SET "
           f"{', '.join(f'{quote(n)} = {mark}' for n in names)} WHERE {quote(key)} = {mark}")
    columns = [*names, key]
    conn.exec_driver_sql(sql, _tuples(rows, columns, _processors(conn, table, columns)))
