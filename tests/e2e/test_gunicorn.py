"""Production shape: gunicorn with two worker processes on PostgreSQL, under concurrent load."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tests.integration.helpers import all_events, balances_that_do_not_chain

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres_only


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def call(base: str, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    """One HTTP request; the status and the decoded JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture
def server(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """gunicorn, 2 workers, on the test schema (DATABASE_URL carries its search_path)."""
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "SECRET_KEY": "shared-by-every-worker",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with (tmp_path / "gunicorn.log").open("w") as log:
        process = subprocess.Popen(
            [*command, "web:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, process, tmp_path / "gunicorn.log")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /api/health until it answers, or fail with gunicorn's log."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited early:\n{log.read_text()}")
        try:
            if call(base, "GET", "/api/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


def test_concurrent_deposits_through_two_workers_are_neither_lost_nor_doubled(
    server: str, engine: Engine
) -> None:
    call(
        server,
        "POST",
        "/api/accounts",
        {"owner_id": "o", "initial_deposit": 0, "account_id": "hot"},
    )
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(
            pool.map(
                lambda n: call(server, "POST", "/api/accounts/hot/deposits", {"amount": "1.25"}),
                range(120),
            )
        )
    _, account = call(server, "GET", "/api/accounts/hot")
    assert [status for status, _ in answers] == [200] * 120, "writers must queue, not conflict"
    assert account["balance"] == "150.00"
    assert account["transaction_count"] == 121
    events = all_events(engine)
    assert len(events) == 121
    assert balances_that_do_not_chain(events) == []


def test_concurrent_requests_with_one_idempotency_key_apply_exactly_once(server: str) -> None:
    call(
        server, "POST", "/api/accounts", {"owner_id": "o", "initial_deposit": 0, "account_id": "k"}
    )
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(
            pool.map(
                lambda _: call(
                    server,
                    "POST",
                    "/api/accounts/k/deposits",
                    {"amount": 7},
                    Idempotency_Key="once",
                ),
                range(20),
            )
        )
    bodies = [body for status, body in answers if status == 200]
    _, account = call(server, "GET", "/api/accounts/k")
    assert {status for status, _ in answers} <= {200, 409}
    assert bodies
    assert all(body == bodies[0] for body in bodies)
    assert account["balance"] == "7.00"


def test_opposite_transfers_in_parallel_conserve_money_and_do_not_deadlock(server: str) -> None:
    for account_id in ("left", "right"):
        call(
            server,
            "POST",
            "/api/accounts",
            {"owner_id": "o", "initial_deposit": 500, "account_id": account_id},
        )

    def transfer(n: int) -> int:
        source, to = ("left", "right") if n % 2 else ("right", "left")
        body = {"from_account_id": source, "to_account_id": to, "amount": "3.00"}
        return call(server, "POST", "/api/transfers", body)[0]

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(transfer, range(60)))
    left = call(server, "GET", "/api/accounts/left")[1]["balance"]
    right = call(server, "GET", "/api/accounts/right")[1]["balance"]
    assert statuses == [201] * 60
    assert (left, right) == ("500.00", "500.00")
