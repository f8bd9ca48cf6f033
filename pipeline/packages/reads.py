"""A package file read once (capture + OCR, in a worker) and kept as plain JSON, so that documents spanning
several files can be assembled later without reading anything again.

Grouping pages into documents:
- a multi-page PDF or TIFF is one document, and a camera frame holding both sides of an ID card is two (as
  ``pipeline.documents.extract.extract_files`` does);
- across files, a file is a further page of the document before it when both names carry a page number on the same
  stem (``合同_1.jpg``, ``合同_2.jpg``; ``scan-p01.png``, ``scan-p02.png``) and what was read from it is either not
  recognisable on its own (``unknown``) or the same multi-page type. Names alone never merge an ID card into a
  contract, and content alone never merges two files a person did not number as pages of one thing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from config.settings import Settings
from domain.models import DocType, ExtractedDocument, OcrPage, Page, QualityReport, TextLine
from extractors.document import PageCheck, ReadPage, build_document, engine_version_for, read_page
from extractors.engines import OcrEngine
from pipeline.documents.extract import InputFile, capture_pages, several_documents

MULTI_PAGE_TYPES = frozenset({DocType.PURCHASE_CONTRACT.value, DocType.RENTAL_AGREEMENT.value})
_PAGE_SUFFIX = re.compile(
    r"^(?P<stem>.*?)[\s_\-.()（）]*(?:p|page|第)?\s*(?<!\d)(?P<num>\d{1,4})\s*(?:页|\))?$", re.IGNORECASE
)


class RecordedEngine(OcrEngine):
    """Stands for the engine that read the pages earlier: ``build_document`` asks it its version only."""

    name = "recorded"

    def __init__(self, version: str) -> None:
        self._version = version

    def version(self) -> str:
        return self._version

    def recognize(self, image: np.ndarray) -> OcrPage:
        raise RuntimeError("recorded readings cannot read new pages")


def read_file_groups(file: InputFile, *, engine: OcrEngine, settings: Settings) -> tuple[list[list[ReadPage]], float]:
    """The file's pages read, grouped into documents, and the capture time. Same grouping as ``extract_files``."""
    t0 = time.perf_counter()
    pages = capture_pages(file, settings)
    capture_ms = (time.perf_counter() - t0) * 1000
    split = several_documents(pages)
    groups = [[p] for p in pages] if split else [pages]
    return [[read_page(p.with_(index=i), engine) for i, p in enumerate(g)] for g in groups if g], capture_ms


# --- to JSON and back --------------------------------------------------------------------------------------
def read_to_json(r: ReadPage) -> dict[str, Any]:
    p = r.page
    return {
        "index": p.index,
        "source": p.source,
        "width": p.width,
        "height": p.height,
        "unit": p.unit,
        "origin": p.origin,
        "text_layer": p.text_layer is not None,
        "quality": p.quality.to_dict(),
        "phash": p.phash,
        "transforms": list(p.transforms),
        "engine": r.ocr.engine,
        "lines": [ln.to_json() for ln in r.ocr.lines],
        "ms": round(r.ms, 1),
    }


def read_from_json(d: dict[str, Any]) -> ReadPage:
    lines = tuple(TextLine.from_json(ln) for ln in d["lines"])
    page = Page(
        index=d["index"],
        source=d["source"],
        width=d["width"],
        height=d["height"],
        unit=d["unit"],
        origin=d["origin"],
        text_layer=lines if d["text_layer"] else None,
        quality=QualityReport.from_dict(d["quality"]),
        phash=d["phash"],
        transforms=tuple(d["transforms"]),
    )
    return ReadPage(page, OcrPage(lines, d["width"], d["height"], d["engine"]), d["ms"])


# --- assembly ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileReading:
    """What one package file gave: its documents (each a list of page readings) as read on their own."""

    seq: int
    name: str
    sha256: str
    kind: str  # jpeg | png | pdf | …
    groups: tuple[tuple[dict[str, Any], ...], ...]  # page readings (JSON) per document
    doc_types: tuple[str, ...]  # type of each group, as classified alone
    engine_version: str
    capture_ms: float
    signatures: dict[str, Any] | None = None


@dataclass(frozen=True)
class AssembledDocument:
    files: tuple[FileReading, ...]  # in page order; one file unless pages were merged
    part_index: int  # which document of its (first) file
    reads: tuple[dict[str, Any], ...]
    doc_type: str | None  # forced type when merged pages continue a known document


def page_stem(name: str) -> tuple[str, int] | None:
    """``合同_2.jpg`` → (``合同``, 2); None when the name carries no page number."""
    base = name.rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    m = _PAGE_SUFFIX.match(stem)
    if m is None:
        return None
    folder = name.rsplit("/", 1)[0] if "/" in name else ""
    return f"{folder}/{m.group('stem').strip().casefold()}", int(m.group("num"))


def _continues(prev: AssembledDocument, prev_type: str, nxt: FileReading) -> bool:
    if len(nxt.groups) != 1 or nxt.kind == "pdf" or prev_type not in MULTI_PAGE_TYPES:
        return False
    a, b = page_stem(prev.files[-1].name), page_stem(nxt.name)
    if a is None or b is None or a[0] != b[0] or b[1] <= a[1]:
        return False
    return nxt.doc_types[0] in (DocType.UNKNOWN.value, prev_type)


def assemble(files: Sequence[FileReading]) -> list[AssembledDocument]:
    """Pages of all files (in package order) grouped into documents."""
    docs: list[AssembledDocument] = []
    types: list[str] = []
    for f in files:
        if docs and _continues(docs[-1], types[-1], f):
            last = docs[-1]
            docs[-1] = AssembledDocument((*last.files, f), last.part_index, (*last.reads, *f.groups[0]), types[-1])
            continue
        for part, group in enumerate(f.groups):
            docs.append(AssembledDocument((f,), part, group, None))
            types.append(f.doc_types[part])
    return docs


def build_assembled(
    doc: AssembledDocument, *, review_below: float, page_check: PageCheck | None = None
) -> ExtractedDocument:
    """Classify and extract over the assembled pages (renumbered), from the recorded readings."""
    reads = [read_from_json(r) for r in doc.reads]
    reads = [ReadPage(r.page.with_(index=i), r.ocr, r.ms) for i, r in enumerate(reads)]
    first = doc.files[0]
    return build_document(
        reads,
        sources=[f.name for f in doc.files],
        doc_type=doc.doc_type,
        engine_version=engine_version_for(reads, RecordedEngine(first.engine_version)),
        capture_ms=sum(f.capture_ms / max(len(f.groups), 1) for f in doc.files),
        review_below=review_below,
        page_check=page_check,
    )
