"""manage.py through click's runner: every command on DATABASE_URL, exit codes scripts trust."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, update

from bank.store.engine import WRITE
from bank.store.idempotency import IdempotencyStore
from bank.store.schema import idempotency_records
from commands.bus import CommandBus
from commands.context import CommandContext
from manage import cli
from read_models.tables import LIVE
from tests.factories import DepositMoneyFactory, OpenAccountFactory, TransferMoneyFactory
from tests.integration.read_side import cli_database_url


@pytest.fixture
def invoke(engine: Engine) -> Callable[..., Result]:
    """Run `manage.py <args>` against the test database."""
    url = cli_database_url(engine)

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env={"DATABASE_URL": url})

    return run


@pytest.fixture
def history(bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("50.00")))
    bus.execute(OpenAccountFactory(account_id="b"))
    bus.execute(TransferMoneyFactory(from_account_id="a", to_account_id="b"))
    bus.execute(DepositMoneyFactory(account_id="a"))


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in (
        "init-db",
        "rebuild-projections",
        "verify-projections",
        "stats",
        "purge-idempotency",
        "serve",
    ):
        assert command in result.output


def test_init_db_is_harmless_to_repeat(invoke: Callable[..., Result]) -> None:
    for _ in range(2):
        result = invoke("init-db")
        assert (result.exit_code, result.output) == (0, "schema is up to date\n")


def test_init_db_creates_the_default_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init-db"], env={"DATABASE_URL": None})
    assert result.exit_code == 0
    assert (tmp_path / "bank.db").exists()


@pytest.mark.usefixtures("history")
def test_rebuild_reports_how_many_events_it_replayed(invoke: Callable[..., Result]) -> None:
    result = invoke("rebuild-projections", "--batch-size", "2", "--projection", "accounts")
    assert result.exit_code == 0, result.output
    assert "rebuilt accounts: 5 events" in result.output


def test_rebuild_refuses_an_unknown_projection_and_a_zero_batch(
    invoke: Callable[..., Result],
) -> None:
    assert invoke("rebuild-projections", "--projection", "nonsense").exit_code == 2
    assert invoke("rebuild-projections", "--batch-size", "0").exit_code == 2


@pytest.mark.usefixtures("history")
def test_verify_exits_zero_when_the_read_models_match(invoke: Callable[..., Result]) -> None:
    result = invoke("verify-projections")
    assert result.exit_code == 0, result.output
    assert "match" in result.output


@pytest.mark.usefixtures("history")
def test_verify_exits_non_zero_naming_each_difference_until_a_rebuild(
    engine: Engine, invoke: Callable[..., Result]
) -> None:
    summaries = LIVE.summaries
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(update(summaries).where(summaries.c.account_id == "b").values(version=9))
    result = invoke("verify-projections")
    assert result.exit_code == 1
    assert "account_summaries ('b',): version is 9, events say 2" in result.output
    assert "1 difference(s)" in result.output
    assert invoke("rebuild-projections").exit_code == 0
    assert invoke("verify-projections").exit_code == 0


@pytest.mark.usefixtures("history")
def test_stats_show_counts_streams_size_and_projection_lag(invoke: Callable[..., Result]) -> None:
    result = invoke("stats", "--top", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "events: 5 (head position 5)"
    assert "  TransferSent: 1" in lines
    assert "streams: 2" in lines
    assert "  a: 3 events" in lines
    assert "  b: 2 events" not in lines
    assert any(line.startswith("size on disk: ") for line in lines)
    assert lines[-1] == "projection accounts: checkpoint 5, 0 events behind"


def test_purge_idempotency_forgets_only_records_past_the_age(
    invoke: Callable[..., Result], bus: CommandBus, engine: Engine
) -> None:
    """Ages one record by hand (a maintenance table, not the event store) to stand for time."""
    bus.execute(OpenAccountFactory(account_id="a"), CommandContext(idempotency_key="old"))
    bus.execute(OpenAccountFactory(account_id="b"), CommandContext(idempotency_key="new"))
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(
            update(idempotency_records)
            .where(idempotency_records.c.key == "old")
            .values(recorded_at=datetime.now(UTC) - timedelta(hours=49))
        )
    result = invoke("purge-idempotency", "--older-than", "48")
    assert result.exit_code == 0, result.output
    assert "removed 1 " in result.output
    with engine.connect() as conn:
        store = IdempotencyStore(conn)
        assert (store.get("old"), store.get("new") is not None) == (None, True)


def test_purge_idempotency_refuses_an_age_under_the_promised_24_hours(
    invoke: Callable[..., Result],
) -> None:
    result = invoke("purge-idempotency", "--older-than", "23")
    assert result.exit_code == 2
    assert "23" in result.output


def test_a_bad_setting_is_reported_without_a_traceback(invoke: Callable[..., Result]) -> None:
    result = CliRunner().invoke(cli, ["init-db"], env={"SNAPSHOT_EVERY": "zero"})
    assert result.exit_code == 1
    assert "SNAPSHOT_EVERY" in result.output
    assert "Traceback" not in result.output
