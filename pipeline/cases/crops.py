"""Crops stored with a case: made when a page is uploaded (from the pixels just read), kept as JPEG blobs with a
``document_crops`` row each, shown on the console and drawn into the application (the portrait as 证件照).

A page read from the in-process cache carries no pixels (a file uploaded again): its file is captured once more,
which gives the same page (capture is deterministic), turned as the reading turned it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from config.settings import Settings
from domain.errors import DocintelError
from domain.models import ExtractedDocument, Page
from pipeline.documents.crops import EncodedCrop, document_crops
from pipeline.documents.extract import InputFile, capture_pages, several_documents
from storage.blobs import BlobStore
from storage.models import Document, DocumentCrop
from storage.repositories import current_extraction, ensure_blob_row


def crops_of_new_pages(
    doc: ExtractedDocument,
    pages: Sequence[Page],
    numbers: Sequence[int],
    *,
    file: InputFile,
    file_page: Sequence[int],
    settings: Settings,
) -> list[EncodedCrop]:
    """The crops of pages ``numbers`` of ``doc``, all from ``file``: ``pages`` are the document's pages as read
    (pixels where read now), ``file_page[i]`` is which page of ``file`` page ``numbers[i]`` is."""
    chosen: list[Page] = []
    fresh: list[Page] | None = None
    for n, k in zip(numbers, file_page, strict=True):
        page = pages[n] if 0 <= n < len(pages) else None
        if n >= settings.crops.max_pages or (page is not None and page.text_layer is not None):
            continue  # past the pages that get crops, or a PDF text-layer page (no pixels, nothing to capture again)
        if page is None or page.image is None:
            if fresh is None:
                fresh = capture_pages(file, settings)
            if not 0 <= k < len(fresh) or fresh[k].image is None:
                continue  # a PDF text-layer page: no pixels, no crop
            page = fresh[k]
            transforms = doc.pages[n].transforms if n < len(doc.pages) else ()
            if "rotate_180_by_ocr" in transforms:
                page = page.with_(image=np.ascontiguousarray(page.image[::-1, ::-1]))
        chosen.append(page.with_(index=n))
    out: list[EncodedCrop] = []
    for page in chosen:
        out += document_crops(doc.doc_type, [page], settings.crops, first_page=page.index)
    return out


def add_crop_rows(s, doc: Document, crops: Sequence[EncodedCrop], shas: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    """Rows for crops whose bytes are already in the blob store (``shas``, in the same order)."""
    for c, sha in zip(crops, shas, strict=True):
        ensure_blob_row(s, sha256=sha, size=len(c.jpeg), content_type="image/jpeg")
        s.add(
            DocumentCrop(
                document_id=doc.id,
                page=c.page,
                kind=c.kind,
                blob_sha256=sha,
                width=c.width,
                height=c.height,
                detail=c.detail(),
            )
        )


def current_crops(doc: Document) -> list[DocumentCrop]:
    """The crop in effect per page and kind (the latest row), for the document's current pages."""
    pages = len(current_extraction(doc).result.get("pages", []))
    latest: dict[tuple[int, str], DocumentCrop] = {}
    for c in sorted(doc.crops, key=lambda c: c.id):
        if c.page < pages:
            latest[(c.page, c.kind)] = c
    return [latest[k] for k in sorted(latest)]


def crop_view(c: DocumentCrop) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "page": c.page,
        "media_type": "image/jpeg",
        "width": c.width,
        "height": c.height,
        **c.detail,
    }


def case_portrait(blobs: BlobStore, doc: Document, settings: Settings) -> bytes | None:
    """The portrait of an ID card front: the stored crop, or — for a document stored without crops (before
    migration 0006, or read by a package job) — made from its first file captured again. None for other types."""
    if doc.doc_type != "id_card_front":
        return None
    portrait = next((c for c in current_crops(doc) if c.kind == "portrait"), None)
    if portrait is not None:
        return blobs.get(portrait.blob_sha256)
    if not doc.files:
        return None
    first = doc.files[0]
    file = InputFile(first.filename, blobs.get(first.blob_sha256))
    try:
        pages = capture_pages(file, settings)
    except DocintelError:
        return None  # the application is drawn without the photo, as before crops existed
    # As pipeline.cases.page_reads: a camera frame that held several cards gives one document per card.
    several = several_documents(pages)
    pages = [pages[min(doc.part_index, len(pages) - 1)]] if several else pages[:1]
    if not pages or pages[0].image is None:
        return None
    page = pages[0]
    stored = current_extraction(doc).result.get("pages") or [{}]
    if "rotate_180_by_ocr" in (stored[0].get("transforms") or ()):
        page = page.with_(image=np.ascontiguousarray(page.image[::-1, ::-1]))
    crops = document_crops(doc.doc_type, [page.with_(index=0)], settings.crops)
    return next((c.jpeg for c in crops if c.kind == "portrait"), None)
