"""Garbage collection once a batch during a replay, instead of Python's automatic collector.

A replay allocates some 50,000 container objects a batch (events, their data, effects,
statement lines), all freed by reference counting when the batch is done. The automatic
collector nonetheless ran every 700 allocations, promoted each half-built batch into the
older generations, and so kept triggering full collections over every object in the
process: 16% of a million-event rebuild on SQLite (full collections 9%). Within
`batchwise_collection` the automatic collector is off and `collect_batch`, called once a
batch, collects the two young generations: cyclic garbage is freed at the end of its
batch, or of the next one; only cycles that outlive two batches wait in the oldest
generation until the replay ends. Measured: garbage collection 3% of the rebuild, not 16%.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """How many replays in this process hold automatic collection off, and its prior state."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False


_PAUSE = _Pause()


@contextmanager
def batchwise_collection() -> Iterator[None]:
    """Automatic collection off until the last replay in the process leaves the block."""
    with _PAUSE.lock:
        if _PAUSE.holders == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.holders += 1
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.holders -= 1
            if _PAUSE.holders == 0 and _PAUSE.was_enabled:
                gc.enable()


def collect_batch() -> None:
    """Collect what the objects allocated since the last batch left as cyclic garbage."""
    gc.collect(1)
