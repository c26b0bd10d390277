"""What a command accepts and how a request is refused, for the layers that build commands.

The web checks a request against the very rules the domain enforces, so that a bad one is
refused field by field before it becomes a command, and it shows money as the domain
writes it. ARCHITECTURE.md lets the web import `commands` and `queries` only: the domain's
rules and refusals reach it through this module, which defines nothing of its own.
"""

from __future__ import annotations

from bank.account import CURRENCY, IDENTIFIER
from bank.errors import AccountNotFound, DomainError, InvalidAmount, VersionMismatch
from bank.money import CENT, MAX_AMOUNT, format_money, non_negative_amount, positive_amount
from bank.text import MAX_DESCRIPTION, InvalidDescription, description_text

__all__ = [
    "CENT",
    "CURRENCY",
    "IDENTIFIER",
    "MAX_AMOUNT",
    "MAX_DESCRIPTION",
    "AccountNotFound",
    "DomainError",
    "InvalidAmount",
    "InvalidDescription",
    "VersionMismatch",
    "description_text",
    "format_money",
    "non_negative_amount",
    "positive_amount",
]
