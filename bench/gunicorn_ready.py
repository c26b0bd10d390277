"""gunicorn settings for the benchmarks: each worker says when it is ready to serve.

A worker that is still importing the application when wrk opens its connections gets
none of them (wrk keeps its connections open), and the run measures one worker instead
of two: the minimal handler's first run gave a third of its later figure. `gunicorn()`
waits for every worker's file in `BENCH_READY_DIR`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    """gunicorn's hook, called once the worker has loaded the application."""
    Path(os.environ["BENCH_READY_DIR"], str(worker.pid)).touch()
