"""BankAccount rules, Given events / When a command / Then events or an error. No database."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from bank.account import BankAccount
from bank.errors import (
    AccountClosed,
    AccountNotEmpty,
    CurrencyMismatch,
    DomainError,
    InsufficientFunds,
    InvalidAmount,
    InvalidCurrency,
    InvalidIdentifier,
    SameAccount,
    VersionMismatch,
)
from bank.events import (
    AccountClosed as Closed,
)
from bank.events import (
    AccountOpened,
    DomainEvent,
    MoneyDeposited,
    MoneyWithdrawn,
    OverdraftLimitSet,
    TransferReceived,
    TransferSent,
)
from bank.text import InvalidDescription
from bank.transfer import transfer
from tests.factories import (
    AccountClosedFactory,
    AccountOpenedFactory,
    MoneyWithdrawnFactory,
    OverdraftLimitSetFactory,
)

D = Decimal


def given(*events: DomainEvent, account_id: str = "acc-1") -> BankAccount:
    return BankAccount.replay(account_id, events)


def opened(balance: str = "100.00", currency: str = "EUR") -> AccountOpened:
    return AccountOpenedFactory(account_id="acc-1", initial_deposit=D(balance), currency=currency)


def then(account: BankAccount) -> list[DomainEvent]:
    return account.pending_events


def test_opening_records_the_initial_deposit() -> None:
    account = BankAccount.open("acc-1", "user-1", "EUR", "1000")
    assert then(account) == [AccountOpened("acc-1", "user-1", "EUR", D("1000.00"))]
    assert (account.balance, account.is_open, account.version) == (D("1000.00"), True, 1)


def test_opening_with_zero_is_allowed() -> None:
    assert BankAccount.open("acc-1", "user-1", "EUR", 0).balance == D("0.00")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"initial_deposit": "-1"}, InvalidAmount),
        ({"initial_deposit": "0.001"}, InvalidAmount),
        ({"initial_deposit": "1000000000000.01"}, InvalidAmount),
        ({"currency": "eur"}, InvalidCurrency),
        ({"currency": "EURO"}, InvalidCurrency),
        ({"account_id": ""}, InvalidIdentifier),
        ({"account_id": "-starts-with-dash"}, InvalidIdentifier),
        ({"account_id": "x" * 65}, InvalidIdentifier),
        ({"owner_id": "has space"}, InvalidIdentifier),
    ],
)
def test_opening_with_invalid_input_is_refused(
    kwargs: dict[str, str], error: type[DomainError]
) -> None:
    args = {"account_id": "acc-1", "owner_id": "u", "currency": "EUR", "initial_deposit": "1"}
    with pytest.raises(error):
        BankAccount.open(**(args | kwargs))


def test_deposit_records_amount_and_balance_after() -> None:
    account = given(opened("100.00"))
    account.deposit(D("50.5"), "salary")
    assert then(account) == [MoneyDeposited(D("50.50"), "salary", "general", D("150.50"))]
    assert account.version == 2


@pytest.mark.parametrize("amount", ["0", "-5", "0.001", "1000000000000.01", "NaN", "Infinity"])
def test_deposit_of_an_invalid_amount_is_refused(amount: str) -> None:
    account = given(opened())
    with pytest.raises(InvalidAmount):
        account.deposit(amount)
    assert then(account) == []


def test_float_amounts_are_refused_because_they_are_not_exact() -> None:
    with pytest.raises(InvalidAmount):
        given(opened()).deposit(0.1)  # type: ignore[arg-type]


def test_the_largest_amount_is_accepted() -> None:
    account = given(opened("0"))
    account.deposit("1000000000000.00")
    assert account.balance == D("1000000000000.00")


def test_withdrawal_within_balance_records_balance_after() -> None:
    account = given(opened("100.00"))
    account.withdraw(D("30"), "cash")
    assert then(account) == [MoneyWithdrawn(D("30.00"), "cash", D("70.00"))]


def test_withdrawal_into_the_overdraft_is_allowed_up_to_the_limit() -> None:
    account = given(opened("100.00"), OverdraftLimitSetFactory(limit=D("50")))
    account.withdraw(D("150"))
    assert account.balance == D("-50.00")


def test_withdrawal_beyond_overdraft_limit_is_refused() -> None:
    account = given(opened("100.00"), OverdraftLimitSetFactory(limit=D("50")))
    with pytest.raises(InsufficientFunds):
        account.withdraw(D("150.01"))
    assert then(account) == []


def test_setting_the_overdraft_limit_records_the_previous_one() -> None:
    account = given(opened(), OverdraftLimitSetFactory(limit=D("50")))
    account.set_overdraft_limit("20")
    assert then(account) == [OverdraftLimitSet(D("20.00"), D("50.00"))]


def test_a_negative_overdraft_limit_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        given(opened()).set_overdraft_limit("-1")


def test_lowering_the_limit_below_the_current_overdraft_is_allowed_but_refuses_later_withdrawals() -> (  # noqa: E501
    None
):
    account = given(
        opened("0"), OverdraftLimitSetFactory(limit=D("100")), MoneyWithdrawnFactory(amount=D("80"))
    )
    account.set_overdraft_limit("10")
    assert account.balance == D("-80.00")
    with pytest.raises(InsufficientFunds):
        account.withdraw("0.01")


def test_closing_at_zero_balance_records_the_final_balance() -> None:
    account = given(opened("0"))
    account.close()
    assert then(account) == [Closed(D("0.00"))]
    assert not account.is_open


def test_closing_with_money_left_is_refused() -> None:
    with pytest.raises(AccountNotEmpty):
        given(opened("0.01")).close()


def test_closing_in_overdraft_is_refused() -> None:
    account = given(
        opened("0"), OverdraftLimitSetFactory(limit=D("10")), MoneyWithdrawnFactory(amount=D("5"))
    )
    with pytest.raises(AccountNotEmpty):
        account.close()


@pytest.mark.parametrize(
    "action",
    [
        lambda a: a.deposit("1"),
        lambda a: a.withdraw("1"),
        lambda a: a.set_overdraft_limit("1"),
        lambda a: a.close(),
    ],
    ids=["deposit", "withdraw", "set_limit", "close_twice"],
)
def test_a_closed_account_refuses_every_change(action: Callable[[BankAccount], None]) -> None:
    account = given(opened("0"), AccountClosedFactory())
    with pytest.raises(AccountClosed):
        action(account)
    assert then(account) == []


def test_account_closed_is_reported_before_insufficient_funds() -> None:
    with pytest.raises(AccountClosed):
        given(opened("0"), AccountClosedFactory()).withdraw("1000")


def test_a_description_longer_than_200_characters_is_refused() -> None:
    with pytest.raises(InvalidDescription):
        given(opened()).deposit("1", "x" * 201)


def test_a_description_with_control_characters_is_refused() -> None:
    with pytest.raises(InvalidDescription):
        given(opened()).withdraw("1", "line\nbreak")


def test_a_description_with_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(InvalidDescription, match="valid Unicode"):
        given(opened()).deposit("1", "half a pair: \ud800")


def test_a_description_of_200_non_ascii_characters_is_kept_verbatim() -> None:
    account = given(opened())
    account.deposit("1", "é" * 199 + "€")
    assert then(account)[0].description == "é" * 199 + "€"  # type: ignore[attr-defined]


def test_the_version_guard_refuses_a_stale_expected_version() -> None:
    account = given(opened())
    with pytest.raises(VersionMismatch):
        account.ensure_version(2)
    account.ensure_version(1)
    account.ensure_version(None)


def two_accounts(
    source_balance: str = "100.00", currency: str = "EUR"
) -> tuple[BankAccount, BankAccount]:
    source = given(opened(source_balance))
    destination = given(
        AccountOpenedFactory(account_id="acc-2", initial_deposit=D("0"), currency=currency),
        account_id="acc-2",
    )
    return source, destination


def test_transfer_records_both_legs_with_the_same_transfer_id() -> None:
    source, destination = two_accounts()
    transfer(source, destination, "40", "trf-1", "rent")
    assert then(source) == [TransferSent("trf-1", "acc-2", D("40.00"), "rent", D("60.00"))]
    assert then(destination) == [TransferReceived("trf-1", "acc-1", D("40.00"), "rent", D("40.00"))]


def test_transfer_to_the_same_account_is_refused() -> None:
    source, _ = two_accounts()
    with pytest.raises(SameAccount):
        transfer(source, source, "1", "trf-1")


def test_transfer_between_currencies_is_refused_and_records_nothing() -> None:
    source, destination = two_accounts(currency="USD")
    with pytest.raises(CurrencyMismatch):
        transfer(source, destination, "1", "trf-1")
    assert then(source) == then(destination) == []


def test_transfer_beyond_the_overdraft_limit_records_neither_leg() -> None:
    source, destination = two_accounts("10.00")
    with pytest.raises(InsufficientFunds):
        transfer(source, destination, "10.01", "trf-1")
    assert then(source) == then(destination) == []


def test_transfer_to_a_closed_account_records_neither_leg() -> None:
    source = given(opened())
    destination = given(
        AccountOpenedFactory(account_id="acc-2", initial_deposit=D("0")),
        AccountClosedFactory(),
        account_id="acc-2",
    )
    with pytest.raises(AccountClosed):
        transfer(source, destination, "1", "trf-1")
    assert then(source) == []


def test_snapshot_round_trip_gives_the_same_state() -> None:
    account = given(
        opened("12.34"),
        OverdraftLimitSetFactory(limit=D("7")),
        MoneyWithdrawnFactory(amount=D("1")),
    )
    restored = BankAccount.from_snapshot("acc-1", account.version, account.snapshot_state())
    assert vars(restored) == vars(account)


def test_replaying_history_never_validates() -> None:
    """History is accepted: even a balance below today's limit replays without error."""
    account = given(opened("0"), MoneyWithdrawnFactory(amount=D("999")))
    assert account.balance == D("-999.00")
