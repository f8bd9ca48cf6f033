"""The embedded worker of ``docintel serve`` never outlives the API process, even one killed with SIGKILL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]

_PARENT = """
import time
from jobs.embedded import embedded_worker
with embedded_worker() as worker:
    print(worker.pid, flush=True)
    time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_embedded_worker_exits_when_the_api_process_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT], cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True
    )
    worker_pid = int(parent.stdout.readline())
    try:
        time.sleep(2)  # past the worker's own start-up
        assert not _gone(worker_pid)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 60
        while not _gone(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _gone(worker_pid), "the embedded worker outlived the API process"
    finally:
        parent.kill()
        if not _gone(worker_pid):
            os.kill(worker_pid, 9)
