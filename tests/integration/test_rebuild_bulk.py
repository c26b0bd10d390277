"""The rebuild's bulk paths store exactly what Core stores, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, String, cast, insert, select

from bank.store.engine import WRITE
from read_models.bulk import insert_rows
from read_models.summary import Line
from read_models.tables import LIVE


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
