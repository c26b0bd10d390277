"""A per-process cache of accounts' committed state, so a command need not replay to decide.

It never needs invalidating across processes: the repository locks the stream and reads
its version before using an entry, and takes the entry only when it is of that version
(see `AccountRepository._fetch`). The append's compare-and-set stays the last line of
defence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from bank.account import BankAccount

DEFAULT_CAPACITY = 10_000


class AccountCache:
    """Least-recently-used committed states, keyed by account id; safe across threads."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, account_id: str) -> BankAccount | None:
        """A fresh aggregate built from the cached state, or None."""
        with self._lock:
            entry = self._entries.get(account_id)
            if entry is None:
                return None
            self._entries.move_to_end(account_id)
        version, state = entry
        return BankAccount.from_snapshot(account_id, version, state)

    def put(self, account: BankAccount) -> None:
        """Remember a committed state; an older one never replaces a newer one."""
        if account.pending_events:
            raise ValueError("only committed state may be cached; save the account first")
        entry = (account.version, account.snapshot_state())
        with self._lock:
            known = self._entries.get(account.account_id)
            if known is not None and known[0] >= entry[0]:
                return
            self._entries[account.account_id] = entry
            self._entries.move_to_end(account.account_id)
            if len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def evict(self, account_id: str) -> None:
        """Forget an account whose entry proved stale."""
        with self._lock:
            self._entries.pop(account_id, None)
