"""The composition root: settings from the environment, the engine, the bus and its publisher.

`web` and `manage.py` build the ledger here, so that neither has to know how the write
side and the read side are wired together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine

from bank.account import CURRENCY
from bank.cache import AccountCache
from bank.store.engine import create_engine
from commands.bus import CommandBus
from commands.unit_of_work import Publisher, UnitOfWork
from read_models.dispatcher import default_dispatcher

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class ConfigurationError(ValueError):
    """An environment variable the ledger cannot run with."""


@dataclass(frozen=True)
class Settings:
    """What the environment may configure (API.md, "Command line")."""

    database_url: str = "sqlite:///bank.db"
    snapshot_every: int = 100
    default_currency: str = "EUR"
    secret_key: str | None = None

    def __post_init__(self) -> None:
        """Refuse a bad configuration at start-up, not at the first request it breaks."""
        if self.snapshot_every < 1:
            raise ConfigurationError("SNAPSHOT_EVERY must be a positive whole number")
        if not CURRENCY.fullmatch(self.default_currency):
            raise ConfigurationError(
                f"DEFAULT_CURRENCY must be three capital letters (ISO 4217), "
                f"not {self.default_currency!r}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read DATABASE_URL, SNAPSHOT_EVERY, DEFAULT_CURRENCY and SECRET_KEY."""
        raw_every = environ.get("SNAPSHOT_EVERY", str(cls.snapshot_every))
        if not raw_every.isascii() or not raw_every.isdigit():
            raise ConfigurationError(f"SNAPSHOT_EVERY must be a whole number, not {raw_every!r}")
        return cls(
            database_url=environ.get("DATABASE_URL", cls.database_url),
            snapshot_every=int(raw_every),
            default_currency=environ.get("DEFAULT_CURRENCY", cls.default_currency),
            secret_key=environ.get("SECRET_KEY") or None,
        )


@dataclass(frozen=True, slots=True)
class Ledger:
    """Everything a process needs to serve commands and queries."""

    settings: Settings
    engine: Engine
    bus: CommandBus


def read_side_publisher() -> Publisher:
    """The synchronous dispatcher that keeps the read models in the command's transaction."""
    return default_dispatcher().dispatch


def build_ledger(
    settings: Settings, engine: Engine | None = None, publish: Publisher | None = None
) -> Ledger:
    """Wire engine, unit of work and bus; `publish` defaults to the read-side dispatcher."""
    engine = engine if engine is not None else create_engine(settings.database_url)
    publisher = publish if publish is not None else read_side_publisher()
    cache = AccountCache()
    bus = CommandBus(
        lambda: UnitOfWork(engine, publisher, cache), settings.snapshot_every, cache=cache
    )
    return Ledger(settings, engine, bus)


def init_db(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to the newest migration (or `revision`); harmless to repeat."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        alembic_command.upgrade(config, revision)
