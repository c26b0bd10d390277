"""Every refusal as one Problem: the single table from domain errors to HTTP statuses."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from commands.inputs import DomainError, VersionMismatch
from queries.pages import InvalidCursor, InvalidLimit
from queries.temporal import InvalidTimestamp

log = logging.getLogger(__name__)

STATUS_BY_CODE: dict[str, int] = {
    "validation_error": 422,
    "same_account": 422,
    "currency_mismatch": 422,
    "account_not_found": 404,
    "version_mismatch": 412,
    "account_exists": 409,
    "insufficient_funds": 409,
    "account_closed": 409,
    "account_not_empty": 409,
    "concurrency_conflict": 409,
    "idempotency_key_reused": 409,
}
"""API.md's error table, keyed by `DomainError.code`; an unlisted code is a bug (500)."""

DETAIL_FIELD: dict[type[DomainError], str] = {
    InvalidCursor: "cursor",
    InvalidLimit: "limit",
    InvalidTimestamp: "as_of",
}
"""Validation errors only the read side can detect, and the parameter each one is about."""

HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    500: "internal_error",
}

MESSAGES: dict[int, str] = {
    404: "There is nothing at this address.",
    413: "The body is larger than 65,536 bytes.",
    500: "Something went wrong on our side; it has been logged.",
}


@dataclass(frozen=True)
class Problem:
    """A refusal as the API and the UI both show it."""

    status: int
    code: str
    message: str
    details: dict[str, list[str]] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The JSON error shape of API.md."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class RequestRefused(Exception):
    """Raised by the web layer for what it checks itself: the body, headers, parameters."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem

    @classmethod
    def bad_request(cls, message: str) -> RequestRefused:
        """A 400: the request cannot be read at all."""
        return cls(Problem(400, "bad_request", message))

    @classmethod
    def invalid(cls, details: dict[str, list[str]]) -> RequestRefused:
        """A 422 naming each offending field."""
        return cls(validation_problem(details))


def validation_problem(details: dict[str, list[str]]) -> Problem:
    """A 422 `validation_error` whose message names the fields."""
    names = ", ".join(sorted(details))
    return Problem(422, "validation_error", f"Invalid request: check {names}.", details)


def field_messages(messages: Any) -> dict[str, list[str]]:
    """marshmallow's messages as API.md's `details`: each top-level field to a list of strings."""
    if not isinstance(messages, dict):
        return {"_schema": [str(messages)]}
    return {
        str(name): [str(m) for m in (value if isinstance(value, list) else [value])]
        for name, value in messages.items()
    }


def sentence(text: str) -> str:
    """A domain message as a sentence: capital first letter, final full stop."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def problem_for(exc: BaseException) -> Problem:
    """Translate any exception into the Problem a client is shown."""
    if isinstance(exc, RequestRefused):
        return exc.problem
    if isinstance(exc, DomainError) and exc.code in STATUS_BY_CODE:
        message = _domain_message(exc)
        field_name = DETAIL_FIELD.get(type(exc))
        details = {field_name: [message]} if field_name else None
        return Problem(STATUS_BY_CODE[exc.code], exc.code, message, details)
    if isinstance(exc, CSRFError):
        return Problem(400, "csrf_failed", "The form's security token is missing or invalid.")
    if isinstance(exc, HTTPException) and exc.code is not None and exc.code < 500:
        return _http_problem(exc)
    log.error("unhandled error", exc_info=exc)
    return Problem(500, "internal_error", MESSAGES[500])


def _domain_message(exc: DomainError) -> str:
    if isinstance(exc, VersionMismatch):
        # The expected version may be a stand-in for an ETag that names none (`"01"`).
        return (
            f'The account is at version {exc.actual} (ETag "{exc.actual}"), not the one '
            "If-Match names; read it again before retrying."
        )
    return sentence(str(exc))


def _http_problem(exc: HTTPException) -> Problem:
    status = exc.code or 500
    code = HTTP_CODES.get(status) or exc.name.lower().replace(" ", "_")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    message = MESSAGES.get(status) or exc.description or exc.name
    if status == 405:
        allowed = headers.get("Allow", "")
        message = f"This address does not accept that method; it accepts {allowed}."
    return Problem(status, code, message, headers=headers)


def render_problem(exc: Exception) -> Response | tuple[str, int, dict[str, str]]:
    """The app's one error handler: the JSON error shape under /api, an HTML page elsewhere."""
    problem = problem_for(exc)
    if request.path == "/api" or request.path.startswith("/api/"):
        response = jsonify(problem.body())
        response.status_code = problem.status
        response.headers.update(problem.headers)
        return response
    return render_template("error.html", problem=problem), problem.status, problem.headers
