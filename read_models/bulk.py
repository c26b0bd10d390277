"""Many rows into one table at once, without SQLAlchemy's per-row parameter handling.

A rebuild writes a statement line per money movement. SQLAlchemy's executemany builds a
parameter dict per row (measured on SQLite: ~10 us a row, a third of the whole rebuild),
and psycopg then sends one INSERT per row (~47,000 rows/s). Here PostgreSQL gets one
binary COPY, and other databases one DBAPI executemany of plain tuples, values converted by
each column's bind processor for the dialect, so they are stored exactly as Core
stores them. A replay's rows need no converting: it copies the events' times as the
driver returned them (on SQLite, converting them both ways was a fifth of a rebuild).
A command's one or two lines go to PostgreSQL as an INSERT: a COPY costs a second round
trip and more set-up than it saves on so few rows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import closing
from functools import cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert

from bank.store.driver import driver_statement

Values = Sequence[Any]
"""One row: a value per column, in the table's column order."""

COPY_FROM_ROWS = 64
"""On PostgreSQL, batches this large go by COPY, smaller ones by INSERT."""


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[Values], *, stored: bool = False
) -> None:
    """Insert `rows` (values in the table's column order) in the connection's transaction.

    `stored`: the values are already as the driver stores them (read back on the driver,
    or made by `stored_form`), so no column converts them again.
    """
    if not rows:
        return
    with closing(conn.connection.cursor()) as cursor:
        if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM_ROWS:
            _copy(conn, cursor, table, rows)
        else:
            _executemany(conn, cursor, table, rows if stored else stored_form(conn, table, rows))


def stored_form(conn: Connection, table: Table, rows: Iterable[Values]) -> Sequence[Values]:
    """`rows` converted as Core converts values for the driver (on SQLite, times to text)."""
    processors = _plan(table, conn.dialect)[1]
    if not processors:
        return list(rows)
    converted = []
    for row in rows:
        values = list(row)
        for index, processor in processors:
            values[index] = processor(values[index])
        converted.append(values)
    return converted


def _copy(conn: Connection, cursor: Any, table: Table, rows: Sequence[Values]) -> None:
    command, types = _copy_plan(table, conn.dialect)
    with cursor.copy(command) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


@cache
def _copy_plan(table: Table, dialect: Dialect) -> tuple[str, list[str]]:
    """A binary COPY of every column, and the column types' names for the driver.

    Binary, because formatting values as text cost psycopg 2.0 us of CPU a row,
    and binary 0.36 (200,000 statement lines, measured).
    """
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column.name) for column in table.c)
    types = [
        re.sub(r"\(.*\)", "", column.type.dialect_impl(dialect).compile(dialect=dialect)).lower()
        for column in table.c
    ]
    return f"COPY {quote(table.name)} ({names}) FROM STDIN (FORMAT BINARY)", types


def _executemany(conn: Connection, cursor: Any, table: Table, rows: Sequence[Values]) -> None:
    """The rows by `executemany`, or a single one (a command's line) by `execute`.

    psycopg's `executemany` runs in a pipeline, whose set-up and sync made a one-row
    INSERT cost 294 us against 174 (loopback, median of 6 x 2,000).
    """
    statement, _processors, names = _plan(table, conn.dialect)
    named = None if names is None else [dict(zip(names, row, strict=True)) for row in rows]
    many = rows if named is None else named
    if len(many) == 1:
        cursor.execute(statement, many[0])
    else:
        cursor.executemany(statement, many)


@cache
def _plan(table: Table, dialect: Dialect) -> tuple[str, list[tuple[int, Any]], list[str] | None]:
    """The compiled INSERT, its converters by column index, and its parameter names.

    The converters are those Core applies, as `bank.store.driver` finds them: each column
    type's implementation for the dialect (on SQLite, a DATETIME's text form). The names
    are None for a positional driver (sqlite3), which takes the values in column order.
    """
    statement = driver_statement(insert(table), dialect)
    names = [column.name for column in table.c]
    positional = statement.compiled.positiontup
    if positional not in (None, names):
        raise ValueError(f"{table.name}: the INSERT does not take its columns in table order")
    converts = dict(statement.binders)
    processors = [(index, converts[name]) for index, name in enumerate(names) if name in converts]
    return statement.sql, processors, None if positional else names
