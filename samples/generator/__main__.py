"""``python -m samples.generator KIND --out DIR [--count N] [--seed S]``: writes captures + ground_truth.json.

Each kind is a module with ``add_arguments(parser)`` and ``run(args)``; add a line to ``GENERATORS`` for a new one.
"""

from __future__ import annotations

import argparse
import importlib
import sys

GENERATORS: dict[str, tuple[str, str]] = {
    "case": ("samples.generator.case", "a whole case (ID card sides + contract), optionally with a planted problem"),
    "registry": ("samples.generator.registry_file", "registry records (公安/房产/税务/社保) agreeing with sample sets"),
    "idcards": ("samples.generator.idcard", "ID-card camera captures (front, back, both sides in one frame)"),
    "scenes": ("samples.generator.scenes", "ID cards on light desks, phone photos, A4 photocopy scans"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.generator", description="fake-identity sample captures")
    sub = parser.add_subparsers(dest="kind", required=True)
    for kind, (module, help_text) in GENERATORS.items():
        p = sub.add_parser(kind, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(p)
    args = parser.parse_args(argv)
    return int(importlib.import_module(args._module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
