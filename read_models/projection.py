"""What the dispatcher, rebuild, verify and stats need to know about a projection, by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Connection, Table

from bank.events import DomainEvent
from read_models.accounts import LiveWriter, ReplayWriter, account_checkpoint
from read_models.effects import HANDLED, Envelope
from read_models.tables import WrittenBy, account_tables


class TableSet(Protocol):
    """A projection's tables under one naming (live, or scratch)."""

    @property
    def tables(self) -> Sequence[Table]:
        """Every table of the set, in creation order."""
        ...

    @property
    def append_only(self) -> Mapping[str, WrittenBy]:
        """Names of tables whose rows never change once written, with the columns naming the
        event that wrote each row."""
        ...


class Writer(Protocol):
    """Applies events to one table set; `flush` writes what it still holds in memory."""

    def project(self, connection: Connection, events: Sequence[Envelope]) -> None:
        """Apply events, in position order."""

    def flush(self, connection: Connection) -> None:
        """Write any state held back."""


class RestartableWriter(Writer, Protocol):
    """A replay's writer, which can start again from what its tables hold."""

    def forget(self) -> None:
        """Drop what is held in memory, to be read back from the tables when needed."""


TS = TypeVar("TS", bound=TableSet)


@dataclass(frozen=True)
class Projection(Generic[TS]):
    """A read model: its tables under any suffix, its writers and its checkpoint."""

    name: str
    handles: frozenset[type[DomainEvent]]
    table_set: Callable[[str], TS]
    live_writer: Callable[[TS], Writer]
    """Applies a command's events to the live tables, in the command's transaction."""
    replay_writer: Callable[[TS], RestartableWriter]
    """Applies the whole log, batch by batch, to scratch tables."""
    checkpoint: Callable[[Connection, TS], int]

    @property
    def live(self) -> TS:
        """The tables queries read."""
        return self.table_set("")


ACCOUNTS = Projection(
    "accounts", HANDLED, account_tables, LiveWriter, ReplayWriter, account_checkpoint
)

PROJECTIONS: dict[str, Projection[Any]] = {p.name: p for p in (ACCOUNTS,)}
"""Every projection, by the name `--projection` takes."""


def projections_named(names: Sequence[str] | None) -> list[Projection[Any]]:
    """The projections to work on: all of them when `names` is empty; KeyError for a stranger.

    A name given twice means one projection: replayed twice, it would build its scratch
    tables twice over and swap the same tables in twice.
    """
    if not names:
        return list(PROJECTIONS.values())
    wanted = list(dict.fromkeys(names))
    unknown = [n for n in wanted if n not in PROJECTIONS]
    if unknown:
        raise KeyError(f"unknown projection(s): {', '.join(unknown)}")
    return [PROJECTIONS[n] for n in wanted]
