"""Money at the edge: exact parsing of JSON numbers and plain decimal strings, two-place output.

The bounds (whole cents, > 0 or >= 0, at most MAX_AMOUNT) are bank.money's; this module only
reads the two forms a client may send and turns the domain's refusal into a field error.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields

from commands.inputs import (
    MAX_AMOUNT,
    InvalidAmount,
    format_money,
    non_negative_amount,
    positive_amount,
)
from web.errors import sentence

PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
"""API.md's string form: ASCII digits, at most one point, an optional leading minus."""

CANONICAL_MONEY = r"^-?[0-9]+\.[0-9]{2}$"


class MoneyText(fields.Field[Decimal]):
    """A response amount: always a string with exactly two decimals (`"1300.00"`)."""

    def _serialize(self, value: Decimal | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else format_money(value)


class Money(MoneyText):
    """A request amount: a JSON number (parsed as Decimal) or a plain decimal string.

    `positive` amounts move money (> 0); the others (deposits at opening, limits) may be 0.
    """

    def __init__(self, *, positive: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.positive = positive
        self.bounded = positive_amount if positive else non_negative_amount

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, str) and PLAIN_DECIMAL.fullmatch(value):
            value = Decimal(value)
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise ValidationError(
                'Must be a number or a string of plain decimal notation such as "12.50".'
            )
        try:
            return self.bounded(value)
        except InvalidAmount as exc:
            raise ValidationError(sentence(str(exc))) from None


def money_properties(self: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """apispec attribute function: how both money fields look in the OpenAPI document."""
    if isinstance(field, Money):
        lowest = "greater than 0" if field.positive else "0 or more"
        return {
            "oneOf": [
                {"type": "string", "pattern": f"^{PLAIN_DECIMAL.pattern}$"},
                {"type": "number"},
            ],
            "description": f"Whole cents, {lowest}, at most {format_money(MAX_AMOUNT)}.",
            "example": "12.50",
        }
    if isinstance(field, MoneyText):
        return {"type": "string", "pattern": CANONICAL_MONEY, "example": "1300.00"}
    return {}
