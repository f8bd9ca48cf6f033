"""``docintel serve [--host H] [--port P] [--no-worker]``: the HTTP API on uvicorn (one process, models loaded at
start-up) and, unless told otherwise, one embedded job worker beside it for packages and reprocessing."""

from __future__ import annotations

import argparse
from contextlib import nullcontext


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, help="address to listen on (default: api.host, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: api.port, 8000)")
    p.add_argument("--no-worker", action="store_true", help="API only: job workers run elsewhere (docintel worker)")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.http_protocol import protocol_with_header_timeout
    from config.settings import get_settings

    settings = get_settings()
    host = args.host or settings.api.host
    port = args.port if args.port is not None else settings.api.port
    app = create_app(settings)  # fails here, before listening, if the configuration is wrong
    if args.no_worker:
        worker = nullcontext()
    else:
        from jobs.embedded import embedded_worker

        worker = embedded_worker()
    with worker:
        # One process: the OCR models are loaded once, and the bounded pool inside it is the concurrency limit.
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level=settings.log_level.lower(),
            access_log=False,
            # Slow clients: headers within api.header_timeout_s, at most 16 KiB of them, idle keep-alive closed.
            http=protocol_with_header_timeout(settings.api.header_timeout_s),
            h11_max_incomplete_event_size=settings.api.max_header_bytes,
            timeout_keep_alive=settings.api.keep_alive_s,
        )
    return 0
