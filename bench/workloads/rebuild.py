"""`rebuild`: a million events over 10,000 accounts, then a rebuild in a process of its own."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

from bank.store.engine import create_engine
from bench.harness import Report, Stopwatch, fresh_database
from bench.seed import seed_store
from bootstrap import init_db

ACCOUNTS = 10_000
EVENTS_PER_ACCOUNT = 100

_REBUILD = """
import json
from bank.store.engine import create_engine
from bootstrap import Settings
from read_models.rebuild import rebuild_projections
engine = create_engine(Settings.from_env().database_url)
report = rebuild_projections(engine)
print(json.dumps({"events": report.events, "seconds": report.seconds}))
"""


def run(db: str) -> Report:
    """Events per second and the rebuilding process's peak resident memory."""
    with fresh_database(db) as url:
        engine = create_engine(url)
        init_db(engine)
        clock = Stopwatch()
        seeded = seed_store(engine, ACCOUNTS, EVENTS_PER_ACCOUNT)
        seeding = clock.elapsed
        engine.dispose()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        output = subprocess.run(
            [sys.executable, "-c", _REBUILD],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rebuilt = json.loads(output.strip().splitlines()[-1])
    return Report(
        "rebuild",
        db,
        {
            "events seeded": seeded,
            "seeding events/s": seeded / seeding,
            "events rebuilt": rebuilt["events"],
            "rebuild events/s": rebuilt["events"] / rebuilt["seconds"],
            "peak memory of the rebuild, MB": max(peak_kib, before) / 1024,
        },
    )
