"""The event-sourced repository: the only way to load and save BankAccounts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bank.account import BankAccount
from bank.cache import AccountCache
from bank.errors import AccountNotFound
from bank.recorded import RecordedEvent
from bank.store.event_store import NO_STREAM, EventStore, PendingAppend
from bank.store.snapshots import Snapshot, SnapshotStore

CATCH_UP_AT_MOST = 50
"""Versions a cached state may be behind and still be caught up; further, a snapshot is
likely nearer (one is taken every 100 by default)."""


class AccountRepository:
    """Loads accounts from the newest compatible snapshot plus later events; saves new events.

    It remembers every account it handed out, so the unit of work can save them all
    together, in one append.
    """

    def __init__(
        self, store: EventStore, snapshots: SnapshotStore, cache: AccountCache | None = None
    ) -> None:
        self._store = store
        self._snapshots = snapshots
        self._cache = cache
        self._seen: dict[str, BankAccount] = {}
        self.saved: list[BankAccount] = []

    def get(self, account_id: str) -> BankAccount:
        """The current state of an account, locked for this transaction; see `get_many`."""
        return self.get_many([account_id])[0]

    def get_many(self, account_ids: Sequence[str]) -> list[BankAccount]:
        """Accounts locked for this transaction, in the order asked (AccountNotFound if missing).

        Streams are locked in id order, whatever order the caller asks in, so two opposite
        transfers queue instead of deadlocking. Writers to one account queue behind its lock
        rather than racing and retrying.
        """
        for account_id in sorted(set(account_ids) - self._seen.keys()):
            self._seen[account_id] = self._fetch(account_id)
        return [self._seen[account_id] for account_id in account_ids]

    def _fetch(self, account_id: str) -> BankAccount:
        """Lock the stream, then take the cached state if it is that version, else load it.

        A cached state a few versions behind (another process wrote since) is caught up
        with just the newer events. One ahead of the stream belongs to a history the
        database no longer has (it was restored from a backup): states are cached only
        once committed, and no commit can pass the lock this holds. It is dropped, so the
        loaded state replaces it.
        """
        version = self._store.lock_stream(account_id)
        if version is None:
            raise AccountNotFound(account_id)
        if self._cache is None:
            return self._load(account_id)
        cached = self._cache.get(account_id)
        if cached is not None and cached.version == version:
            return cached
        if cached is not None and cached.version > version:
            self._cache.evict(account_id)
        behind = cached is not None and 0 < version - cached.version <= CATCH_UP_AT_MOST
        account = self._load(account_id, cached if behind else None)
        self._cache.put(account)
        return account

    def _load(self, account_id: str, start: BankAccount | None = None) -> BankAccount:
        """From `start` or else the newest compatible snapshot, then the events after it."""
        if start is None:
            snapshot = self._snapshots.latest(account_id, BankAccount.SNAPSHOT_FORMAT)
            start = None if snapshot is None else _from_snapshot(snapshot)
        history = self._store.replay_stream(account_id, after_version=start.version if start else 0)
        return BankAccount.replay(account_id, history, start)

    def exists(self, account_id: str) -> bool:
        """Whether any event was ever recorded for the account."""
        return account_id in self._seen or self._store.stream_version(account_id) is not None

    def add(self, account: BankAccount) -> None:
        """Track a newly opened account so that it is saved with the rest."""
        self._seen[account.account_id] = account

    def save_all(self, metadata: dict[str, Any]) -> list[RecordedEvent]:
        """Append every tracked account's pending events in one atomic append."""
        changed = [a for a in self._seen.values() if a.pending_events]
        recorded = self._store.append(
            [
                PendingAppend(
                    a.account_id,
                    BankAccount.stream_type,
                    a.pending_events,
                    a.saved_version or NO_STREAM,
                )
                for a in changed
            ],
            metadata,
        )
        for account in changed:
            account.mark_saved()
        self.saved = changed
        return recorded

    def remember_saved(self) -> None:
        """After commit: the saved states are committed, so later commands may start from them."""
        if self._cache is not None:
            for account in self.saved:
                self._cache.put(account)

    def as_of(
        self, account_id: str, at: datetime | None = None, version: int | None = None
    ) -> BankAccount:
        """The account replayed from the store as it stood at a time or a version."""
        history = self._store.read_stream(account_id, to_version=version, until=at)
        if not history:
            raise AccountNotFound(account_id)
        return BankAccount.replay(account_id, (e.event for e in history))


def snapshot_of(account: BankAccount) -> Snapshot:
    """The snapshot to store for an account at its current version."""
    return Snapshot(
        account.account_id, account.version, BankAccount.SNAPSHOT_FORMAT, account.snapshot_state()
    )


def _from_snapshot(snapshot: Snapshot) -> BankAccount:
    return BankAccount.from_snapshot(snapshot.stream_id, snapshot.version, snapshot.state)
