"""`http`: the application under gunicorn (2 workers), loaded by wrk on a read and a write.

The minimal Flask handler is served beside the application and loaded right before and
after each of its routes, in several short rounds: this machine's speed drifts threefold
within minutes (BENCHMARKS.md), so each ratio is taken against the minimal runs around
it, and the medians over the rounds are reported.
"""

from __future__ import annotations

import os
import statistics
from decimal import Decimal

from bench.harness import Report, fresh_database
from bench.http_load import gunicorn, minimal_flask, wrk
from bootstrap import Settings, build_ledger, init_db
from commands.messages import OpenAccount

ACCOUNTS = 100
ROUNDS = 3
SECONDS = 5
"""Per wrk run: a round is minimal, GET, minimal, POST, minimal."""

_PICK = f"""
math.randomseed(os.time())
local function account()
  return string.format("/api/accounts/http-%03d", math.random(0, {ACCOUNTS - 1}))
end
"""
GET_ACCOUNT = _PICK + "request = function() return wrk.format('GET', account()) end\n"
POST_DEPOSIT = (
    _PICK
    + """
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format("POST", account() .. "/deposits", nil, '{"amount": "1.00"}')
end
"""
)


ROUTES = (("GET account", GET_ACCOUNT), ("POST deposit", POST_DEPOSIT))
Figures = dict[str, float]


def run(db: str) -> Report:
    """Requests per second and latency of GET account and POST deposit, and their ratios."""
    with fresh_database(db) as url:
        ledger = build_ledger(Settings(database_url=url))
        init_db(ledger.engine)
        for n in range(ACCOUNTS):
            ledger.bus.execute(OpenAccount(f"owner-{n}", Decimal("100.00"), "EUR", f"http-{n:03d}"))
        ledger.engine.dispose()
        env = {"DATABASE_URL": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench")}
        with (
            minimal_flask() as ping,
            gunicorn("web:create_app()", "/api/health", env) as app,
        ):
            minimal_runs: list[Figures] = []
            route_runs: dict[str, list[Figures]] = {name: [] for name, _ in ROUTES}
            for _ in range(ROUNDS):
                _round(ping, app, minimal_runs, route_runs)
    return Report("http", db, _summary(minimal_runs, route_runs))


def _round(
    ping: str, app: str, minimal_runs: list[Figures], route_runs: dict[str, list[Figures]]
) -> None:
    """Each route between two runs of the minimal handler, its ratio to their mean."""
    before = wrk(ping, seconds=SECONDS)
    minimal_runs.append(before)
    for name, script in ROUTES:
        figures = wrk(app + "/", script, seconds=SECONDS)
        after = wrk(ping, seconds=SECONDS)
        ceiling = (before["requests/s"] + after["requests/s"]) / 2
        route_runs[name].append({**figures, "% of minimal": 100 * figures["requests/s"] / ceiling})
        minimal_runs.append(after)
        before = after


def _summary(minimal_runs: list[Figures], route_runs: dict[str, list[Figures]]) -> Figures:
    """Medians over the rounds; the minimal handler's spread, to show the drift."""
    rates = [run["requests/s"] for run in minimal_runs]
    figures: Figures = {}
    for name, runs in route_runs.items():
        for key in ("requests/s", "p50 ms", "p99 ms", "% of minimal"):
            figures[f"{name}: {key}"] = statistics.median(run[key] for run in runs)
        figures[f"{name}: non-2xx"] = sum(run["non-2xx"] for run in runs)
    figures["minimal Flask GET: requests/s (median)"] = statistics.median(rates)
    figures["minimal Flask GET: requests/s (lowest)"] = min(rates)
    figures["minimal Flask GET: requests/s (highest)"] = max(rates)
    figures["minimal Flask GET: p99 ms"] = statistics.median(r["p99 ms"] for r in minimal_runs)
    return figures
