"""`python manage.py serve` from a fresh checkout: schema created on first start, app answering."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_gunicorn import ROOT, call, free_port, wait_until_healthy


def test_serve_creates_the_default_sqlite_database_and_serves_ui_and_api(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    command = [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            wait_until_healthy(base, process, tmp_path / "serve.log")
            opened = call(
                base,
                "POST",
                "/api/accounts",
                {"owner_id": "user-456", "initial_deposit": "1000", "account_id": "acc-123"},
            )
            health = call(base, "GET", "/api/health")
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert (tmp_path / "bank.db").exists()
    assert health == (200, {"status": "ok", "database": "sqlite"})
    assert opened[0] == 201
    assert "SECRET_KEY is not set" in (tmp_path / "serve.log").read_text()
