"""Account ids in URLs: an id that cannot exist is an unknown account, never a database error."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from commands.inputs import IDENTIFIER, AccountNotFound

V = TypeVar("V", bound=Callable[..., Any])


def account_in_path(view: V) -> V:
    """Refuse a malformed `account_id` path segment with 404, after the body was checked.

    Applied innermost, so that API.md's precedence holds: 400 and 422 come before 404.
    """

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        account_id = kwargs["account_id"]
        if not IDENTIFIER.fullmatch(account_id):
            raise AccountNotFound(account_id[:80])
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]
