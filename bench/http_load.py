"""Start the app under gunicorn and load it with wrk; both launched by the benchmark itself."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

WORKERS = 2
CONNECTIONS = 16
THREADS = 2
SECONDS = 15
GUNICORN_OPTIONS = ["--workers", str(WORKERS), "--worker-class", "gthread", "--threads", "4"]


def free_port() -> int:
    """A port on the loopback that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(app: str, ready_path: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve `app` (module:callable) on 127.0.0.1; yield its base URL once every worker
    is ready and the app answers on `ready_path`; stop it afterwards."""
    port = free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "-c", "python:bench.gunicorn_ready"),
        *(*GUNICORN_OPTIONS, "-b", f"127.0.0.1:{port}", app),
    ]
    with tempfile.TemporaryDirectory() as ready:
        process = subprocess.Popen(
            command, env={**os.environ, **(env or {}), "BENCH_READY_DIR": ready}
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until(lambda: len(os.listdir(ready)) >= WORKERS, f"{WORKERS} workers")
            _wait_until(lambda: _answers(base + ready_path), f"an answer on {base}{ready_path}")
            yield base
        finally:
            process.terminate()
            process.wait(10)


def _wait_until(ready: Callable[[], bool], what: str) -> None:
    for _ in range(100):
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn: no {what} after 10 s")


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def minimal_flask() -> Iterator[str]:
    """The minimal Flask handler under the same gunicorn options; yield the URL to load."""
    with gunicorn("bench.minimal_app:app", "/ping") as base:
        yield base + "/ping"


def wrk(url: str, lua: str | None = None, seconds: int = SECONDS) -> dict[str, float]:
    """Requests per second, p50 and p99 in ms, and non-2xx count, from `wrk --latency`."""
    if shutil.which("wrk") is None:
        raise SystemExit("the http benchmarks need wrk: apt-get install wrk")
    command = ["wrk", "--latency", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s"]
    with tempfile.TemporaryDirectory() as folder:
        if lua is not None:
            script = Path(folder) / "script.lua"
            script.write_text(lua)
            command += ["-s", str(script)]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return {
        "requests/s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50 ms": _latency(output, "50"),
        "p99 ms": _latency(output, "99"),
        "non-2xx": float(m.group(1)) if (m := re.search(r"Non-2xx.*?:\s+(\d+)", output)) else 0.0,
    }


def _latency(output: str, pct: str) -> float:
    match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if match is None:
        raise ValueError(f"no {pct}th percentile in wrk output:\n{output}")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
