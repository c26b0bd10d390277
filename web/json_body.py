"""Strict JSON request bodies: exact numbers, no NaN, no duplicate keys, one canonical form.

The standard `json` module would turn `12.10` into a binary float and accept the bare
tokens `NaN` and `Infinity`; a ledger must do neither.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from web.errors import RequestRefused


class JsonNumber(Decimal):
    """A JSON number as an exact Decimal that remembers how the client wrote it."""

    __slots__ = ("text",)

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        """The number `text` spells (`10`, `10.00`, `1e1` are three spellings of ten).

        An exponent beyond Decimal's range (`1e9999999999999999999`) stands for a number
        as far out as Decimal can go the same way, so the field refuses it (over the
        maximum, or finer than a cent) as it would any other: valid JSON is never a 400.
        """
        try:
            number = super().__new__(cls, text)
        except InvalidOperation:
            number = super().__new__(cls, _within_range(text))
        number.text = text
        return number


def _within_range(text: str) -> str:
    """A stand-in for a JSON number whose exponent Decimal cannot hold: same sign, same side."""
    mantissa, _, exponent = text.lower().partition("e")
    if not mantissa.strip("-0."):
        return "0"
    sign = "-" if mantissa.startswith("-") else ""
    return f"{sign}1e{'-' if exponent.startswith('-') else '+'}999999"


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object whose numbers are JsonNumbers; 400 for anything else."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_float=JsonNumber,
            parse_int=JsonNumber,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except UnicodeDecodeError:
        raise RequestRefused.bad_request("The body is not UTF-8 encoded text.") from None
    except (ValueError, RecursionError) as exc:
        raise RequestRefused.bad_request(f"The body is not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise RequestRefused.bad_request("The body must be a JSON object.")
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        raise RequestRefused.bad_request("The body holds an unpaired UTF-16 surrogate.") from None
    return value


def canonical(value: Any) -> str:
    """One text per JSON document, whatever its whitespace and key order.

    Types and the spelling of numbers count: `10`, `"10"` and `10.00` are three documents.
    Strings count by value (`"\\u00e9"` and `"é"` are one). Meant for validated bodies,
    which are shallow.
    """
    if isinstance(value, dict):
        members = (f"{canonical(key)}:{canonical(value[key])}" for key in sorted(value))
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _refuse_constant(token: str) -> None:
    raise ValueError(f"{token} is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result
