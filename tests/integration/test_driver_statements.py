"""Statements run on the driver store, and read back, values exactly as Core does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, String, bindparam, cast, insert, select, text

from bank.store.driver import driver_statement
from bank.store.engine import WRITE
from bank.store.event_store import EventStore
from bank.store.schema import idempotency_records as records
from bank.store.types import UTCDateTime
from commands.unit_of_work import UnitOfWork

RECORD = {
    "fingerprint": "f" * 64,
    "command": "DepositMoney",
    "response": {"account_ids": ["acc-1"], "amount": "1.00", "nested": {"n": 1}},
    "recorded_at": datetime(2026, 11, 27, 5, 4, 3, 210_987, tzinfo=UTC),
}
STORED_AS_IS = select(records.c.response, records.c.recorded_at).order_by(records.c.key)


def test_values_bound_on_the_driver_are_stored_as_core_stores_them(engine: Engine) -> None:
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(insert(records), {"key": "by-core", **RECORD})
        driver_statement(insert(records), conn.dialect).run(conn, {"key": "on-driver", **RECORD})
    with engine.connect() as conn:
        plan = driver_statement(STORED_AS_IS, conn.dialect)
        by_core, on_driver = conn.exec_driver_sql(plan.sql).all()  # raw, unconverted
    assert on_driver == by_core


def test_rows_read_on_the_driver_are_converted_as_core_converts_them(engine: Engine) -> None:
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(insert(records), {"key": "k", **RECORD})
    query = select(records.c.response, records.c.recorded_at).where(
        records.c.key == bindparam("key")
    )
    with engine.connect() as conn:
        plan = driver_statement(query, conn.dialect)
        on_driver = plan.convert(plan.run(conn, {"key": "k"})[0])
        by_core = conn.execute(query, {"key": "k"}).one()
        missing = plan.scalar(conn, {"key": "missing"})
    assert on_driver == list(by_core) == [RECORD["response"], RECORD["recorded_at"]]
    assert missing is None


def test_a_bind_whose_name_the_driver_cannot_take_is_escaped_and_still_converted(
    engine: Engine,
) -> None:
    moment = bindparam("taken at (utc)", type_=UTCDateTime)
    query = select(cast(moment, String).label("bound"))
    with engine.connect() as conn:
        plan = driver_statement(query, conn.dialect)
        on_driver = plan.scalar(conn, {"taken at (utc)": RECORD["recorded_at"]})
        by_core = conn.execute(query, {"taken at (utc)": RECORD["recorded_at"]}).scalar_one()
    assert on_driver == by_core


def lose_the_connection_in_a_unit_of_work(engine: Engine) -> None:
    """Start a unit of work, have the server end its session, then run a statement."""
    with (
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin,
        UnitOfWork(engine) as uow,
    ):
        backend = uow.connection.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        EventStore(uow.connection).lock_stream("acc-0")


@pytest.mark.postgres_only
def test_a_lost_connection_surfaces_as_itself_and_the_next_unit_of_work_has_a_new_one(
    engine: Engine,
) -> None:
    with pytest.raises(engine.dialect.loaded_dbapi.OperationalError):  # not the rollback's
        lose_the_connection_in_a_unit_of_work(engine)
    with UnitOfWork(engine) as uow:
        assert EventStore(uow.connection).lock_stream("acc-0") is None
