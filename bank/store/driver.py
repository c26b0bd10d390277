"""Prebuilt Core statements run straight on the DB-API driver, with Core's own conversions.

For the hottest statements (a command's five or six, an account summary per GET, a
million events per rebuild) Core's per-execution and per-row work cost more than the
statement: 23 of 28 µs for the summary on SQLite, about 20 µs a statement on a command's
path, two thirds of a rebuild's reading time. A `DriverStatement` is the statement compiled
once per dialect plus each bound value's and each column's type processor, so values go
in, and rows come out, exactly as through Core.

Errors are the driver's own, not SQLAlchemy's wrappers; after a disconnect the statement
invalidates its connection first, as Core would, so the pool replaces it and the error
that surfaces is the disconnect itself, not a failed rollback's. These statements bypass
Core's execution events and its `echo` logging too: a listener on `before_cursor_execute`
sees the rest of the application's statements, not these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Select, TextClause
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class DriverStatement:
    """One statement compiled for one dialect, with its binds' and columns' converters."""

    compiled: SQLCompiler
    names: tuple[str, ...]
    """The columns it returns (a SELECT's, or a RETURNING clause's), in order."""
    converters: tuple[Converter | None, ...]
    """Each returned column's result processor; None: the driver's value as it is."""
    binders: tuple[tuple[str, Converter], ...]
    """The bound parameters whose type converts their value, and how; by the names
    `parameters` keys them under (escaped, as in the SQL, for a named paramstyle)."""

    @property
    def sql(self) -> str:
        """The statement in the driver's own paramstyle."""
        return self.compiled.string

    def parameters(self, values: Mapping[str, Any]) -> Any:
        """Bound values as the driver takes them: a tuple (positional) or a dict (named)."""
        order = self.compiled.positiontup  # names as written; else the SQL's escaped ones
        named = self.compiled.construct_params(values, escape_names=not order)
        for name, bind in self.binders:
            named[name] = bind(named[name])
        return tuple(named[name] for name in order) if order else named

    def run(self, conn: Connection, values: Mapping[str, Any]) -> Sequence[Any]:
        """Execute in the connection's transaction; the rows it returns, unconverted."""
        return self.execute(conn, self.parameters(values))

    def execute(self, conn: Connection, parameters: Any) -> Sequence[Any]:
        """`run` with values already bound (`parameters`): the driver's part alone."""
        with closing(conn.connection.cursor()) as cursor:
            try:
                cursor.execute(self.sql, parameters)
                return cursor.fetchall() if self.names else []
            except conn.dialect.loaded_dbapi.Error as error:
                if conn.dialect.is_disconnect(error, conn.connection.dbapi_connection, cursor):
                    conn.invalidate(error)
                raise

    def scalar(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row returned, converted; None when no row is."""
        rows = self.run(conn, values)
        return self.convert(rows[0])[0] if rows else None

    def converter(self, name: str) -> Converter:
        """The converter of one column, for loops that convert only some columns."""
        return self.converters[self.names.index(name)] or _same

    def convert(self, row: Sequence[Any]) -> list[Any]:
        """A whole row as Core would have returned it."""
        return [v if c is None else c(v) for c, v in zip(self.converters, row, strict=True)]


PREPARED_AT_MOST = 1024
"""Statements kept prepared, per dialect instance (an engine's): a process with one engine
needs a few hundred at most (a hundred event-INSERT sizes among them); a test session
creates an engine per test and would otherwise keep every one's."""


@lru_cache(maxsize=PREPARED_AT_MOST)
def driver_statement(
    statement: Select[Any] | UpdateBase | TextClause, dialect: Dialect
) -> DriverStatement:
    """`statement` prepared for `dialect`; cached, so build statements once, at import."""
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    returned = [] if isinstance(statement, TextClause) else list(statement.exported_columns)
    escaped = {} if compiled.positiontup else compiled.escaped_bind_names
    return DriverStatement(
        compiled,
        tuple(column.name for column in returned),
        tuple(_type_of(column, dialect).result_processor(dialect, None) for column in returned),
        tuple(
            (escaped.get(name, name), processor)
            for name, bind in compiled.binds.items()
            if (processor := _type_of(bind, dialect).bind_processor(dialect)) is not None
        ),
    )


def _type_of(element: Any, dialect: Dialect) -> Any:
    return element.type.dialect_impl(dialect)


def _same(value: Any) -> Any:
    return value
