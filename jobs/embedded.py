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

PARENT_PID_ENV = "DOCINTEL_EMBEDDED_PARENT_PID"


def exit_with_parent() -> None:
    """In an embedded worker: ask the kernel for SIGTERM when the API process dies, even by SIGKILL, so no
    orphaned worker keeps consuming the broker. A no-op for workers started on their own, and off Linux."""
    parent = os.environ.get(PARENT_PID_ENV)
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != int(parent):  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


@contextmanager
def embedded_worker(*, concurrency: int = 1, grace_s: float = 30.0) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "worker", "-c", str(concurrency), "-n", "embedded@%h"],
        cwd=PROJECT_ROOT,
        env={**os.environ, PARENT_PID_ENV: str(os.getpid())},
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
