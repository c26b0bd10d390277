"""Keyset pagination: pages of items and the opaque cursor that says where the next one starts.

A cursor is the sort key of the last item shown, as JSON, base64url-encoded with a short
checksum: opaque to clients, stable under concurrent inserts (keyset, not offset), and
an edited or truncated cursor is refused rather than silently misread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bank.errors import DomainError

T = TypeVar("T")
Key = list[str | int]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_CHECKSUM_LENGTH = 8


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


def encode_cursor(key: Key, scope: str) -> str:
    """The opaque cursor for a sort key in the list named by `scope`."""
    payload = json.dumps(key, separators=(",", ":")).encode()
    return _b64(payload) + "." + _checksum(payload, scope)


def decode_cursor(cursor: str, types: Sequence[type], scope: str) -> Key:
    """The sort key inside `cursor`, checked to hold values of `types` and to belong to `scope`.

    InvalidCursor otherwise: a cursor for another list, an edited one, or integers outside
    what a database column can hold (a forged value must be a 422, never a driver error).
    """
    try:
        encoded, checksum = cursor.split(".")
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        key = json.loads(payload)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("cursor is not one this server handed out") from None
    if checksum != _checksum(payload, scope) or not _matches(key, types):
        raise InvalidCursor("cursor is not one this server handed out for this list")
    return key  # type: ignore[no-any-return]


def paginate(rows: Sequence[T], limit: int, key: Callable[[T], Key], scope: str) -> Page[T]:
    """The page for `rows` fetched with `limit + 1`: the extra row only says that more follow."""
    items = list(rows[:limit])
    more = len(rows) > limit
    return Page(items, encode_cursor(key(items[-1]), scope) if more else None)


_INT64 = range(-(2**63), 2**63)


def _matches(key: object, types: Sequence[type]) -> bool:
    return (
        isinstance(key, list)
        and len(key) == len(types)
        and all(type(value) is kind for value, kind in zip(key, types, strict=True))
        and all(value in _INT64 for value in key if type(value) is int)
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _checksum(payload: bytes, scope: str) -> str:
    digest = hashlib.sha256(b"bank-ledger-cursor:" + scope.encode() + b"\x00" + payload)
    return digest.hexdigest()[:_CHECKSUM_LENGTH]
