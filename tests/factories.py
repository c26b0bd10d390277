"""factory-boy factories for commands and events: realistic, valid defaults, easy overrides."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from bank import events
from commands import messages

T = TypeVar("T")

if TYPE_CHECKING:
    # factory-boy ships py.typed, but its constructors are unannotated and calling a
    # Factory subclass builds the *model* through the metaclass, which mypy cannot see.
    # These declarations state that real behaviour for the type checker only.
    from factory import base, declarations, faker

    class Factory(base.Factory[T]):
        def __new__(cls, **kwargs: object) -> T: ...  # type: ignore[misc]

    class Sequence(declarations.Sequence):
        def __init__(self, function: Callable[[int], object]) -> None: ...

    class Faker(faker.Faker):
        def __init__(self, provider: str, **kwargs: object) -> None: ...

else:
    from factory import Factory, Faker, Sequence


class OpenAccountFactory(Factory[messages.OpenAccount]):
    """Opens a EUR account with a chosen id, so tests can name it afterwards."""

    class Meta:
        model = messages.OpenAccount

    owner_id = Sequence(lambda n: f"owner-{n}")
    initial_deposit = Decimal("100.00")
    currency = "EUR"
    account_id = Sequence(lambda n: f"acc-{n}")


class DepositMoneyFactory(Factory[messages.DepositMoney]):
    class Meta:
        model = messages.DepositMoney

    account_id = "acc-0"
    amount = Decimal("25.00")
    description = Faker("sentence", nb_words=3)


class WithdrawMoneyFactory(Factory[messages.WithdrawMoney]):
    class Meta:
        model = messages.WithdrawMoney

    account_id = "acc-0"
    amount = Decimal("10.00")
    description = "cash"


class TransferMoneyFactory(Factory[messages.TransferMoney]):
    class Meta:
        model = messages.TransferMoney

    from_account_id = "acc-0"
    to_account_id = "acc-1"
    amount = Decimal("5.00")
    description = "rent share"


class SetOverdraftLimitFactory(Factory[messages.SetOverdraftLimit]):
    class Meta:
        model = messages.SetOverdraftLimit

    account_id = "acc-0"
    limit = Decimal("50.00")


class CloseAccountFactory(Factory[messages.CloseAccount]):
    class Meta:
        model = messages.CloseAccount

    account_id = "acc-0"


class AccountOpenedFactory(Factory[events.AccountOpened]):
    class Meta:
        model = events.AccountOpened

    account_id = Sequence(lambda n: f"acc-{n}")
    owner_id = "owner-1"
    currency = "EUR"
    initial_deposit = Decimal("100.00")


class MoneyDepositedFactory(Factory[events.MoneyDeposited]):
    class Meta:
        model = events.MoneyDeposited

    amount = Decimal("25.00")
    description = ""
    category = "general"
    balance_after = None


class MoneyWithdrawnFactory(Factory[events.MoneyWithdrawn]):
    class Meta:
        model = events.MoneyWithdrawn

    amount = Decimal("10.00")
    description = ""
    balance_after = Decimal("0.00")


class OverdraftLimitSetFactory(Factory[events.OverdraftLimitSet]):
    class Meta:
        model = events.OverdraftLimitSet

    limit = Decimal("50.00")
    previous_limit = Decimal("0.00")


class AccountClosedFactory(Factory[events.AccountClosed]):
    class Meta:
        model = events.AccountClosed

    final_balance = Decimal("0.00")
