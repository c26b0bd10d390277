"""Runs a command: idempotency, bounded retries on lost races, snapshots after commit."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection

from bank.account import BankAccount
from bank.cache import AccountCache
from bank.errors import ConcurrencyError, IdempotencyKeyReused
from bank.recorded import RecordedEvent
from bank.repository import snapshot_of
from bank.store.idempotency import IdempotencyRecord
from bank.store.snapshots import Snapshot
from commands.context import CommandContext
from commands.handlers import HANDLERS, CommandResult
from commands.messages import Command
from commands.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Responder = Callable[[Connection, CommandResult], Any]
"""Turns a handler's result into the JSON-safe response to record and return."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A command's response; `replayed` when an idempotency key returned a recorded one."""

    response: Any
    replayed: bool = False


def result_as_json(_connection: Connection, result: CommandResult) -> Any:
    """The default response: the accounts a command touched and its transfer id."""
    return {"account_ids": list(result.account_ids), "transfer_id": result.transfer_id}


def fingerprint(command: Command) -> str:
    """A stable digest of a command's type and fields, to tell a repeat from a new request."""
    fields = {f.name: str(getattr(command, f.name)) for f in dataclasses.fields(command)}
    canonical = json.dumps([type(command).__name__, fields], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class CommandBus:
    """The one entry point for writes, shared by the API, the UI and the CLI."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        snapshot_every: int = 100,
        max_attempts: int = 5,
        cache: AccountCache | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._cache = cache
        self._snapshot_every = snapshot_every
        self._max_attempts = max_attempts
        self.retries = 0
        """How many times a command was retried after a lost race (for operators and bench)."""

    def execute(
        self,
        command: Command,
        context: CommandContext | None = None,
        respond: Responder = result_as_json,
    ) -> Outcome:
        """Apply `command` once; retry the whole of it when another writer won a race."""
        context = context or CommandContext()
        for attempt in range(1, self._max_attempts + 1):
            try:
                return self._attempt(command, context, respond)
            except ConcurrencyError as conflict:
                if self._cache is not None:
                    self._cache.evict(conflict.stream_id)
                if attempt == self._max_attempts:
                    raise
                self.retries += 1
                log.info("retrying %s after a lost race (attempt %d)", command, attempt)
                time.sleep(random.uniform(0, 0.002 * attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, command: Command, context: CommandContext, respond: Responder) -> Outcome:
        key = context.idempotency_key
        with self._unit_of_work() as uow:
            if key is not None:
                request_print = context.fingerprint or fingerprint(command)
                existing = uow.idempotency.claim(key)
                if existing is not None:
                    if existing.fingerprint != request_print:
                        raise IdempotencyKeyReused(key)
                    return Outcome(existing.response, replayed=True)
            result = HANDLERS[type(command)](command, uow)
            recorded = uow.save(context.event_metadata(type(command).__name__, str(uuid4())))
            response = respond(uow.connection, result)
            if key is not None:
                uow.idempotency.record(
                    IdempotencyRecord(key, request_print, type(command).__name__, response)
                )
            due = self._snapshots_due(recorded, uow)
            uow.commit()
        self._save_snapshots(due)
        return Outcome(response)

    def _snapshots_due(self, recorded: list[RecordedEvent], uow: UnitOfWork) -> list[Snapshot]:
        """Snapshots for streams whose version crossed a multiple of `snapshot_every`."""
        first: dict[str, int] = {}
        for event in recorded:
            first.setdefault(event.stream_id, event.version)
        due = []
        for stream_id, first_version in first.items():
            account: BankAccount = uow.accounts.get(stream_id)
            if (
                first_version - 1
            ) // self._snapshot_every < account.version // self._snapshot_every:
                due.append(snapshot_of(account))
        return due

    def _save_snapshots(self, due: list[Snapshot]) -> None:
        """Best effort, after commit: a missing snapshot only makes the next load longer."""
        if not due:
            return
        try:
            with self._unit_of_work() as uow:
                for snapshot in due:
                    uow.snapshots.save(snapshot)
                uow.commit()
        except Exception:
            log.exception("could not save %d snapshot(s); loads will replay further", len(due))
