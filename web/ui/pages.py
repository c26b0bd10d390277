"""UI pages: the account list with the opening form, an account, its audit trail."""

from __future__ import annotations

from uuid import uuid4

from flask import render_template, request
from flask.typing import ResponseReturnValue
from marshmallow import EXCLUDE, ValidationError

from queries.accounts import account_summary, list_accounts
from queries.audit import audit_trail
from queries.pages import InvalidCursor, Page
from queries.statements import statement
from web.errors import field_messages
from web.ledger import current_ledger, read_connection
from web.paths import account_in_path
from web.schemas import AccountListQuery
from web.ui.blueprint import ui
from web.ui.forms import FormState

STATEMENT_PAGE = 20
ACCOUNTS_PAGE = 25


@ui.get("/")
def index() -> ResponseReturnValue:
    """Every account, or one owner's, and the form to open one."""
    return render_index(FormState(), 200)


@ui.get("/accounts/<account_id>")
@account_in_path
def account(account_id: str) -> ResponseReturnValue:
    """One account: balance, details, statement and the forms that move its money."""
    return render_account(account_id, FormState(), 200)


@ui.get("/accounts/<account_id>/events")
@account_in_path
def events(account_id: str) -> ResponseReturnValue:
    """The audit trail: every event stored for the account, with who asked and from where."""
    connection = read_connection()
    summary = account_summary(connection, account_id)
    trail = audit_trail(connection, account_id)
    return render_template("events.html", account=summary, events=trail)


def render_index(form: FormState, status: int) -> ResponseReturnValue:
    """The list page, with `form` filled in as the clerk left it."""
    filter_errors: dict[str, list[str]] = {}
    args = {k: v.strip() for k, v in request.args.items() if v.strip()}
    try:
        query = AccountListQuery().load({"limit": ACCOUNTS_PAGE, **args}, unknown=EXCLUDE)
        accounts = list_accounts(read_connection(), **query)
    except ValidationError as exc:
        filter_errors = field_messages(exc.messages)
        accounts = Page([], None)
    except InvalidCursor as exc:
        filter_errors = {"cursor": [str(exc)]}
        accounts = Page([], None)
    return render_template(
        "index.html",
        accounts=accounts,
        args=args,
        filter_errors=filter_errors,
        form=form,
        default_currency=current_ledger().settings.default_currency,
        idempotency_key=uuid4(),
    ), (422 if filter_errors and status == 200 else status)


def render_account(account_id: str, form: FormState, status: int) -> ResponseReturnValue:
    """The account page, with `form` filled in as the clerk left it."""
    connection = read_connection()
    summary = account_summary(connection, account_id)
    cursor = request.args.get("cursor") or None
    lines = statement(connection, account_id, limit=STATEMENT_PAGE, cursor=cursor)
    return render_template(
        "account.html",
        account=summary,
        statement=lines,
        form=form,
        idempotency_key=uuid4(),
    ), status
