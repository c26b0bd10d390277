"""The AccountProjection's writer: runs the folds against one table set with Core statements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert, Select, Update, bindparam, func, insert, select, update

from bank.events import AccountOpened
from read_models.bulk import insert_rows
from read_models.folds import FOLDS, AccountState, Envelope
from read_models.tables import AccountTables

MAX_CACHED_ACCOUNTS = 100_000
"""Summaries a rebuild keeps in memory before writing them out and starting afresh."""

OPENED = AccountOpened.event_type()

_LOAD_CHUNK = 500
"""Account ids per SELECT, well under every driver's bound-parameter limit."""


class AccountWriter:
    """Applies events to one AccountTables set, holding touched summaries until `flush`.

    Live, the dispatcher uses one writer per event: load the row, fold, write it back.
    A rebuild keeps one writer for the whole replay: summaries stay in memory (at most
    `max_cached` of them; beyond that they are written and forgotten), and each batch's
    statement lines go out in one bulk insert.
    """

    def __init__(self, tables: AccountTables, max_cached: int = MAX_CACHED_ACCOUNTS) -> None:
        self._tables = tables
        self._statements = _statements(tables)
        self._max_cached = max_cached
        self._states: dict[str, AccountState] = {}
        self._stored: set[str] = set()
        self._dirty: set[str] = set()

    def project(self, connection: Connection, events: Sequence[Envelope]) -> None:
        """Fold `events` (in position order) and insert their statement lines."""
        opened = {e.stream_id for e in events if e.event_type == OPENED}
        self._load(connection, {e.stream_id for e in events} - self._states.keys() - opened)
        lines = []
        for envelope in events:
            fold = FOLDS.get(envelope.event_type)
            if fold is None:
                continue
            state, line = fold(self._states.get(envelope.stream_id), envelope)
            self._states[envelope.stream_id] = state
            self._dirty.add(envelope.stream_id)
            if line is not None:
                lines.append(line)
        insert_rows(connection, self._tables.lines, lines)
        if len(self._states) > self._max_cached:
            self.flush(connection)
            self._states.clear()
            self._stored.clear()

    def flush(self, connection: Connection) -> None:
        """Write every summary changed since the last flush: INSERT new ones, UPDATE others."""
        new = [self._states[i].as_row() for i in self._dirty - self._stored]
        changed = [_keyed(self._states[i].as_row()) for i in self._dirty & self._stored]
        if new:
            connection.execute(self._statements.insert, new)
        if changed:
            connection.execute(self._statements.update, changed)
        self._stored |= self._dirty
        self._dirty.clear()

    def _load(self, connection: Connection, account_ids: Iterable[str]) -> None:
        wanted = sorted(account_ids)
        for start in range(0, len(wanted), _LOAD_CHUNK):
            chunk = wanted[start : start + _LOAD_CHUNK]
            for row in connection.execute(self._statements.load, {"ids": chunk}).mappings():
                self._states[row["account_id"]] = AccountState.from_row(row)
                self._stored.add(row["account_id"])


@dataclass(frozen=True)
class _Statements:
    """Built once per table set: constructing a Core statement costs more than running it."""

    load: Select[Any]
    insert: Insert
    update: Update


@cache
def _statements(tables: AccountTables) -> _Statements:
    summaries = tables.summaries
    return _Statements(
        load=select(summaries).where(summaries.c.account_id.in_(bindparam("ids", expanding=True))),
        insert=insert(summaries),
        update=update(summaries).where(summaries.c.account_id == bindparam("key")),
    )


def _keyed(row: dict[str, Any]) -> dict[str, Any]:
    """An UPDATE parameter set: the key under its own name, every other column to SET."""
    row["key"] = row.pop("account_id")
    return row


def account_checkpoint(connection: Connection, tables: AccountTables) -> int:
    """The last global position applied: the newest `last_position` of any summary.

    Derived rather than stored: every event this projection handles rewrites its account's
    summary row anyway, while one checkpoint row updated by every command would be a lock
    that serialises all writers on PostgreSQL.
    """
    column = tables.summaries.c.last_position
    return int(connection.execute(select(func.coalesce(func.max(column), 0))).scalar_one())
