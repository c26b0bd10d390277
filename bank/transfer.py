"""Moving money between two accounts: a domain service over two aggregates."""

from __future__ import annotations

from decimal import Decimal

from bank.account import BankAccount
from bank.errors import CurrencyMismatch, SameAccount
from bank.money import positive_amount
from bank.text import description_text


def ensure_distinct(from_account_id: str, to_account_id: str) -> None:
    """A transfer needs two accounts; checked before either is loaded."""
    if from_account_id == to_account_id:
        raise SameAccount("a transfer needs two different accounts")


def transfer(
    source: BankAccount,
    destination: BankAccount,
    amount: Decimal | int | str,
    transfer_id: str,
    description: str = "",
) -> None:
    """Record both legs, or neither: every rule is checked before the first event.

    Order of refusals follows the API: validation, then `account_closed` on either side,
    then `insufficient_funds`.
    """
    ensure_distinct(source.account_id, destination.account_id)
    amount = positive_amount(amount)
    description = description_text(description)
    if source.currency != destination.currency:
        raise CurrencyMismatch(
            f"cannot transfer {source.currency} from {source.account_id!r} "
            f"to {destination.currency} account {destination.account_id!r}"
        )
    destination.ensure_open()
    source.send_transfer(transfer_id, destination.account_id, amount, description)
    destination.receive_transfer(transfer_id, source.account_id, amount, description)
