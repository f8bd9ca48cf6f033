"""One file read for a caller and answered at once (``POST /v1/extract``): nothing is stored but an audit row, since
the answer carries personal data."""

from __future__ import annotations

from capture.sniff import sniff
from domain.models import ExtractedDocument
from extractors.engines import get_engine
from pipeline.documents.crops import EncodedCrop, extract_with_crops
from pipeline.documents.extract import InputFile
from pipeline.keys import Principal
from pipeline.services import CaseServices, audit


def read_upload(
    svc: CaseServices,
    *,
    principal: Principal,
    filename: str | None,
    data: bytes,
    doc_type: str | None,
    with_crops: bool,
) -> list[tuple[ExtractedDocument, list[EncodedCrop]]]:
    """The file's documents (a frame holding both sides of an ID card gives two), each with its crops when asked."""
    sniff(data)  # garbage is refused here, before it takes a place in the OCR pool
    engine = svc.engine or get_engine(settings=svc.settings.ocr)
    pairs = svc.offload(
        lambda: extract_with_crops(
            [InputFile(filename or "upload", data)],
            doc_type=doc_type or None,
            engine=engine,
            settings=svc.settings,
            with_crops=with_crops,
        )
    )
    with svc.db.session() as s:
        audit(s, principal, "extract", "extract", None, doc_types=[d.doc_type for d, _ in pairs], crops=with_crops)
    return pairs
