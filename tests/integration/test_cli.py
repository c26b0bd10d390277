"""manage.py through click's runner: every command on DATABASE_URL, exit codes scripts trust."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, inspect, select, update

from bank.store.engine import WRITE
from bank.store.schema import idempotency_records
from commands.bus import CommandBus
from commands.context import CommandContext
from manage import EXIT_CANNOT_VERIFY, cli
from read_models.exclusive import exclusive_replay
from read_models.tables import LIVE
from read_models.verify import MAX_REPORTED
from read_models.verify import SCRATCH_SUFFIX as VERIFY
from tests.factories import DepositMoneyFactory, OpenAccountFactory, TransferMoneyFactory
from tests.integration.read_side import cli_database_url


@pytest.fixture
def invoke(engine: Engine) -> Callable[..., Result]:
    """Run `manage.py <args>` against the test database."""
    url = cli_database_url(engine)

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env={"DATABASE_URL": url})

    return run


LEDGER_COMMANDS = {
    "stats": 1,
    "verify-projections": EXIT_CANNOT_VERIFY,
    "rebuild-projections": 1,
    "purge-idempotency": 1,
}
"""Commands that need an initialised ledger, and their exit status without one."""


def refused_in_one_line(result: Result, status: int) -> str:
    """Assert a clean refusal (no exception escaped to a traceback); return its stderr line."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == status
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


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


def test_verify_counts_every_difference_when_it_lists_only_the_first(
    engine: Engine, bus: CommandBus, invoke: Callable[..., Result]
) -> None:
    drifted = MAX_REPORTED + 7
    for _ in range(drifted):
        bus.execute(OpenAccountFactory())
    summaries = LIVE.summaries
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(update(summaries).values(version=summaries.c.version + 1))
    result = invoke("verify-projections")
    assert result.exit_code == 1
    assert f"{drifted} difference(s) from a fresh replay ({MAX_REPORTED} shown)" in result.output


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
        assert conn.execute(select(idempotency_records.c.key)).scalars().all() == ["new"]


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


@pytest.mark.parametrize(("command", "status"), LEDGER_COMMANDS.items())
def test_a_command_on_a_missing_sqlite_database_asks_for_init_db_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, status: int
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [command], env={"DATABASE_URL": None})
    line = refused_in_one_line(result, status)
    assert f"no database at {tmp_path / 'bank.db'}: run `manage.py init-db` first" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("command", "status"), LEDGER_COMMANDS.items())
def test_a_command_on_a_database_without_the_schema_asks_for_init_db(
    bare_engine: Engine, command: str, status: int
) -> None:
    with bare_engine.connect():
        pass  # the SQLite file exists, empty
    url = cli_database_url(bare_engine)
    result = CliRunner().invoke(cli, [command], env={"DATABASE_URL": url})
    line = refused_in_one_line(result, status)
    assert "has no ledger schema: run `manage.py init-db` first" in line
    assert inspect(bare_engine).get_table_names() == []


UNREACHABLE = "postgresql://u:secret@127.0.0.1:1/db"
NO_DIRECTORY = "sqlite:///{tmp}/missing/ledger.db"


@pytest.mark.parametrize(
    ("command", "url", "message"),
    [
        ("stats", "nonsense", "DATABASE_URL is not a database URL"),
        ("init-db", UNREACHABLE, "cannot connect to postgresql+psycopg://u:***@127.0.0.1:1/db"),
        ("stats", UNREACHABLE, "cannot connect to postgresql+psycopg://u:***@127.0.0.1:1/db"),
        ("init-db", NO_DIRECTORY, "cannot connect to sqlite:///"),
        ("stats", NO_DIRECTORY, "there is no database at"),
    ],
)
def test_a_database_that_cannot_be_opened_is_reported_in_one_line(
    tmp_path: Path, command: str, url: str, message: str
) -> None:
    env = {"DATABASE_URL": url.format(tmp=tmp_path)}
    result = CliRunner().invoke(cli, [command], env=env)
    assert message in refused_in_one_line(result, 1)
    assert "secret" not in result.output
    assert not (tmp_path / "missing").exists()


@pytest.mark.usefixtures("history")
def test_verify_exits_3_not_1_while_another_verify_runs(
    engine: Engine, invoke: Callable[..., Result]
) -> None:
    with exclusive_replay(engine, VERIFY):
        result = invoke("verify-projections")
    line = refused_in_one_line(result, EXIT_CANNOT_VERIFY)
    assert "could not verify: another verify is running on this database" in line


def test_verify_exits_3_not_1_when_interrupted(
    invoke: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C stands in here for the user: click would otherwise say "Aborted!" and exit 1."""

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("manage.verify_projections", interrupted)
    result = invoke("verify-projections")
    assert result.exit_code == EXIT_CANNOT_VERIFY
    assert "could not verify: interrupted" in result.stderr


@pytest.mark.usefixtures("history")
def test_verify_exits_3_not_1_when_the_check_crashes(
    engine: Engine, invoke: Callable[..., Result]
) -> None:
    """A dropped read-model table stands for any failure inside the check."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        LIVE.summaries.drop(conn)
    result = invoke("verify-projections")
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == EXIT_CANNOT_VERIFY
    assert "Error: could not verify: the check crashed" in result.stderr


def test_verify_help_documents_its_exit_statuses() -> None:
    result = CliRunner().invoke(cli, ["verify-projections", "--help"])
    assert "1 when they differ, 3 when the check could not run" in " ".join(result.output.split())
