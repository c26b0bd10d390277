"""One replay per set of scratch tables: a second rebuild or verify is refused, harmlessly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, inspect

from bank.store.engine import WRITE
from commands.bus import CommandBus
from manage import cli
from read_models.exclusive import ReplayInProgress, exclusive_replay
from read_models.projection import PROJECTIONS
from read_models.rebuild import SCRATCH_SUFFIX as REBUILD
from read_models.rebuild import rebuild_projections
from read_models.verify import SCRATCH_SUFFIX as VERIFY
from read_models.verify import verify_projections
from tests.factories import DepositMoneyFactory, OpenAccountFactory
from tests.integration.read_side import cli_database_url, read_models


@pytest.fixture(autouse=True)
def history(bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("5.00")))


def scratch_tables(engine: Engine, suffix: str) -> list[str]:
    """Create the scratch tables a replay with `suffix` would be filling; return their names."""
    tables = [t for p in PROJECTIONS.values() for t in p.table_set(suffix).tables]
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        for table in tables:
            table.create(conn)
    return [t.name for t in tables]


@pytest.mark.parametrize(
    ("suffix", "run"),
    [(REBUILD, rebuild_projections), (VERIFY, verify_projections)],
    ids=["rebuild", "verify"],
)
def test_a_second_replay_is_refused_and_leaves_the_first_ones_tables(
    engine: Engine, suffix: str, run: object
) -> None:
    before = read_models(engine)
    with exclusive_replay(engine, suffix):
        in_progress = scratch_tables(engine, suffix)
        with pytest.raises(ReplayInProgress, match="nothing was changed"):
            run(engine)  # type: ignore[operator]
        assert set(in_progress) <= set(inspect(engine).get_table_names())
    assert read_models(engine) == before


def test_a_rebuild_and_a_verify_may_run_together(engine: Engine) -> None:
    with exclusive_replay(engine, REBUILD):
        assert verify_projections(engine) == []


def test_the_lock_is_free_again_after_a_replay_and_after_a_refusal(engine: Engine) -> None:
    with exclusive_replay(engine, REBUILD), pytest.raises(ReplayInProgress):
        rebuild_projections(engine)
    assert rebuild_projections(engine).events == 2
    assert rebuild_projections(engine).events == 2


def test_the_command_line_says_another_rebuild_is_running(engine: Engine) -> None:
    with exclusive_replay(engine, REBUILD):
        result = CliRunner().invoke(
            cli, ["rebuild-projections"], env={"DATABASE_URL": cli_database_url(engine)}
        )
    assert result.exit_code == 1
    assert "another rebuild is running on this database" in result.output
