"""The bulk paths (COPY, executemany, a command's single INSERT) store what Core stores."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, String, cast, insert, select

from bank.store.engine import WRITE
from bank.store.schema import events
from commands.bus import CommandBus
from read_models.bulk import COPY_FROM_ROWS, insert_rows
from read_models.rebuild import rebuild_projections
from read_models.summary import COLUMNS, Line
from read_models.tables import LIVE
from tests.factories import OpenAccountFactory


@pytest.mark.parametrize("count", [1, COPY_FROM_ROWS], ids=["one row", "a batch"])
def test_bulk_inserted_lines_equal_core_inserted_ones_even_at_a_whole_second(
    engine: Engine, count: int
) -> None:
    """A whole-second time once lost its `.000000` on SQLite, and sorted apart from Core's."""
    lines = LIVE.lines
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    bulk = Line("bulk", 1, "deposit", 100, 100, "", None, None, at, 1)
    core = bulk._replace(account_id="core")
    others = [bulk._replace(account_id=f"other-{n}") for n in range(1, count)]
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        insert_rows(conn, lines, [bulk, *others])
        conn.execute(insert(lines).values(core._asdict()))
    with engine.connect() as conn:
        stored = {
            account_id: (occurred_at, rendered)
            for account_id, occurred_at, rendered in conn.execute(
                select(lines.c.account_id, lines.c.occurred_at, cast(lines.c.occurred_at, String))
            )
        }
    assert len(stored) == count + 1
    assert stored["bulk"] == stored["core"]
    assert stored["bulk"][0] == at


def test_a_summary_holds_its_values_in_the_table_s_column_order() -> None:
    """Bulk inserts and reads back (`ReplayWriter`) take a summary's values positionally."""
    assert tuple(column.name for column in LIVE.summaries.c) == COLUMNS


def test_a_rebuilt_line_stores_its_event_s_time_exactly_as_the_event_row_holds_it(
    engine: Engine, bus: CommandBus
) -> None:
    """A replay copies `recorded_at` as the driver read it, into a column of the same type."""
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("1.00")))
    rebuild_projections(engine)
    lines = LIVE.lines
    with engine.connect() as conn:
        line_time, event_time = conn.execute(
            select(cast(lines.c.occurred_at, String), cast(events.c.recorded_at, String)).where(
                events.c.position == lines.c.position
            )
        ).one()
    assert line_time == event_time
