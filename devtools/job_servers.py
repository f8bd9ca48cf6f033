"""Real servers and workers for tests and benchmarks: a throwaway Redis (Debian's ``redis-server`` on a free loopback
port, nothing persisted) and ``docintel worker`` processes that can be killed with SIGKILL like a lost machine."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

from config.settings import PROJECT_ROOT, Settings

REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_redis_server() -> str | None:
    return REDIS_SERVER if os.access(REDIS_SERVER, os.X_OK) else shutil.which("redis-server")


class RedisServer:
    def __init__(self, binary: str | None = None) -> None:
        self.binary = binary or find_redis_server()
        if self.binary is None:
            raise FileNotFoundError("redis-server not found (Debian package redis-server)")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="docintel-redis-"))
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 15.0) -> RedisServer:
        import redis

        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return self
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def environment(overrides: Mapping[str, str]):
    """``os.environ`` with ``overrides`` for the duration (to build ``Settings`` exactly as a worker will)."""
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def settings_for(overrides: Mapping[str, str]) -> Settings:
    with environment(overrides):
        return Settings()


class WorkerProcess:
    """``docintel worker`` in its own session (its pool processes die with it on ``kill``)."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        name: str,
        log_dir: Path,
        concurrency: int = 1,
        ocr_threads: int | None = None,
    ) -> None:
        self.name = name
        self.log_path = Path(log_dir) / f"worker-{name}.log"
        self.env = {**os.environ, **env}
        self.argv = [sys.executable, "-m", "cli.main", "worker", "-c", str(concurrency), "-n", f"{name}@%h"]
        if ocr_threads is not None:
            self.argv += ["--ocr-threads", str(ocr_threads)]
        self.proc: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps writing to it
        self.proc = subprocess.Popen(
            self.argv, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    def wait_ready(self, timeout_s: float = 120.0) -> WorkerProcess:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited ({self.proc.returncode}); see {self.log_path}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.1)
        raise TimeoutError(f"worker {self.name} not ready after {timeout_s} s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL to the whole worker (main process and pool): nothing gets to clean up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def stop(self, timeout_s: float = 20.0) -> None:
        """Warm shutdown (SIGTERM to the main process: running tasks finish), then SIGKILL if it takes too long."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
