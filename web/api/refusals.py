"""API.md's error table as OpenAPI responses: each route names the refusals it can give."""

from __future__ import annotations

from collections.abc import Iterable

from web.errors import HTTP_CODES, STATUS_BY_CODE

REFUSALS: dict[str, tuple[str, str]] = {
    "body": ("bad_request", "the body is not a JSON object sent as application/json"),
    "if_match": ("bad_request", 'If-Match is neither "<version>" nor *'),
    "too_large": ("payload_too_large", "the body is larger than 65,536 bytes"),
    "invalid": (
        "validation_error",
        "a field, header or parameter is missing, of the wrong type, out of range or given "
        "twice; `details` names each",
    ),
    "same_account": ("same_account", "source and destination are the same account"),
    "currency_mismatch": ("currency_mismatch", "the two accounts hold different currencies"),
    "account_not_found": ("account_not_found", "the account does not exist"),
    "version_mismatch": ("version_mismatch", "If-Match names another version than the current"),
    "account_exists": ("account_exists", "the account id is taken"),
    "insufficient_funds": (
        "insufficient_funds",
        "the balance would go below minus the overdraft limit",
    ),
    "account_closed": ("account_closed", "the account is closed"),
    "account_not_empty": ("account_not_empty", "the balance is not zero"),
    "concurrency_conflict": (
        "concurrency_conflict",
        "the write lost a race and retrying did not help",
    ),
    "idempotency_key_reused": (
        "idempotency_key_reused",
        "the Idempotency-Key came with another route or body",
    ),
}
"""Each reason a route may be refused for: the error code it answers with, and when."""

COMMAND = ("body", "too_large", "invalid", "concurrency_conflict", "idempotency_key_reused")
"""What every command can meet."""

ON_ACCOUNT = (*COMMAND, "if_match", "account_not_found", "version_mismatch", "account_closed")
"""What every command on one existing account can meet besides."""

STATUS_OF_CODE: dict[str, int] = {
    **{code: status for status, code in HTTP_CODES.items()},
    **STATUS_BY_CODE,
}


def described_by_status(reasons: Iterable[str]) -> dict[int, str]:
    """Each status `reasons` answer with, described as `code: when; code: when.`"""
    whens: dict[int, dict[str, list[str]]] = {}
    for reason in reasons:
        code, when = REFUSALS[reason]
        whens.setdefault(STATUS_OF_CODE[code], {}).setdefault(code, []).append(when)
    return {
        status: "; ".join(f"`{code}`: {', or '.join(texts)}" for code, texts in codes.items()) + "."
        for status, codes in sorted(whens.items())
    }
