"""Entry point. Subcommands live in their own modules (``add_arguments`` + ``run``) and are imported lazily,
so ``docintel verify`` does not pay for loading OCR."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from config.logging import setup_logging
from domain.errors import DocintelError

COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("cli.extract", "extract structured fields from documents (JSON Lines on stdout)"),
    "models": ("cli.models", "assemble the local OCR models from the installed wheels"),
}


def register_command(name: str, module: str, help_text: str) -> None:
    COMMANDS[name] = (module, help_text)


def _load_optional_commands() -> None:
    # Commands contributed by other packages; a missing module means that part is not installed.
    for name, module, help_text in [
        ("check", "cli.check", "extract documents and cross-check them for a business"),
        ("sign", "cli.sign", "sign a PDF with PAdES (B-B, B-T, B-LT, B-LTA)"),
        ("verify", "cli.verify", "validate every signature in a PDF"),
        ("serve", "cli.serve", "run the HTTP API with an embedded worker"),
        ("worker", "cli.worker", "run a Celery worker on the configured broker"),
        ("reprocess", "cli.reprocess", "re-run extraction and checks over stored documents"),
        ("keys", "cli.keys", "manage API keys"),
        ("db", "cli.db", "database migrations"),
    ]:
        if importlib.util.find_spec(module) is not None:
            register_command(name, module, help_text)


def build_parser() -> argparse.ArgumentParser:
    _load_optional_commands()
    parser = argparse.ArgumentParser(prog="docintel", description="Document intelligence for provident-fund counters")
    parser.add_argument("--log-level", default=os.environ.get("DOCINTEL_LOG_LEVEL", "WARNING"))
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module_name)
        importlib.import_module(module_name).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_level.upper())
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except DocintelError as exc:
        print(f"docintel: error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("docintel: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
