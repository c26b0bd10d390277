"""The bulk paths (COPY, executemany, a command's single INSERT) store what Core stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, String, cast, insert, select

from bank.store.engine import WRITE
from read_models.bulk import COPY_FROM_ROWS, insert_rows
from read_models.summary import Line
from read_models.tables import LIVE


@pytest.mark.parametrize("count", [1, COPY_FROM_ROWS], ids=["one row", "a batch"])
def test_bulk_inserted_lines_equal_core_inserted_ones_even_at_a_whole_second(
    engine: Engine, count: int
):
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
