"""A replay's scratch commits skip the disk flush, and the connection gets its setting back."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine

from read_models.unsynced import unsynced_commits

SETTING = {"sqlite": "PRAGMA synchronous", "postgresql": "SHOW synchronous_commit"}
RELAXED = {"sqlite": 1, "postgresql": "off"}
"""SQLite `NORMAL` (1); PostgreSQL `off`."""


def setting(conn: Connection) -> object:
    with conn.begin():
        return conn.exec_driver_sql(SETTING[conn.dialect.name]).scalar_one()


def test_commits_are_unsynced_within_the_block_and_synced_again_after_it(engine: Engine) -> None:
    with engine.connect() as conn:
        before = setting(conn)
        with unsynced_commits(conn):
            within = setting(conn)
        assert (within, setting(conn)) == (RELAXED[conn.dialect.name], before)
    assert before in (2, "on")


def test_the_setting_comes_back_when_the_block_fails(engine: Engine) -> None:
    with engine.connect() as conn:
        before = setting(conn)
        with pytest.raises(RuntimeError), unsynced_commits(conn):
            raise RuntimeError("replay failed")
        assert setting(conn) == before
