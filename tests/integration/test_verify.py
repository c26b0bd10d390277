"""Verify: every drift of the read models from the events is reported, and counted."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, update

from bank.store.engine import WRITE
from commands.bus import CommandBus
from read_models.tables import LIVE
from read_models.verify import MAX_REPORTED, verify_projections
from tests.factories import OpenAccountFactory


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
