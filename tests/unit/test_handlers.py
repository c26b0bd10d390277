"""Handlers against an in-memory repository that holds state (a fake, not a mock)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import pytest

from bank.account import BankAccount
from bank.errors import AccountAlreadyExists, AccountNotFound, SameAccount, VersionMismatch
from commands.handlers import HANDLERS, CommandResult
from commands.messages import Command
from commands.unit_of_work import UnitOfWork
from tests.factories import (
    CloseAccountFactory,
    DepositMoneyFactory,
    OpenAccountFactory,
    SetOverdraftLimitFactory,
    TransferMoneyFactory,
    WithdrawMoneyFactory,
)


class FakeAccounts:
    """Accounts kept in a dict, with the repository's get/exists/add contract."""

    def __init__(self) -> None:
        self.accounts: dict[str, BankAccount] = {}

    def get(self, account_id: str) -> BankAccount:
        if account_id not in self.accounts:
            raise AccountNotFound(account_id)
        return self.accounts[account_id]

    def get_many(self, account_ids: list[str]) -> list[BankAccount]:
        return [self.get(account_id) for account_id in account_ids]

    def exists(self, account_id: str) -> bool:
        return account_id in self.accounts

    def add(self, account: BankAccount) -> None:
        self.accounts[account.account_id] = account


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.accounts = FakeAccounts()


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def handle(command: Command, uow: FakeUnitOfWork) -> CommandResult:
    return HANDLERS[type(command)](command, cast(UnitOfWork, uow))


def open_two(uow: FakeUnitOfWork) -> None:
    handle(OpenAccountFactory(account_id="acc-0"), uow)
    handle(OpenAccountFactory(account_id="acc-1"), uow)


def test_every_command_type_has_exactly_one_handler() -> None:
    assert {c.__name__ for c in HANDLERS} == {
        "OpenAccount",
        "DepositMoney",
        "WithdrawMoney",
        "TransferMoney",
        "SetOverdraftLimit",
        "CloseAccount",
    }


def test_open_account_generates_an_id_when_none_is_given(uow: FakeUnitOfWork) -> None:
    result = handle(OpenAccountFactory(account_id=None), uow)
    (account_id,) = result.account_ids
    assert uow.accounts.get(account_id).owner_id.startswith("owner-")


def test_opening_a_taken_id_is_refused(uow: FakeUnitOfWork) -> None:
    handle(OpenAccountFactory(account_id="acc-0"), uow)
    with pytest.raises(AccountAlreadyExists):
        handle(OpenAccountFactory(account_id="acc-0"), uow)


@pytest.mark.parametrize(
    "factory", [DepositMoneyFactory, WithdrawMoneyFactory, SetOverdraftLimitFactory]
)
def test_commands_on_an_unknown_account_are_refused(uow: FakeUnitOfWork, factory: Any) -> None:
    with pytest.raises(AccountNotFound):
        handle(factory(account_id="nope"), uow)


def test_deposit_then_withdraw_changes_the_balance(uow: FakeUnitOfWork) -> None:
    open_two(uow)
    handle(DepositMoneyFactory(account_id="acc-0", amount=Decimal("5")), uow)
    handle(WithdrawMoneyFactory(account_id="acc-0", amount=Decimal("30")), uow)
    assert uow.accounts.get("acc-0").balance == Decimal("75.00")


def test_a_stale_expected_version_is_refused_before_any_change(uow: FakeUnitOfWork) -> None:
    open_two(uow)
    with pytest.raises(VersionMismatch):
        handle(DepositMoneyFactory(account_id="acc-0", expected_version=7), uow)
    assert uow.accounts.get("acc-0").version == 1


def test_transfer_returns_a_transfer_id_and_moves_the_money(uow: FakeUnitOfWork) -> None:
    open_two(uow)
    result = handle(TransferMoneyFactory(amount=Decimal("60")), uow)
    assert result.transfer_id is not None
    assert result.account_ids == ("acc-0", "acc-1")
    assert uow.accounts.get("acc-0").balance == Decimal("40.00")
    assert uow.accounts.get("acc-1").balance == Decimal("160.00")


def test_transfer_to_the_same_account_is_refused_before_loading(uow: FakeUnitOfWork) -> None:
    with pytest.raises(SameAccount):
        handle(TransferMoneyFactory(from_account_id="x", to_account_id="x"), uow)


def test_close_after_emptying_the_account(uow: FakeUnitOfWork) -> None:
    open_two(uow)
    handle(WithdrawMoneyFactory(account_id="acc-0", amount=Decimal("100")), uow)
    handle(CloseAccountFactory(account_id="acc-0"), uow)
    assert not uow.accounts.get("acc-0").is_open
