"""Verify: every drift of the read models from the events is reported, and counted."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import Engine, insert, update

from bank.store.engine import WRITE
from commands.bus import CommandBus
from manage import cli
from read_models.tables import LIVE
from read_models.verify import MAX_REPORTED, verify_projections
from tests.factories import DepositMoneyFactory, OpenAccountFactory
from tests.integration.read_side import cli_database_url


def test_a_stray_statement_line_far_beyond_the_head_is_reported_and_fails_the_cli(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    bus.execute(DepositMoneyFactory(account_id="a"))
    ghost = {
        "account_id": "a",
        "version": 99,
        "type": "deposit",
        "amount_cents": 100_000,
        "balance_after_cents": 112_500,
        "description": "ghost",
        "transfer_id": None,
        "counterparty_account_id": None,
        "occurred_at": datetime.now(UTC),
        "position": 10**12,
    }
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(insert(LIVE.lines).values(ghost))
    [difference] = verify_projections(engine)
    assert (difference.table, difference.key, difference.replayed) == (
        LIVE.lines.name,
        ("a", 99),
        None,
    )
    assert difference.live == ghost
    result = CliRunner().invoke(
        cli, ["verify-projections"], env={"DATABASE_URL": cli_database_url(engine)}
    )
    assert result.exit_code == 1
    assert "statement_lines ('a', 99): live row that the events do not produce" in result.output


def test_more_drifted_rows_than_are_listed_are_each_shown_on_both_sides_and_all_counted(
    engine: Engine, bus: CommandBus
) -> None:
    drifted = 4 * MAX_REPORTED
    for _ in range(drifted):
        bus.execute(OpenAccountFactory(initial_deposit=Decimal("1.00")))
    summaries = LIVE.summaries
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(update(summaries).values(balance_cents=summaries.c.balance_cents + 1))
    differences = verify_projections(engine)
    assert len(differences) == MAX_REPORTED
    assert differences.total == drifted
    assert all(d.changes() == {"balance_cents": (101, 100)} for d in differences)


def test_every_column_of_a_statement_line_is_compared(engine: Engine, bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("2.00"), description="rent"))
    lines = LIVE.lines
    tampered = {
        "amount_cents": 2_001,
        "balance_after_cents": 1_201,
        "description": "rant",
        "type": "withdrawal",
    }
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(update(lines).where(lines.c.version == 2).values(tampered))
    [difference] = verify_projections(engine)
    assert difference.key == ("a", 2)
    assert difference.changes() == {
        "amount_cents": (2_001, 200),
        "balance_after_cents": (1_201, 1_200),
        "description": ("rant", "rent"),
        "type": ("withdrawal", "deposit"),
    }
