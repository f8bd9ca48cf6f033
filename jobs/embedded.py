"""One worker beside the API on a single machine (``docintel serve`` / ``make serve``): a ``docintel worker -c 1``
child process on the configured broker, stopped (warm: running tasks finish) when the API stops."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from config.settings import PROJECT_ROOT

log = logging.getLogger(__name__)


@contextmanager
def embedded_worker(*, concurrency: int = 1, grace_s: float = 30.0) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "worker", "-c", str(concurrency), "-n", "embedded@%h"],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
    )
    log.info("embedded worker started (pid %d)", proc.pid)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
