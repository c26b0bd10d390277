"""`limits`: the machine's own ceilings, measured in the same run as the workloads.

SQLite: one small JSON row per transaction with the project's own PRAGMAs (WAL,
synchronous=FULL). PostgreSQL: `pgbench -b simple-update` with 1 and 4 clients.
Flask: a minimal handler under the same gunicorn settings and wrk load as `http`.
Python: how fast this VM runs plain Python just now, which moves the absolute targets
(commands/s, events/s) and drifts by up to 3x within minutes here.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import make_url

from bank.store.engine import create_engine
from bench.harness import Report, fresh_database
from bench.http_load import minimal_flask, wrk

SQLITE_ROWS = 5_000
PGBENCH_SECONDS = 20
PYTHON_OPERATIONS = 100_000


def python_operation(n: int) -> bool:
    """A little of what the ledger does per event: a dict, a string, a Decimal, a call."""
    data = {"amount": f"{n}.00", "reference": str(n)}
    return Decimal(data["amount"]) >= 0


def python_speed() -> float:
    """Microseconds per `python_operation`, the median of five rounds (lower is faster)."""
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for n in range(PYTHON_OPERATIONS):
            python_operation(n)
        rounds.append((time.perf_counter() - started) / PYTHON_OPERATIONS * 1e6)
    return statistics.median(rounds)


def sqlite_row_per_transaction() -> float:
    """Transactions per second inserting one small JSON row each."""
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'limit.db'}")
        connection = engine.raw_connection()
        cursor = connection.cursor()
        cursor.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
        started = time.perf_counter()
        for n in range(SQLITE_ROWS):
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO rows (data) VALUES (?)", (json.dumps({"n": n}),))
            cursor.execute("COMMIT")
        elapsed = time.perf_counter() - started
        connection.close()
        engine.dispose()
    return SQLITE_ROWS / elapsed


def pgbench(clients: int) -> float:
    """TPS of pgbench's simple-update script on a fresh database."""
    with fresh_database("postgresql") as url:
        parsed = make_url(url)
        target = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432)]
        target += ["-U", parsed.username or "postgres", parsed.database or ""]
        subprocess.run(
            ["pgbench", "-i", "-q", "-s", "10", *target], check=True, capture_output=True
        )
        output = subprocess.run(
            [
                "pgbench",
                "-n",
                "-b",
                "simple-update",
                "-c",
                str(clients),
                "-j",
                str(clients),
                "-T",
                str(PGBENCH_SECONDS),
                *target,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return float(re.search(r"tps = ([\d.]+)", output).group(1))  # type: ignore[union-attr]


def run(db: str) -> Report:
    """Every ceiling, whatever `--db` says: the targets are ratios to them."""
    figures: dict[str, float] = {"Python operation: µs (VM speed, not a limit)": python_speed()}
    figures["SQLite 1 row/transaction: tx/s"] = sqlite_row_per_transaction()
    figures["pgbench simple-update, 1 client: tps"] = pgbench(1)
    figures["pgbench simple-update, 4 clients: tps"] = pgbench(4)
    with minimal_flask() as ping:
        for key, value in wrk(ping).items():
            figures[f"minimal Flask GET: {key}"] = value
    return Report("limits", db, figures)
