"""Transfers: money moved between two accounts atomically."""

from __future__ import annotations

from typing import Any

from flask import Response

from commands.messages import TransferMoney
from web.api.blueprint import ApiBlueprint
from web.api.refusals import COMMAND
from web.api.replies import run, transfer_reply
from web.schemas import CommandHeaders, TransferBody, TransferSchema

blp = ApiBlueprint("transfers", __name__, url_prefix="/api/transfers", description="Transfers.")


@blp.route("", methods=["POST"])
@blp.arguments(TransferBody)
@blp.arguments(CommandHeaders, location="headers")
@blp.response(201, TransferSchema)
@blp.refuses(
    *COMMAND,
    "same_account",
    "currency_mismatch",
    "account_not_found",
    "account_closed",
    "insufficient_funds",
)
def transfer(body: dict[str, Any], headers: dict[str, Any]) -> Response:
    """Move money from one account to another: both change, or neither."""
    return run(TransferMoney(**body), transfer_reply, headers)
