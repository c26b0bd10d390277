"""The command line: `python manage.py --help`. Thin click shells over plain functions.

Every command reads DATABASE_URL (default: the SQLite file `bank.db` here) through
`bootstrap.Settings`; add a command with one more `@cli.command`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import click
from sqlalchemy import Engine

from bank.store.engine import WRITE, create_engine
from bank.store.idempotency import IdempotencyStore
from bootstrap import ConfigurationError, Settings, init_db
from read_models.exclusive import ReplayInProgress
from read_models.projection import PROJECTIONS
from read_models.rebuild import rebuild_projections
from read_models.replay import DEFAULT_BATCH_SIZE
from read_models.stats import store_stats
from read_models.verify import verify_projections
from web.serve import serve


@contextmanager
def settings_engine() -> Iterator[Engine]:
    """An engine on DATABASE_URL, disposed of when the command ends."""
    try:
        settings = Settings.from_env()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None
    engine = create_engine(settings.database_url)
    try:
        yield engine
    except ReplayInProgress as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


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
    with settings_engine() as engine:
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
    """Compare the read models with a fresh replay; exit 1 naming every difference."""
    with settings_engine() as engine:
        differences = verify_projections(engine, names, batch_size, show_progress=True)
    if differences:
        for difference in differences:
            click.echo(str(difference), err=True)
        raise click.ClickException(f"{len(differences)} difference(s) from a fresh replay")
    click.echo("read models match a fresh replay of the events")


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
