"""``docintel check --business B [--business-date YYYY-MM-DD] [--bank-card N] DOC...``: one JSON object on stdout.

Each DOC is one document: a file (image, PDF, TIFF) or a directory whose images are the pages of one document in
name order. The exit status is 0 when the check ran (``passed`` says how it went), non-zero on bad input.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from domain.business import Business


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("docs", nargs="+", type=Path, metavar="DOC", help="a file, or a directory of page images")
    p.add_argument("--business", required=True, choices=[b.value for b in Business], help="business type")
    p.add_argument("--business-date", default=None, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--bank-card", default=None, metavar="NUMBER", help="bank card number (resignation withdrawal)")
    p.add_argument("--property-address", default=None, help="property address as entered at the counter")
    p.add_argument("--engine", default=None, help="OCR engine (default: the configured one)")


def run(args: argparse.Namespace) -> int:
    from checks.business import parse_business
    from checks.engine import parse_business_date
    from config.settings import get_settings
    from pipeline.documents.check import check_case, read_document

    settings = get_settings()
    business = parse_business(args.business)
    day = parse_business_date(args.business_date)  # a bad date fails before any file is read
    inputs = [read_document(path) for path in args.docs]
    result = check_case(
        business=business,
        inputs=inputs,
        business_date=day,
        facts={"bank_card_number": args.bank_card, "property_address": args.property_address},
        engine_name=args.engine,
        settings=settings,
    )
    print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
    return 0
