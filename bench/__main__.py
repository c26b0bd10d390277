"""`python -m bench <workload> [--db sqlite|postgres] [--json FILE]`."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

WORKLOADS = ["commands", "concurrent", "load", "rebuild", "http", "limits"]


@click.command()
@click.argument("workload", type=click.Choice([*WORKLOADS, "all"]))
@click.option(
    "--db", type=click.Choice(["sqlite", "postgres"]), default="sqlite", show_default=True
)
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Append figures here.")
def main(workload: str, db: str, json_path: Path | None) -> None:
    """Run a benchmark on a fresh database and print its figures."""
    for name in WORKLOADS if workload == "all" else [workload]:
        module = importlib.import_module(f"bench.workloads.{name}")
        report = module.run("postgresql" if db == "postgres" else db)
        report.print()
        if json_path is not None:
            report.save(json_path)


if __name__ == "__main__":
    main()
