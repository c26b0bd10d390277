"""Free-text fields the ledger stores verbatim, within bounds."""

from __future__ import annotations

import re

from bank.errors import DomainError

MAX_DESCRIPTION = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidDescription(DomainError):
    """A description that is too long or holds control characters."""

    code = "validation_error"


def description_text(value: str) -> str:
    """A description: at most 200 code points, no control characters, kept verbatim.

    Lone surrogates are refused too: they are not text, cannot be stored as UTF-8, and
    would make the event unreadable by strict JSON decoders.
    """
    if not isinstance(value, str):
        raise InvalidDescription("description must be a string")
    if len(value) > MAX_DESCRIPTION:
        raise InvalidDescription(f"description must be at most {MAX_DESCRIPTION} characters")
    if _CONTROL.search(value):
        raise InvalidDescription("description must not contain control characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidDescription("description must be valid Unicode text") from None
    return value
