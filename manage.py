"""The command line: `python manage.py --help`. Thin click shells over plain functions.

Every command reads DATABASE_URL (default: the SQLite file `bank.db` here) through
`bootstrap.Settings`; add a command with one more `@cli.command`.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

import click
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import ArgumentError, DBAPIError

from bank.store.engine import WRITE, create_engine
from bank.store.idempotency import IdempotencyStore
from bank.store.schema import events
from bank.store.write_queue import database_file
from bootstrap import ConfigurationError, Settings, init_db
from read_models.exclusive import ReplayInProgress
from read_models.lock_waits import TableBusy
from read_models.projection import PROJECTIONS
from read_models.rebuild import rebuild_projections
from read_models.replay import DEFAULT_BATCH_SIZE
from read_models.stats import store_stats
from read_models.verify import Differences, verify_projections
from web.serve import serve

EXIT_CANNOT_VERIFY = 3
"""verify-projections could not run its check: not 1 (drift) nor 2 (click's usage error)."""


class CannotVerify(click.ClickException):
    """verify-projections did not compare anything; scripts must not read it as drift."""

    exit_code = EXIT_CANNOT_VERIFY

    def __init__(self, reason: str) -> None:
        super().__init__(f"could not verify: {reason}")


@contextmanager
def settings_engine(*, create: bool = False) -> Iterator[Engine]:
    """An engine on DATABASE_URL, checked to hold a ledger (or, to `create`, to be reachable)."""
    try:
        settings = Settings.from_env()
        engine = create_engine(settings.database_url)
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None
    except (ArgumentError, ValueError) as error:
        raise click.ClickException(f"DATABASE_URL is not a database URL: {error}") from None
    try:
        check_database(engine, create=create)
        yield engine
    except (ReplayInProgress, TableBusy) as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


def check_database(engine: Engine, *, create: bool) -> None:
    """Refuse in one line, before any lock file or table is made, a database with no ledger.

    SQLite would otherwise create the missing file on connecting, and the command would then
    fail on a missing table with a traceback.
    """
    path = database_file(engine)
    if not create and path is not None and not os.path.exists(path):
        raise click.ClickException(
            f"there is no database at {os.path.abspath(path)}: run `manage.py init-db` first"
        )
    try:
        with engine.connect() as conn:
            has_schema = inspect(conn).has_table(events.name)
    except DBAPIError as error:
        reason = " ".join(str(error.orig).split())
        raise click.ClickException(f"cannot connect to {shown(engine)}: {reason}") from None
    if not (create or has_schema):
        raise click.ClickException(
            f"the database at {shown(engine)} has no ledger schema: run `manage.py init-db` first"
        )


def shown(engine: Engine) -> str:
    """The engine's URL as it may be printed: without its password."""
    return engine.url.render_as_string(hide_password=True)


@click.group()
def cli() -> None:
    """Operate the bank ledger on DATABASE_URL (default: sqlite:///bank.db)."""


batch_size_option = click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Events read and written per round trip.",
)
projection_option = click.option(
    "--projection",
    "names",
    multiple=True,
    type=click.Choice(sorted(PROJECTIONS)),
    help="Only this projection (repeatable); all of them by default.",
)


@cli.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the schema; harmless to repeat."""
    with settings_engine(create=True) as engine:
        init_db(engine)
    click.echo("schema is up to date")


@cli.command("rebuild-projections")
@batch_size_option
@projection_option
def rebuild_command(batch_size: int, names: tuple[str, ...]) -> None:
    """Rebuild read models from the events into fresh tables, then swap them in."""
    with settings_engine() as engine:
        report = rebuild_projections(engine, names, batch_size, show_progress=True)
    click.echo(str(report))


@cli.command("verify-projections")
@batch_size_option
@projection_option
def verify_command(batch_size: int, names: tuple[str, ...]) -> None:
    """Compare the read models with a fresh replay; exit 1 naming every difference.

    Exit status: 0 when they match, 1 when they differ, 3 when the check could not run (no
    database or schema, no connection, another verify running, a crash).
    """
    differences = verify(batch_size, names)
    if differences.total:
        for difference in differences:
            click.echo(str(difference), err=True)
        shown = "" if len(differences) == differences.total else f" ({len(differences)} shown)"
        raise click.ClickException(f"{differences.total} difference(s) from a fresh replay{shown}")
    click.echo("read models match a fresh replay of the events")


def verify(batch_size: int, names: Sequence[str]) -> Differences:
    """The differences found; whatever stops the check exits 3, so that 1 always means drift."""
    try:
        with settings_engine() as engine:
            return verify_projections(engine, names, batch_size, show_progress=True)
    except click.ClickException as error:
        raise CannotVerify(error.format_message()) from None
    except KeyboardInterrupt:
        raise CannotVerify("interrupted") from None
    except Exception as error:
        traceback.print_exc()
        raise CannotVerify(
            f"the check crashed with {type(error).__name__} (traceback above)"
        ) from None


@cli.command("stats")
@click.option(
    "--top", type=click.IntRange(min=1), default=5, show_default=True, help="Largest streams shown."
)
def stats_command(top: int) -> None:
    """Events by type, streams, size on disk, projection checkpoints and lag."""
    with settings_engine() as engine, engine.connect() as conn:
        report = store_stats(conn, top)
    for line in report.lines():
        click.echo(line)


@cli.command("purge-idempotency")
@click.option(
    "--older-than",
    "hours",
    type=click.IntRange(min=24),
    default=48,
    show_default=True,
    help="Hours; never under 24, the retention API.md promises.",
)
def purge_idempotency_command(hours: int) -> None:
    """Forget idempotency records older than the given age (run it from cron)."""
    with (
        settings_engine() as engine,
        engine.connect().execution_options(**WRITE) as conn,
        conn.begin(),
    ):
        removed = IdempotencyStore(conn).purge(timedelta(hours=hours))
    click.echo(f"removed {removed} idempotency record(s) older than {hours} hours")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=5000, show_default=True, help="TCP port."
)
def serve_command(host: str, port: int) -> None:
    """Serve the web UI and the JSON API, creating the schema if needed (development server)."""
    serve(host, port)


if __name__ == "__main__":
    cli()
