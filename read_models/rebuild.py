"""`manage.py rebuild-projections`: replay into fresh tables, then swap them in atomically."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from read_models.exclusive import exclusive_replay
from read_models.projection import projections_named
from read_models.replay import DEFAULT_BATCH_SIZE, Target, replay
from read_models.swap import swap_in

SCRATCH_SUFFIX = "_rebuild"


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild did, for the operator."""

    projections: tuple[str, ...]
    events: int
    position: int
    seconds: float

    @property
    def rate(self) -> float:
        """Events replayed per second."""
        return self.events / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        return (
            f"rebuilt {', '.join(self.projections)}: {self.events} events up to position "
            f"{self.position} in {self.seconds:.1f}s ({self.rate:,.0f} events/s)"
        )


def rebuild_projections(
    engine: Engine,
    names: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    show_progress: bool = False,
) -> RebuildReport:
    """Rebuild the named projections (all by default) from the events alone.

    Queries keep reading the old tables until the swap commits; commands keep
    committing until the short catch-up at the end, and none of them is lost.
    """
    projections = projections_named(names)
    started = time.perf_counter()

    def swap(conn: Connection, targets: Sequence[Target]) -> None:
        for projection, scratch in targets:
            swap_in(conn, scratch.tables, projection.live.tables)

    with exclusive_replay(engine, SCRATCH_SUFFIX):
        replayed = replay(
            engine,
            projections,
            SCRATCH_SUFFIX,
            swap,
            batch_size=batch_size,
            show_progress=show_progress,
        )
    return RebuildReport(
        tuple(p.name for p in projections),
        replayed.events,
        replayed.position,
        time.perf_counter() - started,
    )
