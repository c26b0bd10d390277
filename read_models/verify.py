"""`manage.py verify-projections`: replay into scratch tables and compare them with the live ones.

Comparisons run in the database (`EXCEPT` both ways) and only differing rows come back to
Python. Tables whose rows change are compared under the append lock, so no command slips
in between; append-only tables (statement lines) after it, up to the position the replay
reached, so that a large store does not hold up commands for the whole comparison.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, select

from read_models.exclusive import exclusive_replay
from read_models.projection import projections_named
from read_models.replay import DEFAULT_BATCH_SIZE, Target, drop_scratch, replay

SCRATCH_SUFFIX = "_verify"
MAX_REPORTED = 50
"""Differing rows fetched per table and direction; one is enough to fail."""

RowDict = dict[str, Any]


@dataclass(frozen=True)
class Difference:
    """One row on which a live table and the replay of the events disagree."""

    table: str
    key: tuple[Any, ...]
    live: RowDict | None
    replayed: RowDict | None

    def changes(self) -> dict[str, tuple[Any, Any]]:
        """Column -> (live value, replayed value), for the columns that differ."""
        live, replayed = self.live or {}, self.replayed or {}
        return {
            column: (live.get(column), replayed.get(column))
            for column in {**live, **replayed}
            if live.get(column) != replayed.get(column)
        }

    def __str__(self) -> str:
        where = f"{self.table} {self.key!r}"
        if self.replayed is None:
            return f"{where}: live row that the events do not produce: {self.live}"
        if self.live is None:
            return f"{where}: missing from the live table; the events say {self.replayed}"
        changes = "; ".join(
            f"{c} is {a!r}, events say {b!r}" for c, (a, b) in self.changes().items()
        )
        return f"{where}: {changes}"


def compare(
    conn: Connection, live: Table, replayed: Table, up_to: tuple[str, int] | None = None
) -> list[Difference]:
    """The rows of `live` and `replayed` that differ, paired up by primary key.

    `up_to` (column, position) leaves out rows written by events after that position.
    """
    live_rows, replayed_rows = select(*live.c), select(*replayed.c)
    if up_to is not None:
        column, position = up_to
        live_rows = live_rows.where(live.c[column] <= position)
        replayed_rows = replayed_rows.where(replayed.c[column] <= position)
    key_columns = [column.name for column in live.primary_key]

    def differing(rows: Any, others: Any) -> dict[tuple[Any, ...], RowDict]:
        found = conn.execute(rows.except_(others).limit(MAX_REPORTED)).mappings()
        return {tuple(row[c] for c in key_columns): dict(row) for row in found}

    only_live = differing(live_rows, replayed_rows)
    only_replayed = differing(replayed_rows, live_rows)
    return [
        Difference(live.name, key, only_live.get(key), only_replayed.get(key))
        for key in sorted(only_live.keys() | only_replayed.keys())
    ]


def verify_projections(
    engine: Engine,
    names: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    show_progress: bool = False,
) -> list[Difference]:
    """Every difference between the live read models and a fresh replay; empty when equal."""
    projections = projections_named(names)

    def compare_changing(conn: Connection, targets: Sequence[Target]) -> list[Difference]:
        return [
            difference
            for live, fresh, column in _pairs(targets)
            if column is None
            for difference in compare(conn, live, fresh)
        ]

    targets = [(p, p.table_set(SCRATCH_SUFFIX)) for p in projections]
    with exclusive_replay(engine, SCRATCH_SUFFIX):
        try:
            replayed = replay(
                engine,
                projections,
                SCRATCH_SUFFIX,
                compare_changing,
                batch_size=batch_size,
                show_progress=show_progress,
            )
            with engine.connect() as conn:
                return replayed.outcome + [
                    difference
                    for live, fresh, column in _pairs(targets)
                    if column is not None
                    for difference in compare(conn, live, fresh, (column, replayed.position))
                ]
        finally:
            drop_scratch(engine, targets)


def _pairs(targets: Sequence[Target]) -> Iterator[tuple[Table, Table, str | None]]:
    """Each live table, its replayed twin, and its position column if it is append-only."""
    for projection, scratch in targets:
        for live, fresh in zip(projection.live.tables, scratch.tables, strict=True):
            yield live, fresh, projection.live.append_only.get(live.name)
