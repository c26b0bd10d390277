"""manage.py through click's runner: every command on DATABASE_URL, exit codes scripts trust."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, update

from bank.store.engine import WRITE
from commands.bus import CommandBus
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


def test_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("init-db", "rebuild-projections", "verify-projections", "stats"):
        assert command in result.output


def test_init_db_is_harmless_to_repeat(invoke: Callable[..., Result]):
    for _ in range(2):
        result = invoke("init-db")
        assert (result.exit_code, result.output) == (0, "schema is up to date\n")


def test_init_db_creates_the_default_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init-db"], env={"DATABASE_URL": None})
    assert result.exit_code == 0
    assert (tmp_path / "bank.db").exists()


@pytest.mark.usefixtures("history")
def test_rebuild_reports_how_many_events_it_replayed(invoke: Callable[..., Result]):
    result = invoke("rebuild-projections", "--batch-size", "2", "--projection", "accounts")
    assert result.exit_code == 0, result.output
    assert "rebuilt accounts: 5 events" in result.output


def test_rebuild_refuses_an_unknown_projection_and_a_zero_batch(invoke: Callable[..., Result]):
    assert invoke("rebuild-projections", "--projection", "nonsense").exit_code == 2
    assert invoke("rebuild-projections", "--batch-size", "0").exit_code == 2


@pytest.mark.usefixtures("history")
def test_verify_exits_zero_when_the_read_models_match(invoke: Callable[..., Result]):
    result = invoke("verify-projections")
    assert result.exit_code == 0, result.output
    assert "match" in result.output


@pytest.mark.usefixtures("history")
def test_verify_exits_non_zero_naming_each_difference_until_a_rebuild(
    engine: Engine, invoke: Callable[..., Result]
):
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
def test_stats_show_counts_streams_size_and_projection_lag(invoke: Callable[..., Result]):
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
