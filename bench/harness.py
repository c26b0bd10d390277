"""What every workload shares: a throwaway database, timing, percentiles, the report."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bank.store.engine import database_url

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_server() -> str:
    """BENCH_DATABASE_URL, or the local server."""
    return database_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES))


@contextmanager
def fresh_database(db: str) -> Iterator[str]:
    """A URL to a new, empty database that is removed afterwards."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_server(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_server()).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def percentile(samples: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def latency_figures(prefix: str, seconds: list[float]) -> dict[str, float]:
    """p50/p99 in milliseconds."""
    return {
        f"{prefix} p50 ms": round(percentile(seconds, 50) * 1000, 3),
        f"{prefix} p99 ms": round(percentile(seconds, 99) * 1000, 3),
    }


@dataclass
class Report:
    """Named figures of one workload run, printed as a table and optionally saved as JSON."""

    workload: str
    db: str
    figures: dict[str, Any] = field(default_factory=dict)

    def print(self) -> None:
        """A readable two-column table."""
        width = max(len(k) for k in self.figures) if self.figures else 10
        print(f"\n{self.workload} on {self.db}")
        print("-" * (width + 18))
        for key, value in self.figures.items():
            shown = (
                f"{value:,.1f}"
                if isinstance(value, float)
                else f"{value:,}"
                if isinstance(value, int)
                else value
            )
            print(f"{key:<{width}}  {shown:>14}")

    def save(self, path: Path) -> None:
        """Append this report to a JSON list in `path`."""
        existing = json.loads(path.read_text()) if path.exists() else []
        existing.append({"workload": self.workload, "db": self.db, **self.figures})
        path.write_text(json.dumps(existing, indent=2))


class Stopwatch:
    """Wall-clock seconds since creation."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def elapsed(self) -> float:
        """Seconds so far."""
        return time.perf_counter() - self.start


def median(values: list[float]) -> float:
    """The median, re-exported so workloads read well."""
    return statistics.median(values)
