"""Stored rows → the JSON the API answers with, and back to domain documents for the checks.

A field's effective value is the clerk's latest correction if there is one, else the machine's; both are always
shown, with the evidence (page, box, confidence, file) of the machine reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from domain.models import ExtractedDocument, Field, ReshootRequest
from pipeline.cases.crops import crop_view, current_crops
from storage.models import Case, CheckReportRow, Document, FieldCorrection
from storage.repositories import current_extraction


def latest_corrections(doc: Document) -> dict[str, FieldCorrection]:
    latest: dict[str, FieldCorrection] = {}
    for c in sorted(doc.corrections, key=lambda c: c.id):
        latest[c.field_name] = c
    return latest


def _page_files(result: dict[str, Any]) -> list[str]:
    """The file each page came from, by page index (``Page.source`` may carry ``#n`` for PDF pages)."""
    return [str(p.get("source", "")) for p in result.get("pages", [])]


def _correction_view(c: FieldCorrection) -> dict[str, Any]:
    return {
        "value": c.value,
        "reason": c.reason,
        "corrected_by": c.corrected_by,
        "clerk": c.clerk,
        "corrected_at": c.corrected_at.isoformat(),
        "machine_value": c.machine_value,
        "extraction_version": c.extraction_version,
    }


def field_views(doc: Document) -> dict[str, dict[str, Any]]:
    result = current_extraction(doc).result
    page_files = _page_files(result)
    corrections = latest_corrections(doc)
    views: dict[str, dict[str, Any]] = {}
    for name, f in result.get("fields", {}).items():
        page = f.get("page")
        machine = {
            "value": f.get("value"),
            "confidence": f.get("confidence"),
            "page": page,
            "bbox": f.get("bbox"),
            "file": page_files[page] if isinstance(page, int) and 0 <= page < len(page_files) else None,
        }
        views[name] = {"value": f.get("value"), "source": "machine", "machine": machine, "correction": None}
    for name, c in corrections.items():
        view = views.setdefault(name, {"value": None, "source": "machine", "machine": None, "correction": None})
        view.update(value=c.value, source="correction", correction=_correction_view(c))
    return views


def document_view(doc: Document) -> dict[str, Any]:
    ext = current_extraction(doc)
    result = ext.result
    return {
        "id": doc.id,
        "index": doc.seq,
        "doc_type": doc.doc_type,
        "created_at": doc.created_at.isoformat(),
        "files": [{"position": f.position, "filename": f.filename, "sha256": f.blob_sha256} for f in doc.files],
        "extraction": {
            "version": ext.version,
            "engine": ext.engine,
            "reason": ext.reason,
            "created_at": ext.created_at.isoformat(),
            "classification_confidence": result.get("classification_confidence", 0.0),
            "quality": result.get("quality", {}),
            "warnings": result.get("warnings", []),
            "timing_ms": result.get("timing_ms", {}),
            "pages": result.get("pages", []),
        },
        "versions": [
            {"version": e.version, "engine": e.engine, "reason": e.reason, "created_at": e.created_at.isoformat()}
            for e in doc.extractions
        ],
        "fields": field_views(doc),
        "crops": [crop_view(c) for c in current_crops(doc)],
    }


def report_view(row: CheckReportRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {**row.report, "passed": row.passed, "trigger": row.trigger, "created_at": row.created_at.isoformat()}


def case_view(
    case: Case, *, report: CheckReportRow | None, artifacts: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "id": case.id,
        "branch": case.branch,
        "business_type": case.business_type,
        "business_date": case.business_date,
        "status": case.status,
        "facts": dict(case.facts or {}),
        "created_at": case.created_at.isoformat(),
        "finalized_at": case.finalized_at.isoformat() if case.finalized_at else None,
        "documents": [document_view(d) for d in sorted(case.documents, key=lambda d: d.seq)],
        "check_report": report_view(report),
        "artifacts": artifacts or [],
    }


def to_domain_document(doc: Document) -> ExtractedDocument:
    """The current extraction as a domain document, with the clerk's corrections applied (confidence 1.0; the
    machine's text kept as ``raw``), which is what the checks and the rendered application use."""
    stored = ExtractedDocument.from_json(current_extraction(doc).result)
    fields = dict(stored.fields)
    corrections = latest_corrections(doc)
    for name, c in corrections.items():
        machine = fields.get(name)
        raw = None if machine is None or machine.value is None else str(machine.value)
        fields[name] = (
            replace(machine, value=c.value, confidence=1.0, raw=raw)
            if machine
            else Field(name=name, value=c.value, confidence=1.0)
        )
    return replace(stored, doc_type=doc.doc_type, fields=fields, reshoot=tuple(still_open(stored.reshoot, corrections)))


def still_open(stored: Iterable[ReshootRequest], corrections: Mapping[str, Any]) -> Iterator[ReshootRequest]:
    """The reshoot requests of the stored reading, less the fields the clerk has since corrected by hand."""
    for r in stored:
        fields = tuple(f for f in r.fields if f not in corrections)
        if fields:
            yield replace(r, fields=fields)
