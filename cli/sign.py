"""``docintel sign [--level B-B|B-T|B-LT|B-LTA] IN.pdf OUT.pdf``: PAdES-sign a PDF with the configured key.

With no configuration it signs with the TEST-ONLY dev PKI and serves the dev TSA/OCSP/CRL on loopback itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.files import read_file
from domain.errors import InputError

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, metavar="IN.pdf")
    p.add_argument("output", type=Path, metavar="OUT.pdf")
    p.add_argument(
        "--level", choices=LEVELS, default=None, help="PAdES level (default: settings.signing.default_level)"
    )
    p.add_argument("--field", default="Seal1", help="signature field name")
    p.add_argument("--invisible", action="store_true", help="no visible seal on the last page")


def run(args: argparse.Namespace) -> int:
    from config.settings import get_settings
    from signing.service import build_signer, sign_pdf

    data = read_file(args.input)
    settings = get_settings()
    signer = build_signer(settings.signing, env=settings.env)
    signed = sign_pdf(data, signer=signer, level=args.level, field_name=args.field, visible=not args.invisible)
    try:
        args.output.write_bytes(signed)
    except OSError as exc:
        raise InputError(f"{args.output} cannot be written ({exc.strerror})", message_zh="无法写入输出文件") from None
    level = args.level or signer.default_level
    print(
        json.dumps(
            {
                "output": str(args.output),
                "level": str(level),
                "signer": signer.key.subject,
                "backend": signer.key.backend,
                "test_only": signer.test_only,
                "bytes": len(signed),
            },
            ensure_ascii=False,
        )
    )
    if signer.test_only:
        print("docintel: signed with the DEV TEST ONLY PKI - not valid outside development", file=sys.stderr)
    return 0
