"""Upcasters: pure functions that lift stored event data to the schema the code reads.

Every read path goes through `upcast`, so an event written by an old release is read as
if it had been written today; the stored row is never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bank.events import event_class

Data = dict[str, Any]
Upcaster = Callable[[Data], Data]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function lifting `event_type` data from `from_version` to the next."""

    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


class NewerSchemaVersion(RuntimeError):
    """Stored data of a schema this release does not know: a newer release wrote it."""

    def __init__(self, event_type: str, stored: int, current: int) -> None:
        super().__init__(
            f"{event_type} schema {stored} was written by a newer release; this one reads up "
            f"to schema {current}: deploy the newer release again rather than misread it"
        )


def upcast(event_type: str, schema_version: int, data: Data) -> Data:
    """Apply upcasters until the data is at the event class's current schema version.

    Data of a later schema (written by a newer release, before a rollback) is refused:
    read as if it were current it could silently lose or misplace fields.
    """
    current = event_class(event_type).schema_version
    if schema_version > current:
        raise NewerSchemaVersion(event_type, schema_version, current)
    while schema_version < current:
        data = UPCASTERS[(event_type, schema_version)](data)
        schema_version += 1
    return data


@upcaster("MoneyDeposited", 1)
def _deposit_v1_to_v2(data: Data) -> Data:
    """Schema 1 carried only the amount; deposits then had no description or category."""
    return {"description": "", "category": "general", "balance_after": None, **data}
