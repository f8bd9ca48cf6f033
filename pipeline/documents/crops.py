"""Crops of extracted documents as the API and the CLI hand them out: bounded JPEGs with where they came from.

Which crops a page has is ``capture.crops``'s business; this module only picks the pages and encodes them
(``crops.max_side_px``, ``crops.jpeg_quality``)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from capture.crops import encode_jpeg, page_crops
from config.settings import CropSettings, Settings
from domain.models import ExtractedDocument, Page
from extractors.engines import OcrEngine
from pipeline.documents.extract import InputFile, extract_files_with_pages


@dataclass(frozen=True)
class EncodedCrop:
    kind: str  # document | portrait
    page: int  # 0-based page of its document
    jpeg: bytes
    width: int
    height: int
    bbox: tuple[int, int, int, int]  # on the page, in the page's pixels
    method: str  # page | face | layout
    note: str | None = None

    def detail(self) -> dict[str, Any]:
        d: dict[str, Any] = {"bbox": list(self.bbox), "method": self.method}
        if self.note:
            d["note"] = self.note
        return d

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "page": self.page,
            "media_type": "image/jpeg",
            "width": self.width,
            "height": self.height,
            **self.detail(),
            "data_base64": base64.b64encode(self.jpeg).decode("ascii"),
        }


def document_crops(
    doc_type: str, pages: Sequence[Page], settings: CropSettings, *, first_page: int = 0
) -> list[EncodedCrop]:
    """The crops of a document's pages (``pages`` hold pixels; ``first_page`` is the document page number of
    ``pages[0]``, for pages added to a document later)."""
    out = []
    for i, page in enumerate(pages):
        if first_page + i >= settings.max_pages:
            break
        for c in page_crops(page.image, doc_type=doc_type, page=first_page + i):
            jpeg, w, h = encode_jpeg(c.image, max_side=settings.max_side_px, quality=settings.jpeg_quality)
            out.append(EncodedCrop(c.kind, c.page, jpeg, w, h, c.bbox, c.method, c.note))
    return out


def extract_with_crops(
    files: Sequence[InputFile],
    *,
    doc_type: str | None,
    engine: OcrEngine,
    settings: Settings,
    with_crops: bool = True,
    one_document: bool = False,
) -> list[tuple[ExtractedDocument, list[EncodedCrop]]]:
    """As ``pipeline.documents.extract.extract_files``, each document with its crops (none unless ``with_crops``)."""
    return [
        (doc, document_crops(doc.doc_type, pages, settings.crops) if with_crops else [])
        for doc, pages in extract_files_with_pages(
            files, doc_type=doc_type, engine=engine, settings=settings, one_document=one_document
        )
    ]
