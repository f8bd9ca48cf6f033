"""``docintel serve [--host H] [--port P]``: the HTTP API on uvicorn, one process, models loaded at start-up."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, help="address to listen on (default: api.host, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: api.port, 8000)")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from config.settings import get_settings

    settings = get_settings()
    host = args.host or settings.api.host
    port = args.port if args.port is not None else settings.api.port
    app = create_app(settings)
    # One process: the OCR models are loaded once, and the bounded pool inside it is the concurrency limit.
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), access_log=False)
    return 0
