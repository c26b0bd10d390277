"""The AccountProjection's writers: effects applied to one table set with Core statements.

`LiveWriter` keeps the live tables inside each command's transaction in as few round
trips as the arithmetic allows: one UPDATE ... RETURNING for the summary, one INSERT for
the line, or on PostgreSQL both in one statement (the line's INSERT reads the balance
from the UPDATE in its WITH clause). `ReplayWriter` serves rebuilds: summaries in memory,
lines in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Insert,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from bank.store.driver import driver_statement
from bank.store.types import UTCDateTime
from read_models.bulk import insert_rows, stored_form
from read_models.effects import EFFECTS, OPENED, Effect, Envelope
from read_models.summary import AccountState, Line, missing_summary, statement_line
from read_models.tables import AccountTables

MAX_CACHED_ACCOUNTS = 100_000
"""Summaries a rebuild keeps in memory before writing them out and starting afresh."""

_KEY_CHUNK = 500
"""Account ids per statement, well under every driver's bound-parameter limit."""


class LiveWriter:
    """Applies each event straight to the tables: no read before write."""

    def __init__(self, tables: AccountTables) -> None:
        self._tables = tables
        self._update, self._update_with_line = _live_statements(tables)

    def project(self, connection: Connection, events: Sequence[Envelope]) -> None:
        """Apply `events`, in position order, in the caller's transaction."""
        lines = []
        one_statement = connection.dialect.name in _DML_IN_WITH
        for envelope in events:
            effect_of = EFFECTS.get(envelope.event_type)
            if effect_of is None:
                continue
            effect = effect_of(envelope.data)
            if envelope.event_type == OPENED:
                line = self._open(connection, envelope, effect)
            elif one_statement and effect.line_type is not None:
                self._move_with_line(connection, envelope, effect)
                continue
            else:
                line = self._change(connection, envelope, effect)
            if line is not None:
                lines.append(line)
        if lines:
            insert_rows(connection, self._tables.lines, lines)

    def _open(self, connection: Connection, envelope: Envelope, effect: Effect) -> Line | None:
        """Insert the new summary; its opening line is the caller's to insert."""
        state = AccountState.open(envelope)
        line = state.apply(envelope, effect)
        insert_rows(connection, self._tables.summaries, [state.as_values()])
        return line

    def _change(self, connection: Connection, envelope: Envelope, effect: Effect) -> Line | None:
        """Update the summary; the line, if the event adds one, is the caller's to insert."""
        update = driver_statement(self._update, connection.dialect)
        balance_after = update.scalar(connection, _update_params(envelope, effect))
        if balance_after is None:
            raise missing_summary(envelope)
        return statement_line(envelope, effect, balance_after) if effect.line_type else None

    def _move_with_line(self, connection: Connection, envelope: Envelope, effect: Effect) -> None:
        """Update the summary and insert the line it moved in one statement (one round trip)."""
        line = statement_line(envelope, effect, balance_after_cents=0)  # the UPDATE's balance
        params = _update_params(envelope, effect)
        params.update({f"line_{name}": getattr(line, name) for name in _LINE_BINDS})
        if not driver_statement(self._update_with_line, connection.dialect).run(connection, params):
            raise missing_summary(envelope)

    def flush(self, connection: Connection) -> None:
        """Nothing is held back."""


_DML_IN_WITH = frozenset({"postgresql"})
"""Dialects whose WITH clause may hold an UPDATE (SQLite's may not)."""

_LINE_BINDS = tuple(name for name in Line._fields if name != "balance_after_cents")
"""A statement line's fields bound as `line_<name>`; the balance comes from the summary."""


@cache
def _live_statements(tables: AccountTables) -> tuple[Update, Insert]:
    """Built once per table set: constructing a Core statement costs more than running it.

    The second is the summary's UPDATE in a WITH clause and the statement line's INSERT,
    which returns a row only when there was a summary to update.
    """
    s, lines = tables.summaries, tables.lines
    updated = _summary_update(s)
    moved = updated.cte("moved")
    line = select(
        *(
            moved.c.balance_cents
            if column.name == "balance_after_cents"
            else bindparam(f"line_{column.name}", type_=column.type)
            for column in lines.c
        )
    )
    return (
        updated,
        insert(lines)
        .from_select([column.name for column in lines.c], line)
        .returning(lines.c.position),
    )


def _summary_update(s: Table) -> Update:
    """`AccountState.apply` as one UPDATE, returning the balance after."""
    return (
        update(s)
        .where(s.c.account_id == bindparam("key"))
        .values(
            balance_cents=s.c.balance_cents + bindparam("delta", type_=BigInteger),
            transaction_count=s.c.transaction_count + bindparam("moves", type_=BigInteger),
            last_transaction_at=func.coalesce(
                bindparam("moved_at", type_=UTCDateTime), s.c.last_transaction_at
            ),
            overdraft_limit_cents=func.coalesce(
                bindparam("limit", type_=BigInteger), s.c.overdraft_limit_cents
            ),
            is_active=and_(s.c.is_active, bindparam("stays_active", type_=Boolean)),
            version=bindparam("new_version"),
            last_position=bindparam("position"),
        )
        .returning(s.c.balance_cents)
    )


def _update_params(envelope: Envelope, effect: Effect) -> dict[str, Any]:
    moves = effect.line_type is not None
    return {
        "key": envelope.stream_id,
        "delta": effect.delta_cents,
        "moves": int(moves),
        "moved_at": envelope.recorded_at if moves else None,
        "limit": effect.overdraft_limit_cents,
        "stays_active": not effect.closes,
        "new_version": envelope.version,
        "position": envelope.position,
    }


class ReplayWriter:
    """Applies events in memory, holding touched summaries until `flush`.

    One writer serves a whole replay: summaries stay in memory (at most `max_cached`;
    beyond that they are written and forgotten, and read back when needed), and each
    batch's statement lines go out in one bulk insert. Every value is kept as the driver
    stores it (the events' times as they were read), so rows go out unconverted.
    """

    def __init__(self, tables: AccountTables, max_cached: int = MAX_CACHED_ACCOUNTS) -> None:
        self._tables = tables
        self._max_cached = max_cached
        self._states: dict[str, AccountState] = {}
        self._stored: set[str] = set()
        self._dirty: set[str] = set()
        self._forgotten = False
        """Whether summaries were written out and dropped from memory, to be read back."""

    def project(self, connection: Connection, events: Sequence[Envelope]) -> None:
        """Apply `events` (in position order) and insert their statement lines."""
        if self._forgotten:
            opened = {e.stream_id for e in events if e.event_type == OPENED}
            self._load(connection, {e.stream_id for e in events} - self._states.keys() - opened)
        states, dirty = self._states, self._dirty
        lines = []
        for envelope in events:
            effect_of = EFFECTS.get(envelope.event_type)
            if effect_of is None:
                continue
            if envelope.event_type == OPENED:
                states[envelope.stream_id] = AccountState.open(envelope)
            state = states.get(envelope.stream_id)
            if state is None:
                raise missing_summary(envelope)
            line = state.apply(envelope, effect_of(envelope.data))
            dirty.add(envelope.stream_id)
            if line is not None:
                lines.append(line)
        insert_rows(connection, self._tables.lines, lines, stored=True)
        if len(states) > self._max_cached:
            self.flush(connection)
            self.forget()

    def flush(self, connection: Connection) -> None:
        """Write every summary changed since the last flush (stored ones are replaced)."""
        summaries = self._tables.summaries
        for chunk in _chunks(self._dirty & self._stored):
            connection.execute(delete(summaries).where(summaries.c.account_id.in_(chunk)))
        rows = [self._states[i].as_values() for i in self._dirty]
        insert_rows(connection, summaries, rows, stored=True)
        self._stored |= self._dirty
        self._dirty.clear()

    def forget(self) -> None:
        """Drop every summary held, to be read back from the table when needed: once they
        were flushed (memory is full), or when a rollback left memory ahead of the table."""
        self._states.clear()
        self._stored.clear()
        self._dirty.clear()
        self._forgotten = True

    def _load(self, connection: Connection, account_ids: Iterable[str]) -> None:
        summaries = self._tables.summaries
        for chunk in _chunks(account_ids):
            rows = connection.execute(select(summaries).where(summaries.c.account_id.in_(chunk)))
            for values in stored_form(connection, summaries, rows):
                state = AccountState(*values)
                self._states[state.account_id] = state
                self._stored.add(state.account_id)


def _chunks(account_ids: Iterable[str]) -> Iterator[list[str]]:
    """Account ids in sorted chunks small enough for one statement's parameters."""
    wanted = sorted(account_ids)
    for start in range(0, len(wanted), _KEY_CHUNK):
        yield wanted[start : start + _KEY_CHUNK]


def account_checkpoint(connection: Connection, tables: AccountTables) -> int:
    """The last global position applied: the newest `last_position` of any summary.

    Derived rather than stored: every event this projection handles rewrites its account's
    summary row anyway, while one checkpoint row updated by every command would be a lock
    that serialises all writers on PostgreSQL.
    """
    column = tables.summaries.c.last_position
    return int(connection.execute(select(func.coalesce(func.max(column), 0))).scalar_one())
