"""factory-boy factories for commands and events: realistic, valid defaults, easy overrides."""

from __future__ import annotations

from decimal import Decimal

import factory

from bank import events
from commands import messages


class OpenAccountFactory(factory.Factory):
    """Opens a EUR account with a chosen id, so tests can name it afterwards."""

    class Meta:
        model = messages.OpenAccount

    owner_id = factory.Sequence(lambda n: f"owner-{n}")
    initial_deposit = Decimal("100.00")
    currency = "EUR"
    account_id = factory.Sequence(lambda n: f"acc-{n}")


class DepositMoneyFactory(factory.Factory):
    class Meta:
        model = messages.DepositMoney

    account_id = "acc-0"
    amount = Decimal("25.00")
    description = factory.Faker("sentence", nb_words=3)


class WithdrawMoneyFactory(factory.Factory):
    class Meta:
        model = messages.WithdrawMoney

    account_id = "acc-0"
    amount = Decimal("10.00")
    description = "cash"


class TransferMoneyFactory(factory.Factory):
    class Meta:
        model = messages.TransferMoney

    from_account_id = "acc-0"
    to_account_id = "acc-1"
    amount = Decimal("5.00")
    description = "rent share"


class SetOverdraftLimitFactory(factory.Factory):
    class Meta:
        model = messages.SetOverdraftLimit

    account_id = "acc-0"
    limit = Decimal("50.00")


class CloseAccountFactory(factory.Factory):
    class Meta:
        model = messages.CloseAccount

    account_id = "acc-0"


class AccountOpenedFactory(factory.Factory):
    class Meta:
        model = events.AccountOpened

    account_id = factory.Sequence(lambda n: f"acc-{n}")
    owner_id = "owner-1"
    currency = "EUR"
    initial_deposit = Decimal("100.00")


class MoneyDepositedFactory(factory.Factory):
    class Meta:
        model = events.MoneyDeposited

    amount = Decimal("25.00")
    description = ""
    category = "general"
    balance_after = None


class MoneyWithdrawnFactory(factory.Factory):
    class Meta:
        model = events.MoneyWithdrawn

    amount = Decimal("10.00")
    description = ""
    balance_after = Decimal("0.00")


class OverdraftLimitSetFactory(factory.Factory):
    class Meta:
        model = events.OverdraftLimitSet

    limit = Decimal("50.00")
    previous_limit = Decimal("0.00")


class AccountClosedFactory(factory.Factory):
    class Meta:
        model = events.AccountClosed

    final_balance = Decimal("0.00")
