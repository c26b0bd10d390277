"""Fixtures: one engine per test on real SQLite and real PostgreSQL, the ledger and its bus.

PostgreSQL tests run whenever TEST_DATABASE_URL points at a server (CI always sets it);
without it they are skipped with that reason, and `.ci/run` fails on any such skip.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from sqlalchemy import Engine

from bootstrap import Ledger, Settings, build_ledger, init_db
from commands.bus import CommandBus
from tests.databases import DIALECTS, fresh_engine, postgres_server_url, postgres_session_database


def pytest_configure(config: pytest.Config) -> None:
    """SIGTERM (a CI timeout, a killed job) ends the run as Ctrl-C does, with teardown, so
    the session's PostgreSQL database is dropped instead of left on the server."""
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A database created for this test session (and dropped after it), or None."""
    server = postgres_server_url()
    if server is None:
        yield None
        return
    with postgres_session_database(server) as url:
        yield url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each database test runs once per dialect; `postgres_only` tests on PostgreSQL alone."""
    if "dialect" in metafunc.fixturenames:
        only_pg = metafunc.definition.get_closest_marker("postgres_only") is not None
        metafunc.parametrize("dialect", ["postgresql"] if only_pg else DIALECTS, indirect=True)


@pytest.fixture
def dialect(request: pytest.FixtureRequest, postgres_url: str | None) -> str:
    """The dialect under test; PostgreSQL is skipped, loudly, when no server is configured."""
    name: str = request.param
    if name == "postgresql" and postgres_url is None:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    return name


@pytest.fixture
def bare_engine(dialect: str, tmp_path: Path, postgres_url: str | None) -> Iterator[Engine]:
    """An engine on an empty database, schema not yet created."""
    with fresh_engine(dialect, tmp_path, postgres_url) as engine:
        yield engine


@pytest.fixture
def engine(bare_engine: Engine) -> Engine:
    """An engine on a database migrated to the newest schema."""
    init_db(bare_engine)
    return bare_engine


@pytest.fixture
def settings() -> Settings:
    """Defaults, with snapshots every 10 events so that tests cross them."""
    return Settings(database_url="unused://", snapshot_every=10, secret_key="test-secret")


@pytest.fixture
def ledger(engine: Engine, settings: Settings) -> Ledger:
    """The wired ledger (write side and read side) on the test database."""
    return build_ledger(settings, engine=engine)


@pytest.fixture
def bus(ledger: Ledger) -> CommandBus:
    """The command bus everything writes through."""
    return ledger.bus
