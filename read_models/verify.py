"""`manage.py verify-projections`: replay into scratch tables and compare them with the live ones.

The comparison runs in the database (`EXCEPT` both ways, under the append lock, so no
command can slip in between), and only the differing rows come back to Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, select

from read_models.projection import projections_named
from read_models.replay import DEFAULT_BATCH_SIZE, Target, replay

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


def compare(conn: Connection, live: Table, replayed: Table) -> list[Difference]:
    """The rows of `live` and `replayed` that differ, paired up by primary key."""
    only_live = select(*live.c).except_(select(*replayed.c)).limit(MAX_REPORTED)
    only_replayed = select(*replayed.c).except_(select(*live.c)).limit(MAX_REPORTED)
    key_columns = [column.name for column in live.primary_key]

    def by_key(rows: Sequence[Any]) -> dict[tuple[Any, ...], RowDict]:
        return {tuple(row[c] for c in key_columns): dict(row) for row in rows}

    live_rows = by_key(conn.execute(only_live).mappings().all())
    replayed_rows = by_key(conn.execute(only_replayed).mappings().all())
    return [
        Difference(live.name, key, live_rows.get(key), replayed_rows.get(key))
        for key in sorted(live_rows.keys() | replayed_rows.keys())
    ]


def verify_projections(
    engine: Engine,
    names: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    show_progress: bool = False,
) -> list[Difference]:
    """Every difference between the live read models and a fresh replay; empty when equal."""
    projections = projections_named(names)

    def compare_all(conn: Connection, targets: Sequence[Target]) -> list[Difference]:
        return [
            difference
            for projection, scratch in targets
            for live, fresh in zip(projection.live.tables, scratch.tables, strict=True)
            for difference in compare(conn, live, fresh)
        ]

    return replay(
        engine,
        projections,
        SCRATCH_SUFFIX,
        compare_all,
        batch_size=batch_size,
        show_progress=show_progress,
    ).outcome
