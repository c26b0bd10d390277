"""Upcasters lift old event data without touching what they were given."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from bank.events import MoneyDeposited
from bank.upcasting import NewerSchemaVersion, upcast


def test_a_v1_deposit_is_read_as_v2_with_empty_description_and_general_category() -> None:
    data = upcast("MoneyDeposited", 1, {"amount": "12.00"})
    event = MoneyDeposited.from_data(data)
    assert (event.amount, event.description, event.category) == (Decimal(12), "", "general")
    assert event.balance_after is None


def test_upcasting_never_mutates_the_stored_data() -> None:
    stored = {"amount": "12.00"}
    snapshot = copy.deepcopy(stored)
    upcast("MoneyDeposited", 1, stored)
    assert stored == snapshot


def test_current_data_passes_through_unchanged() -> None:
    data = MoneyDeposited(12, "x", "general", 12).to_data()  # type: ignore[arg-type]
    assert upcast("MoneyDeposited", 2, data) is data


def test_data_of_a_newer_schema_is_refused_not_misread() -> None:
    with pytest.raises(NewerSchemaVersion, match="MoneyDeposited schema 3"):
        upcast("MoneyDeposited", 3, {"amount": "12.00", "fee": "0.50"})
