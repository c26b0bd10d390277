"""Exact money: Decimals with whole cents, bounded, never a binary float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from bank.errors import InvalidAmount

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000.00")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Return `value` as a Decimal with exactly two places, or raise InvalidAmount.

    Floats are refused outright: a float has already lost the cent it claims to carry.
    """
    if isinstance(value, bool | float):
        raise InvalidAmount(f"amount must be a Decimal, an int or a decimal string, not {value!r}")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidAmount(f"{value!r} is not a number") from None
    if not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not a finite number")
    quantized = amount.quantize(CENT) if amount.adjusted() < 20 else amount
    if quantized != amount:
        raise InvalidAmount(f"{value} has more than two decimal places")
    return quantized if quantized else ZERO  # `-0.00` is zero: no signed zero reaches an event


def positive_amount(value: Decimal | int | str) -> Decimal:
    """An amount that moves money: more than zero and at most MAX_AMOUNT."""
    amount = to_money(value)
    if amount <= 0:
        raise InvalidAmount(f"amount must be greater than 0, got {amount}")
    if amount > MAX_AMOUNT:
        raise InvalidAmount(f"amount must be at most {MAX_AMOUNT}, got {amount}")
    return amount


def non_negative_amount(value: Decimal | int | str) -> Decimal:
    """An initial deposit or an overdraft limit: zero allowed, at most MAX_AMOUNT."""
    amount = to_money(value)
    if amount < 0:
        raise InvalidAmount(f"amount must not be negative, got {amount}")
    if amount > MAX_AMOUNT:
        raise InvalidAmount(f"amount must be at most {MAX_AMOUNT}, got {amount}")
    return amount


def format_money(amount: Decimal) -> str:
    """The canonical string form: plain notation, exactly two decimals (`"1300.00"`).

    Zero is `0.00` whatever its sign (events recorded before `to_money` cleared it)."""
    return f"{amount.quantize(CENT) if amount else ZERO:f}"


def to_cents(amount: Decimal) -> int:
    """Integer minor units, for read-model columns."""
    return int(amount.quantize(CENT) * 100)


def from_cents(cents: int) -> Decimal:
    """The inverse of `to_cents`."""
    return (Decimal(cents) / 100).quantize(CENT)
