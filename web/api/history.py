"""An account's past: its statement, its balance at any time, its audit trail of events."""

from __future__ import annotations

from typing import Any

from queries.audit import audit_trail
from queries.pages import Page
from queries.statements import StatementLine, statement
from queries.temporal import BalanceAsOf, balance_as_of
from web.api.blueprint import ApiBlueprint
from web.ledger import read_connection
from web.paths import account_in_path
from web.schemas import AuditTrailSchema, BalanceQuery, BalanceSchema, PageQuery, StatementSchema

blp = ApiBlueprint("history", __name__, url_prefix="/api/accounts", description="History.")


@blp.route("/<account_id>/transactions", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, StatementSchema)
@blp.refuses("invalid", "account_not_found")
@account_in_path
def transactions(query: dict[str, Any], account_id: str) -> Page[StatementLine]:
    """The statement, newest line first, in pages."""
    return statement(read_connection(), account_id, **query)


@blp.route("/<account_id>/balance", methods=["GET"])
@blp.arguments(BalanceQuery, location="query")
@blp.response(200, BalanceSchema)
@blp.refuses("invalid", "account_not_found")
@account_in_path
def balance(query: dict[str, Any], account_id: str) -> BalanceAsOf:
    """The balance replayed from the event store as it stood at `as_of` (default: now)."""
    return balance_as_of(read_connection(), account_id, query.get("as_of"))


@blp.route("/<account_id>/events", methods=["GET"])
@blp.response(200, AuditTrailSchema)
@blp.refuses("account_not_found")
@account_in_path
def events(account_id: str) -> dict[str, Any]:
    """The audit trail: every event of the account, oldest first."""
    return {"events": audit_trail(read_connection(), account_id)}
