"""marshmallow fields for the API's identifiers, texts, times and headers, documented exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import ValidationError, fields

from commands.inputs import (
    CURRENCY,
    IDENTIFIER,
    MAX_DESCRIPTION,
    InvalidDescription,
    description_text,
)
from web.errors import sentence

IDEMPOTENCY_KEY = re.compile(r"[\x20-\x7e]{1,128}")
"""1 to 128 printable ASCII characters (API.md, Commands)."""

ASCII_DIGITS = re.compile(r"[0-9]+")

IF_MATCH = re.compile(r'"([0-9]+)"|\*')
"""API.md's If-Match: the strong ETag `"<version>"` (any quoted digits are well formed) or `*`."""

NO_VERSION = -1
"""What a well-formed ETag that is no account's ETag (`"01"`, 40 digits) expects: versions
count from 1, so it matches none and the command is refused with 412, like any stale ETag."""

MAX_VERSION_DIGITS = 19


def whole(regex: re.Pattern[str], error: str) -> Callable[[str], None]:
    """A validator matching the entire value (marshmallow's Regexp only anchors the start)."""

    def validate(value: str) -> None:
        if not regex.fullmatch(value):
            raise ValidationError(error)

    return validate


def Identifier(**kwargs: Any) -> fields.String:  # noqa: N802 - a field factory reads like a class
    """An account or owner id: 1-64 of [A-Za-z0-9_.:-], starting with a letter or a digit."""
    return fields.String(
        validate=whole(
            IDENTIFIER,
            "Must be 1 to 64 characters of A-Z a-z 0-9 _ . : -, starting with a letter or a digit.",
        ),
        metadata={"pattern": f"^{IDENTIFIER.pattern}$", "minLength": 1, "maxLength": 64},
        **kwargs,
    )


def Currency(**kwargs: Any) -> fields.String:  # noqa: N802
    """An ISO 4217 code: three capital ASCII letters."""
    return fields.String(
        validate=whole(CURRENCY, "Must be three capital letters, such as EUR."),
        metadata={"pattern": f"^{CURRENCY.pattern}$", "example": "EUR"},
        **kwargs,
    )


def _description(value: str) -> None:
    try:
        description_text(value)
    except InvalidDescription as exc:
        raise ValidationError(sentence(str(exc))) from None


def Description(**kwargs: Any) -> fields.String:  # noqa: N802
    """Free text kept verbatim: at most 200 characters, no control characters."""
    return fields.String(
        validate=_description,
        load_default="",
        metadata={"maxLength": MAX_DESCRIPTION, "pattern": "^[^\\u0000-\\u001f\\u007f]*$"},
        **kwargs,
    )


def utc_text(value: datetime) -> str:
    """ISO 8601 in UTC with microseconds, so that every timestamp has the same shape."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class Timestamp(fields.DateTime):
    """A response time as `utc_text` writes it."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else utc_text(value)


class Instant(fields.AwareDateTime):
    """A query-string time with an explicit UTC offset, normalised to UTC.

    An unencoded `+` in a query string arrives as a space; it is read back as `+`. A time
    whose UTC value falls outside years 1-9999 is still a time: it is clamped to the first
    (or last) representable instant, before every account (or in the future, hence now).
    """

    default_error_messages = {
        "invalid": "Must be an ISO 8601 time, such as 2026-11-26T19:53:17+00:00.",
        "invalid_awareness": "Must have a UTC offset, such as +00:00 or Z.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str):
            value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value)
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            if (parsed.utcoffset() or timedelta(0)) > timedelta(0):
                return datetime.min.replace(tzinfo=UTC)
            return datetime.max.replace(tzinfo=UTC)


class WholeNumber(fields.Integer):
    """A whole number in a query string: ASCII digits only, leading zeros harmless.

    marshmallow's Integer calls `int()`, which also takes `+3`, ` 3` and digits of other
    scripts (`\u0663`, fullwidth `\uff13`); none of those is a number this API writes.
    """

    default_error_messages = {
        "invalid": "Must be a whole number written with the digits 0-9 alone.",
        "too_large": "Must be a whole number of at most 18 digits.",
    }

    def _validated(self, value: Any) -> int:
        if isinstance(value, str):
            if not ASCII_DIGITS.fullmatch(value):
                raise self.make_error("invalid", input=value)
            if len(value.lstrip("0")) > 18:
                raise self.make_error("too_large", input=value)
        return super()._validated(value)


class HeaderText(fields.String):
    """A header's value without the whitespace around it, which HTTP says is not part of it
    (RFC 9110, 5.5): `k1 ` and `k1` are one Idempotency-Key, whatever the server keeps."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return super()._deserialize(value, attr, data, **kwargs).strip(" \t")


def IdempotencyKey(**kwargs: Any) -> fields.String:  # noqa: N802
    """The Idempotency-Key header."""
    return HeaderText(
        data_key="Idempotency-Key",
        validate=whole(IDEMPOTENCY_KEY, "Must be 1 to 128 printable ASCII characters."),
        metadata={"pattern": "^[\\x20-\\x7e]{1,128}$", "description": "Makes retries safe."},
        **kwargs,
    )


class IfMatch(fields.String):
    """The If-Match header: `"<version>"` to expect that version, or `*` for any."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return expected_version(super()._deserialize(value, attr, data, **kwargs))


def expected_version(header: str | None) -> int | None:
    """The version an If-Match header names; None for `*` or no header; ValidationError else.

    ETags compare as strings: `"01"` is not the ETag of version 1, so it names no version.
    """
    if header is None:
        return None
    match = IF_MATCH.fullmatch(header.strip())
    if match is None:
        raise ValidationError('If-Match must be a version in double quotes, such as "3", or *.')
    digits = match.group(1)
    if digits is None:
        return None
    if len(digits) > MAX_VERSION_DIGITS or digits != str(int(digits)):
        return NO_VERSION
    return int(digits)
