"""The pictures the console draws field boxes on: each page of a document as it was read.

Boxes (``Field.bbox``) are in the page's own space: pixels of the upright, cropped page for camera frames and
scans, points for PDF text-layer pages. So the console is shown exactly that page: the stored file captured again
(deterministic: the same bytes give the same crop), not the raw frame; a text-layer page is rendered at the size of
its points. Images are kept in a small in-process cache keyed by file hash.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from domain.errors import Forbidden, NotFound
from domain.models import Page
from pipeline.cases import page_pixels
from pipeline.cases.records import CASE_READERS
from pipeline.console import may_unmask
from pipeline.documents.extract import InputFile, capture_pages, several_documents
from pipeline.keys import Principal
from pipeline.services import CaseServices, audit
from storage.repositories import get_case, get_document

PDF_TEXT_SCALE = 2.0  # pixels per point for a text-layer page
JPEG_QUALITY = 85
_CACHE_FILES = 64

_lock = threading.Lock()
_cache: OrderedDict[str, tuple[tuple[bytes, ...], bool]] = OrderedDict()


def _encode(page: Page, data: bytes) -> bytes:
    import cv2

    image = page.image
    if image is None:  # a text-layer page: render it
        from capture.pdf import render_pdf_page

        number = int(page.source.rsplit("#", 1)[1]) - 1 if "#" in page.source else page.index
        image = render_pdf_page(data, number, PDF_TEXT_SCALE)
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(image), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise NotFound("the page image cannot be shown", message_zh="页面图像无法显示")
    return buf.tobytes()


def _file_pages(sha: str, file: InputFile, svc: CaseServices) -> tuple[tuple[bytes, ...], bool]:
    """The file's pages as JPEGs, and whether it is a camera frame that held several cards."""
    with _lock:
        hit = _cache.get(sha)
        if hit is not None:
            _cache.move_to_end(sha)
            return hit
    pages = page_pixels.take(sha) or capture_pages(file, svc.settings)
    # As pipeline.cases.page_reads: a camera frame that held several cards gives one document per card.
    several = several_documents(pages)
    entry = (tuple(_encode(p, file.data) for p in pages), several)
    with _lock:
        _cache[sha] = entry
        while len(_cache) > _CACHE_FILES:
            _cache.popitem(last=False)
    return entry


def _may_see_images(svc: CaseServices, principal: Principal) -> None:
    """Page images and crops show a card or a face: only roles that read personal data unmasked see them."""
    principal.require(*CASE_READERS)
    if not may_unmask(principal, svc.settings):
        raise Forbidden("this role does not see document images", message_zh="当前角色无权查看材料图像")


def page_image(svc: CaseServices, *, principal: Principal, case_id: str, document_id: str, page: int) -> bytes:
    """Page ``page`` (0-based, as ``Field.page``) of a document as a JPEG. Shown only to roles that may read
    personal data unmasked; audited."""
    _may_see_images(svc, principal)
    with svc.db.session() as s:
        doc = get_document(s, document_id, case_id=get_case(s, case_id, branch=principal.branch).id)
        files = [(f.blob_sha256, f.filename) for f in doc.files]
        part = doc.part_index
        audit(s, principal, "console.page_image", "document", doc.id, page=page)
    seen = 0
    for n, (sha, name) in enumerate(files):
        file = InputFile(name, svc.blobs.get(sha))
        jpegs, several = _file_pages(sha, file, svc)
        if n == 0 and several:
            jpegs = (jpegs[min(part, len(jpegs) - 1)],)
        if page < seen + len(jpegs):
            return jpegs[page - seen]
        seen += len(jpegs)
    raise NotFound(f"the document has {seen} pages; there is no page {page}", message_zh="该页不存在")


def crop_image(svc: CaseServices, *, principal: Principal, case_id: str, document_id: str, crop_id: int) -> bytes:
    """One stored crop (``pipeline.cases.crops``) as JPEG: a card or a face, so shown only to the roles that see
    page images; audited."""
    _may_see_images(svc, principal)
    with svc.db.session() as s:
        doc = get_document(s, document_id, case_id=get_case(s, case_id, branch=principal.branch).id)
        crop = next((c for c in doc.crops if c.id == crop_id), None)
        if crop is None:
            raise NotFound(f"document {doc.id} has no crop {crop_id}", message_zh="该裁剪图不存在")
        sha = crop.blob_sha256
        audit(s, principal, "console.crop_image", "document", doc.id, crop=crop_id, kind=crop.kind)
    return svc.blobs.get(sha)
