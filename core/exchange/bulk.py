"""Fast executemany for merges: the DB-API driver gets plain tuples.

SQLAlchemy's Core executemany builds and processes a parameter dict per row; for a hub
merging 50 packages that overhead costs more than SQLite's own work. Here the statement
text is built once (quoted names, the driver's placeholder style) and each row becomes a
tuple run through the dialect's own bind processors (e.g. SQLite's date-to-text), so
the values stored are exactly those SQLAlchemy would store, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Dialect, Table
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite


def placeholder(conn: Connection) -> str:
    """The driver's parameter marker: ``?`` (sqlite3) or ``%s`` (psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


_SQLITE_DATE = "%(year)04d-%(month)02d-%(day)02d"
_SQLITE_DATETIME = _SQLITE_DATE + " %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"


def _fast(sa_type: Any, dialect: Any, process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The same text SQLite's DATE/DATETIME bind processors produce, from ``isoformat``
    (in C) for the plain values; anything else still goes through SQLAlchemy's."""
    impl = sa_type.dialect_impl(dialect)
    storage = getattr(impl, "_storage_format", None)
    if dialect.name != "sqlite":
        return process
    if isinstance(impl, DateTime) and storage == _SQLITE_DATETIME:
        def stamp(value: Any) -> Any:
            if value.__class__ is datetime and value.tzinfo is None:
                return value.isoformat(" ", "microseconds")
            return process(value)
        return stamp
    if isinstance(impl, Date) and storage == _SQLITE_DATE:
        def day(value: Any) -> Any:
            return value.isoformat() if value.__class__ is date else process(value)
        return day
    return process


def bind_processors(dialect: Dialect, table: Table, names: Sequence[str]
                ) -> list[Callable[[Any], Any] | None]:
    found: list[Callable[[Any], Any] | None] = []
    for name in names:
        sa_type = table.c[name].type
        process = sa_type._cached_bind_processor(dialect)
        found.append(None if process is None else _fast(sa_type, dialect, process))
    return found


def _tuples(rows: Sequence[dict[str, Any]], names: Sequence[str],
            processors: list[Callable[[Any], Any] | None]) -> list[tuple[Any, ...]]:
    """Rows as driver tuples; only the few columns with a bind processor are touched,
    column by column."""
    convert = [(i, p) for i, p in enumerate(processors) if p is not None]
    if len(names) == 1:
        single = names[0]
        return [(row.get(single),) if not convert else (convert[0][1](row.get(single)),)
                for row in rows]
    get = itemgetter(*names)
    try:
        out = list(map(get, rows))
    except KeyError:  # a row without some columns: those are NULL
        out = [tuple(row.get(n) for n in names) for row in rows]
    if not convert or not out:
        return out
    columns = list(zip(*out, strict=True))
    for index, process in convert:
        columns[index] = tuple(map(process, columns[index]))
    return list(zip(*columns, strict=True))


SQLITE = SQLiteDialect_pysqlite()  # for tuples built without a connection (sync_rows)


IN_CHUNK = 2_000  # keys per IN (...): below SQLite's 32,766 variables, few round trips


def select_in(conn: Connection, sql: str, keys: Iterable[Any], *params: Any) -> list[Any]:
    """Driver-level ``sql`` with ``{}`` replaced by an IN list, once per chunk of keys.

    Look-ups by many keys need no SQL compilation per chunk and no result processing
    (values come back as stored; dates as text on SQLite). ``params`` come before the
    keys. Key order does not matter: SQLite sorts an IN list itself."""
    mark, unique = placeholder(conn), list(set(keys))
    found: list[Any] = []
    for first in range(0, len(unique), IN_CHUNK):
        part = unique[first:first + IN_CHUNK]
        statement = sql.replace("{}", ", ".join([mark] * len(part)))
        found += conn.exec_driver_sql(statement, (*params, *part)).fetchall()
    return found


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all columns of ``table``; missing keys become NULL)."""
    if not rows:
        return
    names = [c.name for c in table.columns]
    insert_tuples(conn, table, _tuples(rows, names, bind_processors(conn.dialect, table, names)))


def insert_tuples(conn: Connection, table: Table, tuples: list[tuple[Any, ...]]) -> None:
    """INSERT driver tuples (all columns in table order).

    Rows go in primary-key order: random UUIDs inserted in order touch each B-tree page
    of the key index once instead of jumping around the file.
    """
    if not tuples:
        return
    names = [c.name for c in table.columns]
    key = [names.index(c.name) for c in table.primary_key.columns]
    if key:
        tuples = sorted(tuples, key=itemgetter(*key))
    quote = conn.dialect.identifier_preparer.quote
    mark = placeholder(conn)
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    conn.exec_driver_sql(sql, tuples)


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
    conn.exec_driver_sql(sql, _tuples(rows, columns,
                                      bind_processors(conn.dialect, table, columns)))
