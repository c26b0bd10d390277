"""Send a command through the bus with the request's audit metadata and idempotency print."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from typing import Any

from flask import g, request

from commands.bus import Outcome, Responder
from commands.context import CommandContext
from commands.messages import Command
from web.json_body import canonical
from web.ledger import current_ledger

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_ENVIRON = "HTTP_" + REQUEST_ID_HEADER.upper().replace("-", "_")
REQUEST_ID = re.compile(r"[\x20-\x7e]{1,128}")
"""A caller's request id we keep and echo: 1 to 128 printable ASCII characters.

The same rule as Idempotency-Key's by choice (safe in a header and a log line), not by
necessity: either may change alone.
"""


def execute(
    command: Command,
    respond: Responder,
    *,
    actor: str,
    idempotency_key: str | None,
    body: Mapping[str, Any],
) -> Outcome:
    """Run `command`; with a key, a repeat of this route and body returns the first response."""
    context = CommandContext(
        actor=actor,
        request_id=request_id(),
        idempotency_key=idempotency_key,
        fingerprint=fingerprint(body) if idempotency_key is not None else None,
        extra={"client_address": request.remote_addr, "route": _route()},
    )
    return current_ledger().bus.execute(command, context, respond)


def fingerprint(body: Mapping[str, Any]) -> str:
    """sha256 of method, path and canonical body: what makes two requests "the same"."""
    text = f"{request.method} {request.path}\n{canonical(dict(body))}"
    return hashlib.sha256(text.encode()).hexdigest()


def request_id() -> str:
    """The caller's X-Request-ID when it is 1-128 printable ASCII characters, else a new one.

    Read from the WSGI environ, which is what `request.headers` looks up after rewriting
    the name: every answer carries the id, and the lookup cost more than the rest.
    """
    value: str | None = g.get("request_id")
    if value is None:
        offered = request.environ.get(_REQUEST_ID_ENVIRON, "")
        value = g.request_id = offered if REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())
    return value


def _route() -> str:
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return f"{request.method} {rule}"
