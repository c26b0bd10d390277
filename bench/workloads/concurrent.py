"""`concurrent`: the `commands` mix from 4 processes at once; nothing may be lost or doubled."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from bank.store.schema import events
from bench.harness import Report, Stopwatch, fresh_database
from bench.workloads.mix import (
    COMMANDS,
    account_ids,
    events_per_command,
    execute,
    open_accounts,
    random_commands,
)
from bootstrap import Settings, build_ledger, init_db

PROCESSES = 4


def worker(url: str, seed: int, start: Any, results: Any) -> None:
    """Run this process's share of the mix; report outcomes, retries and events appended."""
    ledger = build_ledger(Settings(database_url=url))
    commands = random_commands(account_ids(), COMMANDS // PROCESSES, seed=seed)
    counts: Counter[str] = Counter()
    start.wait()
    for command in commands:
        outcome = execute(ledger.bus, command)
        counts[outcome] += 1
        if outcome == "applied":
            counts["events"] += events_per_command(command)
    counts["retries"] = ledger.bus.retries
    ledger.engine.dispose()
    results.put(dict(counts))


def run(db: str) -> Report:
    """Total throughput, conflicts retried, and the count check: appended == applied."""
    with fresh_database(db) as url:
        ledger = build_ledger(Settings(database_url=url))
        init_db(ledger.engine)
        open_accounts(ledger.bus, account_ids())
        with ledger.engine.connect() as conn:
            before = conn.execute(select(func.count()).select_from(events)).scalar_one()
        ledger.engine.dispose()  # forked children must not share its connections
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(PROCESSES + 1), context.Queue()
        processes = [
            context.Process(target=worker, args=(url, seed, barrier, results))
            for seed in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        barrier.wait()
        clock = Stopwatch()
        totals: Counter[str] = sum((Counter(results.get()) for _ in processes), Counter())
        elapsed = clock.elapsed
        for process in processes:
            process.join()
        with ledger.engine.connect() as conn:
            after = conn.execute(select(func.count()).select_from(events)).scalar_one()
        ledger.engine.dispose()
    done = totals["applied"] + totals["refused"] + totals["conflict"]
    return Report(
        "concurrent",
        db,
        {
            "processes": PROCESSES,
            "commands": done,
            "commands/s": done / elapsed,
            "applied": totals["applied"],
            "refused (insufficient funds)": totals["refused"],
            "conflicts retried": totals["retries"],
            "conflicts reported after retries": totals["conflict"],
            "commands lost or doubled": (after - before) - totals["events"],
        },
    )
