"""One handler per command: load through the repository, let the aggregate decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from bank.account import BankAccount, valid_identifier
from bank.errors import AccountAlreadyExists
from bank.transfer import ensure_distinct, transfer
from commands.messages import (
    CloseAccount,
    Command,
    DepositMoney,
    OpenAccount,
    SetOverdraftLimit,
    TransferMoney,
    WithdrawMoney,
)
from commands.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a handler did: the accounts it touched and, for a transfer, its id."""

    account_ids: tuple[str, ...]
    transfer_id: str | None = None


def open_account(cmd: OpenAccount, uow: UnitOfWork) -> CommandResult:
    """Open a new account; a taken id is refused."""
    account_id = cmd.account_id if cmd.account_id is not None else f"acc-{uuid4().hex[:20]}"
    valid_identifier(account_id, "account_id")
    if uow.accounts.exists(account_id):
        raise AccountAlreadyExists(account_id)
    uow.accounts.add(BankAccount.open(account_id, cmd.owner_id, cmd.currency, cmd.initial_deposit))
    return CommandResult((account_id,))


def deposit_money(cmd: DepositMoney, uow: UnitOfWork) -> CommandResult:
    """Pay money in."""
    account = uow.accounts.get(cmd.account_id)
    account.ensure_version(cmd.expected_version)
    account.deposit(cmd.amount, cmd.description)
    return CommandResult((cmd.account_id,))


def withdraw_money(cmd: WithdrawMoney, uow: UnitOfWork) -> CommandResult:
    """Pay money out."""
    account = uow.accounts.get(cmd.account_id)
    account.ensure_version(cmd.expected_version)
    account.withdraw(cmd.amount, cmd.description)
    return CommandResult((cmd.account_id,))


def transfer_money(cmd: TransferMoney, uow: UnitOfWork) -> CommandResult:
    """Move money between two accounts; both legs are saved in one append."""
    ensure_distinct(cmd.from_account_id, cmd.to_account_id)
    source, destination = uow.accounts.get_many([cmd.from_account_id, cmd.to_account_id])
    transfer_id = f"trf-{uuid4().hex[:20]}"
    transfer(source, destination, cmd.amount, transfer_id, cmd.description)
    return CommandResult((cmd.from_account_id, cmd.to_account_id), transfer_id)


def set_overdraft_limit(cmd: SetOverdraftLimit, uow: UnitOfWork) -> CommandResult:
    """Change the overdraft limit."""
    account = uow.accounts.get(cmd.account_id)
    account.ensure_version(cmd.expected_version)
    account.set_overdraft_limit(cmd.limit)
    return CommandResult((cmd.account_id,))


def close_account(cmd: CloseAccount, uow: UnitOfWork) -> CommandResult:
    """Close an account at zero balance."""
    account = uow.accounts.get(cmd.account_id)
    account.ensure_version(cmd.expected_version)
    account.close()
    return CommandResult((cmd.account_id,))


Handler = Callable[[Any, UnitOfWork], CommandResult]

HANDLERS: dict[type[Command], Handler] = {
    OpenAccount: open_account,
    DepositMoney: deposit_money,
    WithdrawMoney: withdraw_money,
    TransferMoney: transfer_money,
    SetOverdraftLimit: set_overdraft_limit,
    CloseAccount: close_account,
}
