"""``docintel extract PATH... [--doc-type T] [--one-document] [--crops DIR]``: one JSON object per document on
stdout. With ``--crops`` each document's crops (the rectified card or page, the ID card's portrait) are written to
DIR as JPEGs and listed in its object under ``crops`` (with their ``path``)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from cli.files import read_file
from domain.errors import InputError
from pipeline.documents.crops import EncodedCrop, extract_with_crops
from pipeline.documents.extract import InputFile


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--doc-type", default=None, help="skip classification and read as this type")
    p.add_argument("--one-document", action="store_true", help="all PATHs are the pages of one document")
    p.add_argument("--engine", default=None, help="OCR engine (default: the configured one)")
    p.add_argument(
        "--crops",
        type=Path,
        default=None,
        metavar="DIR",
        help="write each document's crops (card or page, ID portrait) to DIR as JPEGs and list them under 'crops'",
    )


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
    crops = _CropWriter(args.crops) if args.crops is not None else None

    def extract(files: list[InputFile], one_document: bool) -> None:
        for doc, doc_crops in extract_with_crops(
            files,
            doc_type=args.doc_type,
            engine=engine,
            settings=settings,
            with_crops=crops is not None,
            one_document=one_document,
        ):
            out = doc.to_json()
            if crops is not None:
                out["crops"] = crops.write(Path(files[0].name), doc_crops)
            print(json.dumps(out, ensure_ascii=False), flush=True)

    if args.one_document:
        extract([read_input(p) for p in args.paths], True)
        return 0
    failures = 0
    with _progress(len(args.paths)) as bar:
        for path in args.paths:
            try:
                extract([read_input(path)], False)
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


class _CropWriter:
    """Writes crops as ``NNN-<file stem>-<kind>-p<page>.jpg`` (NNN counts documents over the run)."""

    def __init__(self, directory: Path) -> None:
        if directory.exists() and not directory.is_dir():
            raise InputError(f"--crops {directory} is not a directory", message_zh="--crops 须为目录")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--crops {directory}: {exc.strerror}", message_zh="无法创建 --crops 目录") from None
        self.directory = directory
        self.documents = 0

    def write(self, source: Path, crops: list[EncodedCrop]) -> list[dict[str, Any]]:
        self.documents += 1
        stem = re.sub(r"[^\w.-]+", "_", source.stem)[:60] or "document"
        listed = []
        for c in crops:
            path = self.directory / f"{self.documents:03d}-{stem}-{c.kind}-p{c.page + 1}.jpg"
            path.write_bytes(c.jpeg)
            item = {k: v for k, v in c.to_json().items() if k != "data_base64"}
            listed.append({**item, "path": str(path)})
        return listed


class _BatchFailed(InputError):
    code = "some_files_failed"

    def __init__(self, failed: int, total: int) -> None:
        super().__init__(f"{failed} of {total} files could not be read", message_zh=f"{failed}/{total} 个文件无法读取")
