"""Strict JSON request bodies: exact Decimals, no NaN, no duplicate keys, one canonical form.

The standard `json` module would turn `12.10` into a binary float and accept the bare
tokens `NaN` and `Infinity`; a ledger must do neither.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from web.errors import RequestRefused


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object whose numbers are Decimals; 400 for anything else."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except UnicodeDecodeError:
        raise RequestRefused.bad_request("The body is not UTF-8 encoded text.") from None
    except (ValueError, RecursionError) as exc:
        raise RequestRefused.bad_request(f"The body is not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise RequestRefused.bad_request("The body must be a JSON object.")
    canonical(value)
    return value


def canonical(value: Any) -> str:
    """One text for equal requests (sorted keys, no spaces); 400 for unpaired surrogates."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestRefused.bad_request("The body holds an unpaired UTF-16 surrogate.") from None
    return text


def _refuse_constant(token: str) -> None:
    raise ValueError(f"{token} is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result
