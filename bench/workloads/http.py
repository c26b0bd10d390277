"""`http`: the application under gunicorn (2 workers), loaded by wrk on a read and a write."""

from __future__ import annotations

import os
from decimal import Decimal

from bench.harness import Report, fresh_database
from bench.http_load import gunicorn, wrk
from bootstrap import Settings, build_ledger, init_db
from commands.messages import OpenAccount

ACCOUNTS = 100

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


def run(db: str) -> Report:
    """Requests per second and latency of GET account and POST deposit."""
    with fresh_database(db) as url:
        ledger = build_ledger(Settings(database_url=url))
        init_db(ledger.engine)
        for n in range(ACCOUNTS):
            ledger.bus.execute(OpenAccount(f"owner-{n}", Decimal("100.00"), "EUR", f"http-{n:03d}"))
        ledger.engine.dispose()
        env = {"DATABASE_URL": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench")}
        figures: dict[str, float] = {}
        with gunicorn("web:create_app()", "/api/health", env) as base:
            for name, script in (("GET account", GET_ACCOUNT), ("POST deposit", POST_DEPOSIT)):
                for key, value in wrk(base + "/", script).items():
                    figures[f"{name}: {key}"] = value
    return Report("http", db, figures)
