"""Extraction use case: files → pages → OCR (or text layer) → classify → fields."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from config.settings import Settings, get_settings
from domain.models import ExtractedDocument, Page
from extractors.document import build_document, engine_version_for, read_page
from extractors.engines import OcrEngine, get_engine
from pipeline.documents.trust_text import text_checks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputFile:
    name: str
    data: bytes


def capture_pages(file: InputFile, settings: Settings) -> list[Page]:
    """All upright pages of one file: camera frames localised and corrected, PDF pages as loaded."""
    from capture import trust
    from capture.frame import prepare_frame
    from capture.load import load_pages
    from capture.score import with_score

    pages: list[Page] = []
    for raw in load_pages(file.data, file.name, settings.capture):
        pages.extend(prepare_frame(raw, settings.capture) if raw.origin in ("camera", "scan") else [raw])
    # Is it the real card (warnings, scores), then the 0-100 quality score from everything measured.
    return [with_score(trust.assess(p, settings.capture.trust)) for p in pages]


def several_documents(pages: Sequence[Page]) -> bool:
    """Whether a file's pages are documents of their own: several cards cut from one camera frame or one
    scanned page (an A4 copy of both sides of an ID card). The pages of a PDF or TIFF are one document."""
    return len(pages) > 1 and len({p.source for p in pages}) == 1


def extract_files(
    files: Sequence[InputFile],
    *,
    doc_type: str | None = None,
    one_document: bool = False,
    engine: OcrEngine | None = None,
    settings: Settings | None = None,
) -> Iterator[ExtractedDocument]:
    """Yields one document per file (a multi-page PDF or TIFF is one document; a frame holding both sides of
    an ID card yields two), or a single document over all files with ``one_document``."""
    for doc, _pages in extract_files_with_pages(
        files, doc_type=doc_type, one_document=one_document, engine=engine, settings=settings
    ):
        yield doc


def extract_files_with_pages(
    files: Sequence[InputFile],
    *,
    doc_type: str | None = None,
    one_document: bool = False,
    engine: OcrEngine | None = None,
    settings: Settings | None = None,
) -> Iterator[tuple[ExtractedDocument, tuple[Page, ...]]]:
    """As ``extract_files``, each document with its pages as they were read (upright, with pixels), for crops."""
    settings = settings or get_settings()
    engine = engine or get_engine(settings=settings.ocr)
    if one_document:
        t0 = time.perf_counter()
        pages = [p for f in files for p in capture_pages(f, settings)]
        capture_ms = (time.perf_counter() - t0) * 1000
        reads = [read_page(p.with_(index=i), engine) for i, p in enumerate(pages)]
        doc = build_document(
            reads,
            sources=[f.name for f in files],
            doc_type=doc_type,
            engine_version=engine_version_for(reads, engine),
            capture_ms=capture_ms,
            review_below=settings.ocr.review_below,
            page_check=text_checks(settings.capture.trust),
        )
        yield doc, tuple(r.page for r in reads)
        return
    for f in files:
        t0 = time.perf_counter()
        pages = capture_pages(f, settings)
        capture_ms = (time.perf_counter() - t0) * 1000
        groups = [[p] for p in pages] if several_documents(pages) else [pages]
        for group in groups:
            reads = [read_page(p.with_(index=i), engine) for i, p in enumerate(group)]
            doc = build_document(
                reads,
                sources=[f.name],
                doc_type=doc_type,
                engine_version=engine_version_for(reads, engine),
                capture_ms=capture_ms / len(groups),
                review_below=settings.ocr.review_below,
                page_check=text_checks(settings.capture.trust),
            )
            yield doc, tuple(r.page for r in reads)
