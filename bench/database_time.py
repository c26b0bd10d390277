"""Where a command's time goes: waiting on the database driver, or everything else.

Attached to an engine, a `DatabaseTime` times each statement (on PostgreSQL that is the
round trip and the server's work; the implicit `BEGIN` rides on a transaction's first
statement) and each commit, by wrapping the dialect's `do_commit` (the WAL flush). Most of
a command's statements skip SQLAlchemy's execution (`bank.store.driver`, `read_models.
bulk`, SQLite's `BEGIN`), so those are timed by wrapping the functions that run them on
the driver, once their values are bound; the rest by SQLAlchemy's `before_cursor_execute`
and `after_cursor_execute` events. What is
left of a command's wall time is Python: the bus, the aggregate, the projector and
SQLAlchemy itself. The instruments cost a few microseconds a statement, so workloads measure their
headline figures without them.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any
from unittest import mock

from sqlalchemy import Engine, event

from bank.store import engine as ledger_engine
from bank.store.driver import DriverStatement
from read_models import accounts

BEGIN = "BEGIN (SQLite)"
COMMIT = "COMMIT"
LINES = "statement lines (on the driver)"


def statement_kind(statement: str) -> str:
    """A statement's first three words, e.g. `UPDATE account_summaries SET`: its kind."""
    return " ".join(statement.split()[:3])


class DatabaseTime:
    """Seconds spent in the driver per statement kind, and in commits, while attached."""

    def __init__(self, engine: Engine) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self._engine = engine
        self._started: dict[int, float] = {}
        self._attached = ExitStack()

    def __enter__(self) -> DatabaseTime:
        dialect, stack = self._engine.dialect, self._attached
        stack.enter_context(
            mock.patch.object(dialect, "do_commit", self._timed(COMMIT, dialect.do_commit))
        )
        stack.enter_context(
            mock.patch.object(accounts, "insert_rows", self._timed(LINES, accounts.insert_rows))  # type: ignore[attr-defined]
        )
        stack.enter_context(
            mock.patch.object(
                ledger_engine, "begin_sqlite", self._timed(BEGIN, ledger_engine.begin_sqlite)
            )
        )
        stack.enter_context(
            mock.patch.object(DriverStatement, "execute", self._timed_run(DriverStatement.execute))
        )
        for name, listener in (
            ("before_cursor_execute", self._before),
            ("after_cursor_execute", self._after),
        ):
            event.listen(self._engine, name, listener)
            stack.callback(event.remove, self._engine, name, listener)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._attached.close()

    def figures(self, wall_seconds: float, per: int) -> dict[str, float]:
        """Microseconds per unit of work (`per` of them in `wall_seconds`), split up."""
        inside = sum(self.seconds.values())
        figures = {
            "µs each, timed": wall_seconds / per * 1e6,
            "  in the database": inside / per * 1e6,
            "  outside it (Python)": (wall_seconds - inside) / per * 1e6,
        }
        for kind, seconds in sorted(self.seconds.items(), key=lambda item: -item[1]):
            figures[f"    {kind} ({self.calls[kind] / per:.2f} a command)"] = seconds / per * 1e6
        return figures

    def _before(self, _conn: Any, cursor: Any, *_args: Any) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if started is not None:
            self._add(statement_kind(statement), time.perf_counter() - started)

    def _timed(self, kind: str, function: Callable[..., None]) -> Callable[..., None]:
        def timed(*args: Any, **kwargs: Any) -> None:
            started = time.perf_counter()
            try:
                function(*args, **kwargs)
            finally:
                self._add(kind, time.perf_counter() - started)

        return timed

    def _timed_run(self, run: Callable[..., Sequence[Any]]) -> Callable[..., Sequence[Any]]:
        """`DriverStatement.execute` (the driver's part: values are bound already), timed
        under the statement's kind."""

        def timed(statement: DriverStatement, *args: Any) -> Sequence[Any]:
            started = time.perf_counter()
            try:
                return run(statement, *args)
            finally:
                self._add(statement_kind(statement.sql), time.perf_counter() - started)

        return timed

    def _add(self, kind: str, seconds: float) -> None:
        self.seconds[kind] += seconds
        self.calls[kind] += 1
