"""Keyset pagination: pages of items and the opaque cursor that says where the next one starts.

A cursor is the sort key of the last item shown, as JSON, base64url-encoded with a short
checksum: opaque to clients, stable under concurrent inserts (keyset, not offset), and
an edited or truncated cursor is refused rather than silently misread.

The checksum is not keyed, so anyone can compute a valid one. That is harmless: a cursor
only says where the caller's own query resumes. What matters is that each value is checked
as strictly as its column would check it, so a forged value is a 422 and never reaches the
driver. A key would have to reach every query from the web settings through each caller.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from bank.account import IDENTIFIER
from bank.errors import DomainError

T = TypeVar("T")
Key = list[str | int]
Field = Callable[[object], Any]
"""Reads one value of a decoded key; ValueError or OverflowError when the column cannot hold it."""

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_MAX_CURSOR_LENGTH = 256
"""Above the longest cursor handed out (a timestamp and a 64-character id: 147 characters)."""
_CHECKSUM_LENGTH = 8
_INT32 = range(-(2**31), 2**31)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; `next_cursor` is None exactly when no item follows."""

    items: list[T]
    next_cursor: str | None


class InvalidCursor(DomainError):
    """A cursor this server did not hand out (malformed, tampered or for another list)."""

    code = "validation_error"


class InvalidLimit(DomainError):
    """A page size outside 1..MAX_LIMIT."""

    code = "validation_error"


def page_size(limit: int) -> int:
    """`limit` if it is a whole number in 1..MAX_LIMIT; InvalidLimit otherwise."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidLimit(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return limit


def int32(value: object) -> int:
    """A whole number that an INTEGER column (32 bits on PostgreSQL) holds."""
    if type(value) is not int or value not in _INT32:
        raise ValueError("not a 32-bit integer")
    return value


def identifier(value: object) -> str:
    """An id as the domain allows it: no NUL or lone surrogate ever reaches a driver."""
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise ValueError("not an identifier")
    return value


def utc_timestamp(value: object) -> datetime:
    """An ISO 8601 time with an offset, in UTC; OverflowError when UTC is outside years 1-9999."""
    if not isinstance(value, str):
        raise ValueError("not a timestamp")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("no UTC offset")
    return moment.astimezone(UTC)


def encode_cursor(key: Key, scope: str) -> str:
    """The opaque cursor for a sort key in the list named by `scope`."""
    payload = json.dumps(key, separators=(",", ":")).encode()
    return _b64(payload) + "." + _checksum(payload, scope)


def decode_cursor(cursor: str, fields: Sequence[Field], scope: str) -> list[Any]:
    """The sort key inside `cursor`, each value read by its field, if it belongs to `scope`.

    InvalidCursor for anything else, whatever fails in decoding it: a forged value must be
    a 422, never a driver error or a 500.
    """
    try:
        return [read(value) for read, value in zip(fields, _key(cursor, scope), strict=True)]
    except (ValueError, OverflowError, RecursionError):
        raise InvalidCursor("cursor is not one this server handed out for this list") from None


def paginate(rows: Sequence[T], limit: int, key: Callable[[T], Key], scope: str) -> Page[T]:
    """The page for `rows` fetched with `limit + 1`: the extra row only says that more follow."""
    items = list(rows[:limit])
    more = len(rows) > limit
    return Page(items, encode_cursor(key(items[-1]), scope) if more else None)


def _key(cursor: str, scope: str) -> list[object]:
    """The JSON list in `cursor`, parsed only once its length and checksum are right."""
    if len(cursor) > _MAX_CURSOR_LENGTH:
        raise ValueError("cursor too long")
    encoded, checksum = cursor.split(".")
    payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    if checksum != _checksum(payload, scope):
        raise ValueError("checksum mismatch")
    key = json.loads(payload)
    if not isinstance(key, list):
        raise ValueError("not a list")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _checksum(payload: bytes, scope: str) -> str:
    digest = hashlib.sha256(b"bank-ledger-cursor:" + scope.encode() + b"\x00" + payload)
    return digest.hexdigest()[:_CHECKSUM_LENGTH]
