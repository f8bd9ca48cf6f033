"""Pages already read, kept per file so that adding page n to a document does not OCR pages 1..n-1 again.

A counter photographs a contract one page at a time and each upload re-extracts the whole document; without this,
the n-th upload costs n OCR passes. Keyed by the file's SHA-256 and the engine version (a new model reads again);
kept in-process and bounded (pixels dropped, only text and geometry kept). A miss — another process, a restart —
just reads the file again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

from config.settings import Settings
from domain.models import ExtractedDocument, Page
from extractors.document import ReadPage, build_document, engine_version_for, read_page
from extractors.engines import OcrEngine
from pipeline.cases import page_pixels
from pipeline.documents.extract import InputFile, capture_pages, several_documents
from pipeline.documents.trust_text import text_checks
from storage.blobs import sha256_hex

MAX_FILES = 512


class PageReadCache:
    def __init__(self, max_files: int = MAX_FILES) -> None:
        self._entries: OrderedDict[tuple[str, str], tuple[tuple[ReadPage, ...], float]] = OrderedDict()
        self._max = max_files
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[ReadPage, ...] | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit[0]
            return None

    def put(self, key: tuple[str, str], reads: Sequence[ReadPage], capture_ms: float) -> None:
        slim = tuple(ReadPage(r.page.with_(image=None), r.ocr, r.ms) for r in reads)
        with self._lock:
            self._entries[key] = (slim, capture_ms)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


_cache = PageReadCache()


def read_file(file: InputFile, *, engine: OcrEngine, settings: Settings) -> tuple[list[ReadPage], float, bool]:
    """Every page of one file, read: (reads, capture ms, whether they came from the cache)."""
    key = (sha256_hex(file.data), engine.version())
    cached = _cache.get(key)
    if cached is not None:
        return list(cached), 0.0, True
    t0 = time.perf_counter()
    pages = capture_pages(file, settings)
    capture_ms = (time.perf_counter() - t0) * 1000
    page_pixels.keep(key[0], pages)  # for the console's page images (a no-op elsewhere)
    reads = [read_page(p.with_(index=i), engine) for i, p in enumerate(pages)]
    _cache.put(key, reads, capture_ms)
    return reads, capture_ms, False


def _several_cards(file: InputFile, reads: Sequence[ReadPage]) -> bool:
    """A camera frame or scanned page that held several cards: each card is its own document (a PDF's pages
    are one)."""
    del file
    return several_documents([r.page for r in reads])


def reads_per_file(
    files: Sequence[InputFile], *, part_of_first: int | None, engine: OcrEngine, settings: Settings
) -> list[tuple[list[ReadPage], float, bool]]:
    """The pages each file gives one document, read (or taken from the cache): (reads, capture ms, cache hit).
    ``part_of_first`` picks one card when the first file was a frame holding several."""
    out = []
    for n, f in enumerate(files):
        reads, capture_ms, hit = read_file(f, engine=engine, settings=settings)
        if n == 0 and part_of_first is not None and _several_cards(f, reads):
            reads = [reads[min(part_of_first, len(reads) - 1)]]
        out.append((reads, capture_ms, hit))
    return out


def extract_pages_of_one_with_pages(
    files: Sequence[InputFile],
    *,
    part_of_first: int | None,
    doc_type: str | None,
    engine: OcrEngine,
    settings: Settings,
) -> tuple[ExtractedDocument, tuple[Page, ...], tuple[int, ...]]:
    """One document over the pages of several files, reusing pages read before (``part_of_first`` picks one card
    when the first file was a frame holding several), with its pages as read (pixels on pages read now, none on
    pages taken from the cache) and how many pages each file gave."""
    reads: list[ReadPage] = []
    counts: list[int] = []
    capture_total = 0.0
    for file_reads, capture_ms, hit in reads_per_file(
        files, part_of_first=part_of_first, engine=engine, settings=settings
    ):
        counts.append(len(file_reads))
        capture_total += capture_ms
        # Pages read earlier cost nothing now: their OCR time is not this request's.
        reads.extend(ReadPage(r.page, r.ocr, 0.0) if hit else r for r in file_reads)
    renumbered = [ReadPage(r.page.with_(index=i), r.ocr, r.ms) for i, r in enumerate(reads)]
    doc = build_document(
        renumbered,
        sources=[f.name for f in files],
        doc_type=doc_type,
        engine_version=engine_version_for(renumbered, engine),
        capture_ms=capture_total,
        review_below=settings.ocr.review_below,
        page_check=text_checks(settings.capture.trust),
    )
    return doc, tuple(r.page for r in renumbered), tuple(counts)


def extract_file_with_pages(
    file: InputFile, *, doc_type: str | None, engine: OcrEngine, settings: Settings
) -> list[tuple[ExtractedDocument, tuple[Page, ...]]]:
    """As ``extract_files`` for one file (several cards in one frame or scanned page are separate documents; the
    pages of a PDF or TIFF are one), leaving its pages in the cache for pages appended later; each document with
    its pages as read (no pixels when they came from the cache)."""
    reads, capture_ms, _ = read_file(file, engine=engine, settings=settings)
    groups = [[r] for r in reads] if _several_cards(file, reads) else [reads]
    out = []
    for group in groups:
        renumbered = [ReadPage(r.page.with_(index=i), r.ocr, r.ms) for i, r in enumerate(group)]
        doc = build_document(
            renumbered,
            sources=[file.name],
            doc_type=doc_type,
            engine_version=engine_version_for(group, engine),
            capture_ms=capture_ms / len(groups),
            review_below=settings.ocr.review_below,
            page_check=text_checks(settings.capture.trust),
        )
        out.append((doc, tuple(r.page for r in renumbered)))
    return out
