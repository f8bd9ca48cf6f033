"""Extraction use case: files → pages → OCR (or text layer) → classify → fields."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from config.settings import Settings, TrustSettings, get_settings
from domain.models import ExtractedDocument, OcrPage, Page, PageInfo
from extractors.engines import OcrEngine, get_engine
from extractors.registry import classify, extractor_for
from pipeline.reshoot import reshoot_requests

log = logging.getLogger(__name__)

# Below this mean line confidence a page capture was unsure of may be upside down; it is read once more turned 180°.
_UPRIGHT_MIN_CONFIDENCE = 0.80


@dataclass(frozen=True)
class InputFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class ReadPage:
    page: Page
    ocr: OcrPage
    ms: float


def _mean_confidence(ocr: OcrPage) -> float:
    if not ocr.lines:
        return 0.0
    weights = [max(len(ln.text), 1) for ln in ocr.lines]
    return sum(ln.confidence * w for ln, w in zip(ocr.lines, weights, strict=True)) / sum(weights)


def read_page(page: Page, engine: OcrEngine) -> ReadPage:
    """OCR one page, or take its PDF text layer as it is (a text-layer page is never OCR'd)."""
    t0 = time.perf_counter()
    if page.text_layer is not None:
        ocr = OcrPage(page.text_layer, page.width, page.height, "pdf_text_layer")
        return ReadPage(page, ocr, (time.perf_counter() - t0) * 1000)
    assert page.image is not None, "a page without a text layer must carry an image"
    ocr = engine.recognize(page.image)
    if not page.upright_known and _mean_confidence(ocr) < _UPRIGHT_MIN_CONFIDENCE:
        # Capture fixes 90/270° from the text direction, and 180° when all its layout cues agree; otherwise
        # 180° is settled by reading the page turned (a page capture is sure of is not read twice).
        turned = np.ascontiguousarray(page.image[::-1, ::-1])
        ocr_turned = engine.recognize(turned)
        if _mean_confidence(ocr_turned) > _mean_confidence(ocr) + 0.05:
            page = page.with_(image=turned, transforms=(*page.transforms, "rotate_180_by_ocr"))
            ocr = ocr_turned
    return ReadPage(page, ocr, (time.perf_counter() - t0) * 1000)


def _page_info(read: ReadPage, index: int) -> PageInfo:
    p = read.page
    return PageInfo(
        index=index,
        source=p.source,
        width=p.width,
        height=p.height,
        unit=p.unit,
        text_source="pdf_text_layer" if p.text_layer is not None else f"ocr:{read.ocr.engine}",
        quality=p.quality,
        phash=p.phash,
        transforms=p.transforms,
    )


def build_document(
    reads: Sequence[ReadPage],
    *,
    sources: Sequence[str],
    doc_type: str | None,
    engine: OcrEngine,
    capture_ms: float,
    review_below: float | None = None,
    trust: TrustSettings | None = None,
) -> ExtractedDocument:
    """Classify (unless the type is given) and extract fields from pages already read. ``review_below`` is the
    confidence under which a value goes on the reshoot list (the configured one when None); ``trust`` the
    thresholds of the text cue of tampering on an ID card front (the configured ones when None)."""
    ocr_pages = [r.ocr for r in reads]
    t0 = time.perf_counter()
    if doc_type is None:
        doc_type, confidence = classify(ocr_pages)
    else:
        extractor_for(doc_type)  # unknown types fail here, before any work
        confidence = 1.0
    t1 = time.perf_counter()
    warnings: list[str] = []
    fields = {}
    unread_on: dict[str, int] = {}
    if doc_type != "unknown":
        extraction = extractor_for(doc_type).extract(ocr_pages)
        fields = dict(extraction.fields)
        unread_on = dict(extraction.unread_on)
        warnings.extend(extraction.warnings)
    if doc_type == "id_card_front":
        from pipeline.trust_text import with_check_digit

        checked = with_check_digit([r.page for r in reads], ocr_pages, fields, trust or get_settings().capture.trust)
        reads = [ReadPage(p, r.ocr, r.ms) for p, r in zip(checked, reads, strict=True)]
    t2 = time.perf_counter()
    for r in reads:
        warnings.extend(f"page {r.page.index}: {i.code}: {i.message_zh}" for i in r.page.quality.issues)
    ocr_ms = sum(r.ms for r in reads)
    pages = tuple(_page_info(r, i) for i, r in enumerate(reads))
    return ExtractedDocument(
        doc_type=doc_type,
        fields=fields,
        source=tuple(dict.fromkeys(sources)),
        pages=pages,
        warnings=tuple(warnings),
        timing_ms={
            "capture": capture_ms,
            "ocr": ocr_ms,
            "classify": (t1 - t0) * 1000,
            "extract": (t2 - t1) * 1000,
            "total": capture_ms + ocr_ms + (t2 - t0) * 1000,
        },
        classification_confidence=confidence,
        engine="pdf_text_layer" if all(r.page.text_layer is not None for r in reads) else engine.version(),
        reshoot=reshoot_requests(
            fields,
            pages,
            required=extractor_for(doc_type).required_fields if doc_type != "unknown" else (),
            review_below=get_settings().ocr.review_below if review_below is None else review_below,
            unread_on=unread_on,
        ),
        unread_on=unread_on,
    )


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
    settings = settings or get_settings()
    engine = engine or get_engine(settings=settings.ocr)
    if one_document:
        t0 = time.perf_counter()
        pages = [p for f in files for p in capture_pages(f, settings)]
        capture_ms = (time.perf_counter() - t0) * 1000
        reads = [read_page(p.with_(index=i), engine) for i, p in enumerate(pages)]
        yield build_document(
            reads,
            sources=[f.name for f in files],
            doc_type=doc_type,
            engine=engine,
            capture_ms=capture_ms,
            review_below=settings.ocr.review_below,
            trust=settings.capture.trust,
        )
        return
    for f in files:
        t0 = time.perf_counter()
        pages = capture_pages(f, settings)
        capture_ms = (time.perf_counter() - t0) * 1000
        # Several cards found in one camera frame are separate documents; pages of a PDF/TIFF are one.
        split = len(pages) > 1 and all(p.origin == "camera" and p.source == f.name for p in pages)
        groups = [[p] for p in pages] if split else [pages]
        for group in groups:
            reads = [read_page(p.with_(index=i), engine) for i, p in enumerate(group)]
            yield build_document(
                reads,
                sources=[f.name],
                doc_type=doc_type,
                engine=engine,
                capture_ms=capture_ms / len(groups),
                review_below=settings.ocr.review_below,
                trust=settings.capture.trust,
            )
