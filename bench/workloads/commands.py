"""`commands`: 2,000 accounts, then 20,000 mixed commands through the bus in one process."""

from __future__ import annotations

import time
from collections import Counter

from bench.database_time import DatabaseTime
from bench.harness import Report, Stopwatch, fresh_database, latency_figures
from bench.workloads.mix import COMMANDS, account_ids, execute, open_accounts, random_commands
from bootstrap import Settings, build_ledger, init_db

PROBED = 2_000
"""Commands run after the timed ones with `DatabaseTime` attached, to split their time."""


def run(db: str) -> Report:
    """Commands per second, latency percentiles, and where a command's time goes."""
    with fresh_database(db) as url:
        ledger = build_ledger(Settings(database_url=url))
        init_db(ledger.engine)
        ids = account_ids()
        open_accounts(ledger.bus, ids)
        commands = random_commands(ids, COMMANDS, seed=1)
        outcomes: Counter[str] = Counter()
        latencies = []
        clock = Stopwatch()
        for command in commands:
            started = time.perf_counter()
            outcomes[execute(ledger.bus, command)] += 1
            latencies.append(time.perf_counter() - started)
        elapsed = clock.elapsed
        with DatabaseTime(ledger.engine) as database:
            probe = Stopwatch()
            for command in random_commands(ids, PROBED, seed=2):
                execute(ledger.bus, command)
            probed = probe.elapsed
        ledger.engine.dispose()
    return Report(
        "commands",
        db,
        {
            "commands": len(commands),
            "applied": outcomes["applied"],
            "refused (insufficient funds)": outcomes["refused"],
            "commands/s": len(commands) / elapsed,
            **latency_figures("latency", latencies),
            f"{PROBED:,} more commands, split:": "",
            **database.figures(probed, PROBED),
        },
    )
