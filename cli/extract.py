"""``docintel extract PATH... [--doc-type T] [--one-document]``: one JSON object per document on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.files import read_file
from domain.errors import InputError
from pipeline.documents.extract import InputFile, extract_files


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--doc-type", default=None, help="skip classification and read as this type")
    p.add_argument("--one-document", action="store_true", help="all PATHs are the pages of one document")
    p.add_argument("--engine", default=None, help="OCR engine (default: the configured one)")


def read_input(path: Path) -> InputFile:
    return InputFile(str(path), read_file(path))


def _progress(total: int):
    from tqdm import tqdm

    # Drawn only on a terminal and for batches, so pipes and CI logs stay clean.
    return tqdm(total=total, unit="file", file=sys.stderr, disable=None if total > 3 else True)


def run(args: argparse.Namespace) -> int:
    from config.settings import get_settings
    from extractors.engines import LazyEngine

    settings = get_settings()
    # Loads once for the whole batch, and only when a page needs OCR: an empty or garbage file is refused
    # before any model is made.
    engine = LazyEngine(args.engine, settings=settings.ocr)
    if args.doc_type:
        from extractors.registry import extractor_for

        extractor_for(args.doc_type)  # an unknown type fails before any file is read
    if args.one_document:
        files = [read_input(p) for p in args.paths]
        for doc in extract_files(files, doc_type=args.doc_type, one_document=True, engine=engine, settings=settings):
            print(json.dumps(doc.to_json(), ensure_ascii=False), flush=True)
        return 0
    failures = 0
    with _progress(len(args.paths)) as bar:
        for path in args.paths:
            try:
                files = [read_input(path)]
                for doc in extract_files(files, doc_type=args.doc_type, engine=engine, settings=settings):
                    print(json.dumps(doc.to_json(), ensure_ascii=False), flush=True)
            except InputError as exc:
                if len(args.paths) == 1:
                    raise  # main() prints it as the one error line
                # One bad file fails itself, not the batch.
                failures += 1
                print(f"docintel: error: {path}: {exc.one_line()}", file=sys.stderr)
            bar.update(1)
    if failures:
        raise _BatchFailed(failures, len(args.paths))
    return 0


class _BatchFailed(InputError):
    code = "some_files_failed"

    def __init__(self, failed: int, total: int) -> None:
        super().__init__(f"{failed} of {total} files could not be read", message_zh=f"{failed}/{total} 个文件无法读取")
