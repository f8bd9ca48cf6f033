"""A registry gateway for development and tests: serves the HTTP protocol of ``remote.HttpRegistry`` on loopback
from local records, judging claims with the same code as the local adapter.

``python -m checks.registries.devserver [--file registry.json] [--port 8765]`` runs one in the foreground.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from checks.registries.base import FactQuery, Outcome, Registry, RegistrySource
from checks.registries.local import LocalRegistry


class RegistryServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], registry: Registry, api_key: str | None = None) -> None:
        super().__init__(address, _Handler)
        self.registry = registry
        self.api_key = api_key
        self.requests_seen = 0  # for tests: how many tries reached the server

    def handle_error(self, request: object, client_address: object) -> None:
        # A caller that gave up (its timeout) leaves a closed socket behind: not worth a traceback.
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: RegistryServer

    def log_message(self, format: str, *args: object) -> None:  # the default writes every request to stderr
        pass

    def _answer(self, status: int, body: Mapping[str, object]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.server.requests_seen += 1
        if self.server.api_key and self.headers.get("Authorization") != f"Bearer {self.server.api_key}":
            self._answer(401, {"error": "unauthorized"})
            return
        parts = self.path.strip("/").split("/")
        if len(parts) != 2 or parts[1] != "verify" or parts[0] not in {s.value for s in RegistrySource}:
            self._answer(404, {"error": "no such endpoint"})
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            query = FactQuery(
                RegistrySource(parts[0]), str(body["key"]), {str(k): str(v) for k, v in body["claims"].items()}
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            self._answer(400, {"error": "bad request"})
            return
        v = self.server.registry.verify(query)
        if v.outcome == Outcome.NOT_FOUND:
            self._answer(200, {"found": False})
        else:
            self._answer(200, {"found": True, "mismatched": list(v.mismatched)})


@contextmanager
def running(
    registry: Registry,
    *,
    port: int = 0,
    api_key: str | None = None,
    server_cls: type[RegistryServer] = RegistryServer,
) -> Iterator[RegistryServer]:
    """A server on 127.0.0.1 (a free port unless given) in a background thread, stopped on exit."""
    server = server_cls(("127.0.0.1", port), registry, api_key)
    thread = threading.Thread(target=server.serve_forever, name="registry-devserver", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> None:
    from config.settings import get_settings

    ap = argparse.ArgumentParser(description="serve a local registry file over HTTP on 127.0.0.1")
    sample = Path(__file__).resolve().parents[2] / "samples" / "registry" / "registry.json"
    ap.add_argument("--file", type=Path, default=get_settings().checks.registry_file or sample)
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    registry = LocalRegistry.from_file(args.file)
    server = RegistryServer(("127.0.0.1", args.port), registry)
    print(json.dumps({"url": server.url, "file": str(args.file)}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
