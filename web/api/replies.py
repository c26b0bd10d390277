"""Command answers: recorded inside the command's transaction, replayed verbatim for a repeat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify, url_for
from sqlalchemy import Connection

from commands.bus import Responder
from commands.handlers import CommandResult
from commands.messages import Command
from queries.accounts import account_summary
from web.api.blueprint import request_body
from web.api.documents import account_document, etag
from web.commanding import execute

REPLAYED_HEADER = "Idempotent-Replayed"

ETAG_DOC = {
    "description": 'The account\'s version, such as "3", for If-Match.',
    "schema": {"type": "string"},
}
LOCATION_DOC = {"description": "The new account's address.", "schema": {"type": "string"}}


def account_reply(status: int, *, created: bool = False) -> Responder:
    """Answer with the account as the command left it (and its address when `created`)."""

    def respond(connection: Connection, result: CommandResult) -> dict[str, Any]:
        account = account_summary(connection, result.account_ids[0])
        headers = {"ETag": etag(account.version)}
        if created:
            headers["Location"] = url_for("accounts.get_account", account_id=account.account_id)
        return {"status": status, "body": account_document(account), "headers": headers}

    return respond


def transfer_reply(connection: Connection, result: CommandResult) -> dict[str, Any]:
    """Answer a transfer with its id and both accounts after it."""
    source, destination = result.account_ids
    body = {
        "transfer_id": result.transfer_id,
        "from_account": account_document(account_summary(connection, source)),
        "to_account": account_document(account_summary(connection, destination)),
    }
    return {"status": 201, "body": body, "headers": {}}


def run(command: Command, respond: Responder, headers: Mapping[str, Any]) -> Response:
    """Execute `command` for an API request and send the recorded (or replayed) answer."""
    outcome = execute(
        command,
        respond,
        actor="api",
        idempotency_key=headers.get("idempotency_key"),
        body=request_body(),
    )
    recorded = outcome.response
    response = jsonify(recorded["body"])
    response.status_code = recorded["status"]
    response.headers.update(recorded["headers"])
    if outcome.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response
