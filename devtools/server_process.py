"""Runs ``docintel serve`` as a child process on a free loopback port, for ``make demo``, bench/api.py and the
end-to-end tests: the same command an operator runs, over real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from config.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(
        self,
        *,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
        port: int | None = None,
        worker: bool = False,
    ):
        self.port = port or free_port()
        self.worker = worker  # the embedded job worker: only what packages and reprocessing need
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self._proc: subprocess.Popen | None = None
        self._log = None

    def cli(self, *args: str, timeout: float = 120) -> str:
        """Runs a ``docintel`` command with the server's environment; returns its stdout."""
        out = subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            env=self.env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out.returncode != 0:
            raise RuntimeError(f"docintel {' '.join(args)} failed ({out.returncode}): {out.stderr[-2000:]}")
        return out.stdout

    def create_key(self, *, role: str = "counter", branch: str = "B001") -> str:
        return self.cli("keys", "create", "--role", role, "--branch", branch).strip().splitlines()[-1]

    def start(self, *, wait_for: str = "/readyz", timeout_s: float = 180) -> ServerProcess:
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        command = [sys.executable, "-m", "cli.main", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self._proc = subprocess.Popen(
            command if self.worker else [*command, "--no-worker"],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops whatever it started
        )
        deadline = time.monotonic() + timeout_s
        last = "no answer"
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self._proc.returncode}; see {self.log_path}")
            try:
                r = httpx.get(self.base_url + wait_for, timeout=5)
                if r.status_code == 200:
                    return self
                last = f"{r.status_code} {r.text[:500]}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the server was not ready within {timeout_s:.0f} s: {last}")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait(timeout=10)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self._proc = None

    def __enter__(self) -> ServerProcess:
        # ``with ServerProcess(...).start(wait_for=...) as server`` must not start a second server.
        return self if self._proc is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
