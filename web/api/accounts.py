"""Accounts: open, read, list, and the commands on one account (money in and out, limit, close)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from marshmallow import ValidationError

from commands.messages import (
    CloseAccount,
    Command,
    DepositMoney,
    OpenAccount,
    SetOverdraftLimit,
    WithdrawMoney,
)
from queries.accounts import account_summary, list_accounts
from web.api.blueprint import ApiBlueprint, F
from web.api.documents import account_answer, account_document
from web.api.refusals import COMMAND, ON_ACCOUNT
from web.api.replies import ETAG_DOC, LOCATION_DOC, account_reply, run
from web.errors import RequestRefused
from web.fields import expected_version
from web.ledger import current_ledger, read_connection
from web.paths import account_in_path
from web.schemas import (
    AccountCommandHeaders,
    AccountListQuery,
    AccountListSchema,
    AccountSchema,
    Body,
    CloseBody,
    CommandHeaders,
    MovementBody,
    OpenAccountBody,
    OverdraftLimitBody,
)

blp = ApiBlueprint("accounts", __name__, url_prefix="/api/accounts", description="Accounts.")


@blp.route("", methods=["POST"])
@blp.arguments(OpenAccountBody)
@blp.arguments(CommandHeaders, location="headers")
@blp.response(201, AccountSchema, headers={"ETag": ETAG_DOC, "Location": LOCATION_DOC})
@blp.refuses(*COMMAND, "account_exists")
def open_account(body: dict[str, Any], headers: dict[str, Any]) -> Response:
    """Open an account, under the id the client chose or a generated one."""
    command = OpenAccount(**{"currency": current_ledger().settings.default_currency, **body})
    return run(command, account_reply(201, created=True), headers)


@blp.route("", methods=["GET"])
@blp.arguments(AccountListQuery, location="query")
@blp.response(200, AccountListSchema)
@blp.refuses("invalid")
def list_all(query: dict[str, Any]) -> Response:
    """List accounts (one owner's, or all) in the order they were opened."""
    page = list_accounts(read_connection(), **query)
    accounts = [account_document(account) for account in page.items]
    return jsonify({"accounts": accounts, "next_cursor": page.next_cursor})


@blp.route("/<account_id>", methods=["GET"])
@blp.response(200, AccountSchema, headers={"ETag": ETAG_DOC})
@blp.refuses("account_not_found")
@account_in_path
def get_account(account_id: str) -> Response:
    """Read one account, with its version as the ETag."""
    return account_answer(account_summary(read_connection(), account_id))


def account_command(
    rule: str, body: type[Body], *refusals: str, method: str = "POST"
) -> Callable[[F], F]:
    """Route, parse and document a command on one account; the view gets body and headers.

    Every such command reads If-Match and Idempotency-Key, answers with the account and
    its ETag, and can meet the ON_ACCOUNT refusals besides `refusals`.
    """

    def register(view: F) -> F:
        view = account_in_path(view)  # innermost: 400 and 422 come before 404 (API.md)
        view = blp.refuses(*ON_ACCOUNT, *refusals)(view)
        view = blp.response(200, AccountSchema, headers={"ETag": ETAG_DOC})(view)
        view = blp.arguments(AccountCommandHeaders, location="headers")(view)
        view = blp.arguments(body, required=not body.empty_allowed)(view)
        view = refusing_malformed_if_match(view)  # outermost: 400 comes before 422
        return blp.route(rule, methods=[method])(view)

    return register


def refusing_malformed_if_match(view: F) -> F:
    """Refuse a malformed If-Match with 400 before the body is read (API.md's precedence).

    A wrapper of the commands on one account rather than a hook of the blueprint, which
    ran on every request to it, the GETs too.
    """

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            expected_version(request.headers.get("If-Match"))
        except ValidationError as exc:
            raise RequestRefused.bad_request(str(exc.messages[0])) from None
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]


def apply_to_account(
    command: Callable[..., Command], account_id: str, body: dict[str, Any], headers: dict[str, Any]
) -> Response:
    """Run `command` on the account with the body's fields and If-Match's expected version."""
    version = headers.get("expected_version")
    return run(command(account_id, **body, expected_version=version), account_reply(200), headers)


@account_command("/<account_id>/deposits", MovementBody)
def deposit(body: dict[str, Any], headers: dict[str, Any], account_id: str) -> Response:
    """Pay money into an account."""
    return apply_to_account(DepositMoney, account_id, body, headers)


@account_command("/<account_id>/withdrawals", MovementBody, "insufficient_funds")
def withdraw(body: dict[str, Any], headers: dict[str, Any], account_id: str) -> Response:
    """Pay money out of an account, within its overdraft limit."""
    return apply_to_account(WithdrawMoney, account_id, body, headers)


@account_command("/<account_id>/overdraft-limit", OverdraftLimitBody, method="PUT")
def set_overdraft_limit(body: dict[str, Any], headers: dict[str, Any], account_id: str) -> Response:
    """Set how far below zero the balance may go."""
    return apply_to_account(SetOverdraftLimit, account_id, body, headers)


@account_command("/<account_id>/close", CloseBody, "account_not_empty")
def close(body: dict[str, Any], headers: dict[str, Any], account_id: str) -> Response:
    """Close an account whose balance is zero."""
    return apply_to_account(CloseAccount, account_id, body, headers)
