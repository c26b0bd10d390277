"""Prebuilt Core SELECTs run straight on the DB-API driver, with Core's own conversions.

For the hottest reads (an account summary per GET, a million events per rebuild) Core's
per-execution and per-row work cost more than the query: 23 of 28 µs for the summary on
SQLite, two thirds of a rebuild's reading time. A `DriverSelect` is the statement compiled
once per dialect plus each column type's result processor, so rows read this way hold
exactly what Core would have returned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Dialect, Select
from sqlalchemy.sql.compiler import SQLCompiler

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class DriverSelect:
    """One SELECT compiled for one dialect, and its columns' converters (None: as is)."""

    compiled: SQLCompiler
    names: tuple[str, ...]
    converters: tuple[Converter | None, ...]

    @property
    def sql(self) -> str:
        """The statement in the driver's own paramstyle."""
        return self.compiled.string

    def parameters(self, values: Mapping[str, Any]) -> Any:
        """Bound values as the driver takes them: a tuple (positional) or a dict (named)."""
        named = self.compiled.construct_params(values)
        order = self.compiled.positiontup
        return tuple(named[name] for name in order) if order else named

    def converter(self, name: str) -> Converter:
        """The converter of one column, for loops that convert only some columns."""
        return self.converters[self.names.index(name)] or _same

    def convert(self, row: Sequence[Any]) -> list[Any]:
        """A whole row as Core would have returned it."""
        return [v if c is None else c(v) for c, v in zip(self.converters, row, strict=True)]


@cache
def driver_select(statement: Select[Any], dialect: Dialect) -> DriverSelect:
    """`statement` prepared for `dialect`; cached, so build statements once, at import."""
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    return DriverSelect(
        compiled,
        tuple(column.name for column in statement.selected_columns),
        tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ),
    )


def _same(value: Any) -> Any:
    return value
