"""``docintel models assemble``: build the OCR model folders from the installed rapidocr wheel (no download)."""

from __future__ import annotations

import argparse
import json


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["assemble", "show"])


def run(args: argparse.Namespace) -> int:
    from config.settings import get_settings
    from extractors.engines.model_store import assemble_models, model_paths

    model_dir = get_settings().ocr.model_dir
    paths = assemble_models(model_dir) if args.action == "assemble" else model_paths(model_dir)
    print(
        json.dumps(
            {
                "model_dir": str(model_dir),
                "det": str(paths.det_dir),
                "rec": str(paths.rec_dir),
                "version": paths.version,
            }
        )
    )
    return 0
