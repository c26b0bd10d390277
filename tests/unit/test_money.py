"""Exact money parsing and formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bank.errors import InvalidAmount
from bank.money import format_money, from_cents, positive_amount, to_cents, to_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.5", "12.50"), ("1.000", "1.00"), (Decimal("1E+2"), "100.00"), (7, "7.00")],
)
def test_whole_cent_values_are_accepted_and_normalised(value: object, expected: str) -> None:
    assert format_money(to_money(value)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["0.001", "abc", "NaN", "-Infinity", True, 1.5, None])
def test_values_that_are_not_whole_cents_or_not_numbers_are_refused(value: object) -> None:
    with pytest.raises(InvalidAmount):
        to_money(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["-0", "-0.00", Decimal("-0"), Decimal("-0E+5")])
def test_a_negative_zero_is_plain_zero(value: object) -> None:
    amount = to_money(value)  # type: ignore[arg-type]
    assert (str(amount), amount.is_signed()) == ("0.00", False)


def test_a_negative_zero_already_recorded_is_shown_as_zero() -> None:
    assert format_money(Decimal("-0.00")) == "0.00"


@pytest.mark.parametrize("value", ["1e400", "1e1000000", "-1e1000000", "1e999999999"])
def test_huge_exponents_are_refused_without_an_arithmetic_error(value: str) -> None:
    with pytest.raises(InvalidAmount):
        positive_amount(Decimal(value))


def test_balances_stay_exact_beyond_ten_to_the_fifteen() -> None:
    big = Decimal("1000000000000000.01")
    assert from_cents(to_cents(big)) == big
    assert format_money(big + Decimal("0.01")) == "1000000000000000.02"
