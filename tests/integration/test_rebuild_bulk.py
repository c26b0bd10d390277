"""The rebuild's bulk paths: what they store equals what Core stores, on both databases."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, String, cast, insert, inspect, select

from bank.events import MoneyDeposited
from bank.store.engine import WRITE
from bank.store.event_store import NO_STREAM, EventStore, PendingAppend
from commands.bus import CommandBus
from read_models import keys
from read_models.bulk import insert_rows
from read_models.rebuild import rebuild_projections
from read_models.summary import Line
from read_models.tables import LIVE, account_tables
from read_models.verify import verify_projections
from tests.factories import DepositMoneyFactory, OpenAccountFactory, TransferMoneyFactory
from tests.integration.read_side import read_models


def test_bulk_inserted_lines_equal_core_inserted_ones_even_at_a_whole_second(engine: Engine):
    """A whole-second time once lost its `.000000` on SQLite, and sorted apart from Core's."""
    lines = LIVE.lines
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    bulk = Line("bulk", 1, "deposit", 100, 100, "", None, None, at, 1)
    core = bulk._replace(account_id="core")
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        insert_rows(conn, lines, [bulk])
        conn.execute(insert(lines).values(core._asdict()))
    with engine.connect() as conn:
        stored = {
            account_id: (occurred_at, rendered)
            for account_id, occurred_at, rendered in conn.execute(
                select(lines.c.account_id, lines.c.occurred_at, cast(lines.c.occurred_at, String))
            )
        }
    assert stored["bulk"] == stored["core"]
    assert stored["bulk"][0] == at


@pytest.fixture
def small_history(engine: Engine, bus: CommandBus) -> None:
    for account_id in ("a", "b", "c"):
        bus.execute(OpenAccountFactory(account_id=account_id, initial_deposit=Decimal("50.00")))
    for _ in range(3):
        bus.execute(TransferMoneyFactory(from_account_id="a", to_account_id="c"))
        bus.execute(DepositMoneyFactory(account_id="b", amount=Decimal("1.00")))


@pytest.mark.usefixtures("small_history")
@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_lines_loaded_without_their_key_are_copied_whole_in_any_chunk_size(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, chunk: int
):
    monkeypatch.setattr(keys, "COPY_CHUNK", chunk)
    live = read_models(engine)
    rebuild_projections(engine, batch_size=4)
    assert read_models(engine) == live
    assert verify_projections(engine) == []


@pytest.mark.usefixtures("small_history")
def test_a_failed_rebuild_leaves_no_table_behind_on_any_pooled_connection(engine: Engine):
    """SQLite's TEMP load table would outlive the replay on its pooled connection."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        deposit = MoneyDeposited(Decimal(1), "", "general", None)
        ghost = PendingAppend("ghost", "BankAccount", [deposit], NO_STREAM)
        EventStore(conn).append([ghost], {"actor": "test"})
    for _ in range(2):
        with pytest.raises(LookupError, match="no account summary for 'ghost'"):
            rebuild_projections(engine, batch_size=2)
    scratch = {table.name for table in account_tables("_rebuild").tables}
    assert not scratch & set(inspect(engine).get_table_names())
    with ExitStack() as stack:
        pooled = [stack.enter_context(engine.connect()) for _ in range(engine.pool.checkedin())]
        assert [inspect(conn).get_temp_table_names() for conn in pooled] == [[]] * len(pooled)
