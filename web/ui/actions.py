"""UI actions: each form posts here, runs one command, then redirects (303) or re-renders."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import url_for
from flask.typing import ResponseReturnValue

from commands.inputs import format_money
from commands.messages import (
    CloseAccount,
    DepositMoney,
    OpenAccount,
    SetOverdraftLimit,
    TransferMoney,
    WithdrawMoney,
)
from web.ledger import current_ledger
from web.paths import account_in_path
from web.schemas import CloseBody, MovementBody, OpenAccountBody, OverdraftLimitBody, TransferBody
from web.ui.blueprint import ui
from web.ui.forms import submit
from web.ui.pages import render_account, render_index


@ui.post("/accounts")
def open_account() -> ResponseReturnValue:
    """Open an account from the list page's form."""

    def done(data: Mapping[str, Any], result: Mapping[str, Any]) -> tuple[str, str]:
        account_id = result["account_ids"][0]
        return (
            f"Account {account_id} opened for {data['owner_id']}.",
            url_for("ui.account", account_id=account_id),
        )

    default = current_ledger().settings.default_currency
    return submit(
        "open",
        OpenAccountBody(),
        build=lambda d: OpenAccount(**{"currency": default, **d}),
        done=done,
        page=render_index,
    )


def _back(account_id: str, message: str) -> tuple[str, str]:
    return message, url_for("ui.account", account_id=account_id)


@ui.post("/accounts/<account_id>/deposit")
@account_in_path
def deposit(account_id: str) -> ResponseReturnValue:
    """Pay money in."""
    return submit(
        "deposit",
        MovementBody(),
        build=lambda d: DepositMoney(account_id, **d),
        done=lambda d, _r: _back(account_id, f"Deposited {format_money(d['amount'])}."),
        page=partial(render_account, account_id),
    )


@ui.post("/accounts/<account_id>/withdraw")
@account_in_path
def withdraw(account_id: str) -> ResponseReturnValue:
    """Pay money out."""
    return submit(
        "withdraw",
        MovementBody(),
        build=lambda d: WithdrawMoney(account_id, **d),
        done=lambda d, _r: _back(account_id, f"Withdrew {format_money(d['amount'])}."),
        page=partial(render_account, account_id),
    )


@ui.post("/accounts/<account_id>/transfer")
@account_in_path
def transfer(account_id: str) -> ResponseReturnValue:
    """Send money to another account."""
    return submit(
        "transfer",
        TransferBody(),
        build=lambda d: TransferMoney(**d),
        done=lambda d, _r: _back(
            account_id, f"Sent {format_money(d['amount'])} to {d['to_account_id']}."
        ),
        page=partial(render_account, account_id),
        fixed={"from_account_id": account_id},
    )


@ui.post("/accounts/<account_id>/overdraft-limit")
@account_in_path
def set_overdraft_limit(account_id: str) -> ResponseReturnValue:
    """Change the overdraft limit."""
    return submit(
        "limit",
        OverdraftLimitBody(),
        build=lambda d: SetOverdraftLimit(account_id, **d),
        done=lambda d, _r: _back(account_id, f"Overdraft limit set to {format_money(d['limit'])}."),
        page=partial(render_account, account_id),
    )


@ui.post("/accounts/<account_id>/close")
@account_in_path
def close(account_id: str) -> ResponseReturnValue:
    """Close the account."""
    return submit(
        "close",
        CloseBody(),
        build=lambda _d: CloseAccount(account_id),
        done=lambda _d, _r: _back(account_id, "The account is closed."),
        page=partial(render_account, account_id),
    )
