"""`manage.py verify-projections`: replay into scratch tables and compare them with the live ones.

Comparisons run in the database (`EXCEPT` both ways) and only differing rows come back to
Python. Tables whose rows change are compared under the append lock, so no command slips
in between; append-only tables (statement lines) after it, up to the position the replay
reached, so that a large store does not hold up commands for the whole comparison. Their
live rows beyond that position are checked too, for the event each names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    Engine,
    Select,
    Table,
    and_,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)

from bank.store.schema import events
from read_models.exclusive import exclusive_replay
from read_models.lock_waits import waits_for
from read_models.projection import projections_named
from read_models.replay import DEFAULT_BATCH_SIZE, Target, drop_scratch, replay
from read_models.tables import WrittenBy

SCRATCH_SUFFIX = "_verify"
MAX_REPORTED = 50
"""Differing rows listed per table (the rest are only counted); one is enough to fail."""
_SIDE, _TOTAL = "verify_side", "verify_total"
"""Labels of the comparison's own columns, beside the table's."""

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


class Differences(list[Difference]):
    """The differing rows listed (the first `MAX_REPORTED` of each table, by key), and
    `total`, how many rows differ in all."""

    def __init__(self, listed: Iterable[Difference] = (), total: int = 0) -> None:
        super().__init__(listed)
        self.total = total


def combined(parts: Sequence[Differences]) -> Differences:
    """One report from several tables' reports."""
    return Differences([d for part in parts for d in part], sum(part.total for part in parts))


def compare(
    conn: Connection, live: Table, replayed: Table, live_where: ColumnElement[bool] | None = None
) -> Differences:
    """The rows of `live` and `replayed` that differ, paired up by primary key.

    One statement: the rows each side holds and the other lacks (`EXCEPT` both ways, each
    run once), the keys of either, and the first `MAX_REPORTED` of those keys by order,
    fetched from both sides so that a changed row shows its live and replayed values. Every
    row comes back with the number of differing keys in all. `live_where` narrows the live
    rows compared.
    """
    live_rows, replayed_rows = select(*live.c), select(*replayed.c)
    if live_where is not None:
        live_rows = live_rows.where(live_where)
    keys = [column.name for column in live.primary_key]
    only_live = live_rows.except_(replayed_rows).cte("only_live")
    only_replayed = replayed_rows.except_(live_rows).cte("only_replayed")
    differing = union(*(select(*(side.c[k] for k in keys)) for side in (only_live, only_replayed)))
    first = differing.subquery("differing")
    listed = (
        select(*first.c, func.count().over().label(_TOTAL))
        .order_by(*first.c)
        .limit(MAX_REPORTED)
        .cte("listed")
    )

    def rows_of(side: CTE, name: str) -> Select[Any]:
        on = and_(*(side.c[k] == listed.c[k] for k in keys))
        return select(literal(name).label(_SIDE), listed.c[_TOTAL], *side.c).join_from(
            side, listed, on
        )

    both = union_all(rows_of(only_live, "live"), rows_of(only_replayed, "replayed"))
    rows = conn.execute(both).mappings().all()
    found: dict[tuple[Any, ...], dict[str, RowDict]] = {}
    for row in rows:
        values = {column.name: row[column.name] for column in live.c}
        found.setdefault(tuple(values[k] for k in keys), {})[row[_SIDE]] = values
    return Differences(
        (
            Difference(live.name, key, sides.get("live"), sides.get("replayed"))
            for key, sides in sorted(found.items())
        ),
        rows[0][_TOTAL] if rows else 0,
    )


def verify_projections(
    engine: Engine,
    names: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    show_progress: bool = False,
) -> Differences:
    """Every difference between the live read models and a fresh replay; empty when equal."""
    projections = projections_named(names)

    def compare_changing(conn: Connection, targets: Sequence[Target]) -> Differences:
        return combined(
            [
                _compare_locked(conn, live, fresh)
                for live, fresh, by in _pairs(targets)
                if by is None
            ]
        )

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
                append_only = [
                    compare(conn, live, fresh, _replay_covers(live, by, replayed.position))
                    for live, fresh, by in _pairs(targets)
                    if by is not None
                ]
            return combined([replayed.outcome, *append_only])
        finally:
            drop_scratch(engine, targets)


def _compare_locked(conn: Connection, live: Table, replayed: Table) -> Differences:
    """`compare` under the append lock, whose lock waits are bounded: a live table that
    someone else holds (DDL, VACUUM FULL) is reported as busy, and the replay tries again."""
    with waits_for(live.name):
        return compare(conn, live, replayed)


def _replay_covers(live: Table, by: WrittenBy, position: int) -> ColumnElement[bool]:
    """The live rows a replay up to `position` must match: those written by then, and later
    ones that no event wrote.

    Later rows come from commands that committed meanwhile, each with its event (same
    transaction, so one statement sees both or neither); a row naming no such event is a
    stray, however far beyond the head its position lies.
    """
    written_at = live.c[by.position]
    writer = select(events.c.position).where(
        events.c.position == written_at,
        events.c.stream_id == live.c[by.stream_id],
        events.c.version == live.c[by.version],
    )
    return or_(written_at <= position, ~writer.exists())


def _pairs(targets: Sequence[Target]) -> Iterator[tuple[Table, Table, WrittenBy | None]]:
    """Each live table, its replayed twin, and if it is append-only the columns naming the
    event that wrote each row."""
    for projection, scratch in targets:
        for live, fresh in zip(projection.live.tables, scratch.tables, strict=True):
            yield live, fresh, projection.live.append_only.get(live.name)
