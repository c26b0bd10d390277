"""The bench's `DatabaseTime` sees every statement and commit of a command, then lets go."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from bank.store import engine as ledger_engine
from bank.store.driver import DriverStatement
from bench.database_time import BEGIN, COMMIT, LINES, DatabaseTime
from bootstrap import Ledger
from read_models import accounts
from tests.factories import DepositMoneyFactory, OpenAccountFactory


def test_a_deposit_is_split_into_its_statements_and_commit(ledger: Ledger, engine: Engine) -> None:
    ledger.bus.execute(OpenAccountFactory(account_id="acc-0"))
    with DatabaseTime(engine) as database:
        ledger.bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("1.00")))
    assert database.calls[COMMIT] == 1
    assert database.calls["INSERT INTO events"] == 1
    if engine.dialect.name == "postgresql":  # the summary's UPDATE and the line in one
        assert database.calls["WITH moved AS"] == 1
    else:
        assert database.calls["UPDATE account_summaries SET"] == 1
        assert database.calls[LINES] == 1
    assert database.calls["SELECT streams.version FROM"] == 1
    if engine.dialect.name == "sqlite":
        assert database.calls[BEGIN] == 1
    figures = database.figures(wall_seconds=1.0, per=1)
    assert figures["  in the database"] == sum(database.seconds.values()) * 1e6
    assert figures["  outside it (Python)"] == 1e6 - figures["  in the database"]


def test_detaching_restores_what_it_wrapped(ledger: Ledger, engine: Engine) -> None:
    insert_rows, do_commit = accounts.insert_rows, engine.dialect.do_commit  # type: ignore[attr-defined]
    execute, begin = DriverStatement.execute, ledger_engine.begin_sqlite
    with DatabaseTime(engine) as database:
        pass
    assert accounts.insert_rows is insert_rows  # type: ignore[attr-defined]
    assert engine.dialect.do_commit == do_commit
    assert (DriverStatement.execute, ledger_engine.begin_sqlite) == (execute, begin)
    ledger.bus.execute(OpenAccountFactory(account_id="acc-0"))
    assert not database.calls
