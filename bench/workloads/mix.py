"""The command mix of `commands` and `concurrent`: 60% deposits, 30% withdrawals, 10% transfers."""

from __future__ import annotations

import random
from decimal import Decimal

from bank.errors import ConcurrencyError, DomainError
from commands.bus import CommandBus
from commands.messages import Command, DepositMoney, OpenAccount, TransferMoney, WithdrawMoney

ACCOUNTS = 2_000
COMMANDS = 20_000


def account_ids(count: int = ACCOUNTS) -> list[str]:
    """Stable ids, so several processes address the same accounts."""
    return [f"bench-{i:05d}" for i in range(count)]


def open_accounts(bus: CommandBus, ids: list[str]) -> None:
    """Open every account with a modest balance, so some withdrawals are refused."""
    for account_id in ids:
        bus.execute(OpenAccount(f"owner-{account_id}", Decimal("500.00"), "EUR", account_id))


def random_commands(ids: list[str], count: int, seed: int) -> list[Command]:
    """A reproducible list of commands in the benchmark's proportions."""
    rng = random.Random(seed)
    commands: list[Command] = []
    for _ in range(count):
        roll = rng.random()
        amount = Decimal(rng.randint(100, 40_000)) / 100
        if roll < 0.6:
            commands.append(DepositMoney(rng.choice(ids), amount, "bench deposit"))
        elif roll < 0.9:
            commands.append(WithdrawMoney(rng.choice(ids), amount, "bench withdrawal"))
        else:
            source, destination = rng.sample(ids, 2)
            commands.append(TransferMoney(source, destination, amount, "bench transfer"))
    return commands


def events_per_command(command: Command) -> int:
    """How many events a successful command appends."""
    return 2 if isinstance(command, TransferMoney) else 1


def execute(bus: CommandBus, command: Command) -> str:
    """Run one command; classify it as applied, refused (a business rule) or conflicted."""
    try:
        bus.execute(command)
    except ConcurrencyError:
        return "conflict"
    except DomainError:
        return "refused"
    return "applied"
