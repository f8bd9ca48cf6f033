"""Pages already captured → one document: each page read (OCR, or its PDF text layer as it is), the document type
classified, its fields extracted, and what the clerk should reshoot."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from domain.models import ExtractedDocument, Field, OcrPage, Page, PageInfo
from extractors.engines import OcrEngine
from extractors.registry import classify, extractor_for
from extractors.reshoot import reshoot_requests

TEXT_LAYER = "pdf_text_layer"

# (doc_type, pages, what was read on them, the fields) -> the pages, their quality perhaps added to.
PageCheck = Callable[[str, Sequence[Page], Sequence[OcrPage], Mapping[str, Field]], list[Page]]

# Below this mean line confidence a page capture was unsure of may be upside down; it is read once more turned 180°.
_UPRIGHT_MIN_CONFIDENCE = 0.80


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
    engine_version: str,
    capture_ms: float,
    review_below: float,
    page_check: PageCheck | None = None,
) -> ExtractedDocument:
    """Classify (unless the type is given) and extract fields from pages already read. ``engine_version`` is
    what read them (``engine_version_for``); ``review_below`` the confidence under which a value goes on the
    reshoot list; ``page_check`` may add to the pages' quality what only the read fields show (the ID number's
    check digit as a sign of editing), before the warnings are gathered."""
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
    if page_check is not None:
        checked = page_check(doc_type, [r.page for r in reads], ocr_pages, fields)
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
        engine=engine_version,
        reshoot=reshoot_requests(
            fields,
            pages,
            required=extractor_for(doc_type).required_fields if doc_type != "unknown" else (),
            review_below=review_below,
            unread_on=unread_on,
        ),
        unread_on=unread_on,
    )


def engine_version_for(reads: Sequence[ReadPage], engine: OcrEngine) -> str:
    """What read these pages: the PDF text layer when no page needed OCR (a lazy engine is then never loaded)."""
    return TEXT_LAYER if all(r.page.text_layer is not None for r in reads) else engine.version()
