"""``docintel verify FILE.pdf``: validate every signature; prints a JSON report with an ETSI-style
``indication`` per signature. Exit 0 when every signature is TOTAL-PASSED on an unmodified document, 1 otherwise."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli.files import read_file


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE.pdf")
    p.add_argument(
        "--offline", action="store_true", help="use only validation data inside the file (no OCSP/CRL fetch)"
    )


def run(args: argparse.Namespace) -> int:
    from config.settings import get_settings
    from signing.service import verify_pdf

    data = read_file(args.file)
    settings = get_settings()
    report = verify_pdf(
        data, settings=settings.signing, env=settings.env, allow_fetching=False if args.offline else None
    )
    out = {"file": str(args.file), **report.to_dict()}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if report.valid else 1
