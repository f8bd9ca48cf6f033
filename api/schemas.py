"""Request and response bodies, described field by field for the OpenAPI document at /docs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.business import Business
from domain.text import check_plain_text


# --- errors -----------------------------------------------------------------------------------------------
class ValidationItem(BaseModel):
    loc: list[str] = Field(description="where in the request: e.g. ['body', 'business_type']")
    msg: str = Field(description="what is wrong (English)")
    type: str | None = Field(None, description="pydantic error type")


class Problem(BaseModel):
    """RFC 9457 problem details, with the message in English (``detail``) and Chinese (``detail_zh``)."""

    type: str = Field(description="URN naming the problem, e.g. urn:docintel:problem:file_too_large")
    title: str = Field(description="short English summary of the problem type")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="what went wrong, in English, for the engineer")
    detail_zh: str = Field(description="what went wrong, in Chinese, for the clerk")
    code: str = Field(description="stable machine code (same as the end of `type`)")
    instance: str | None = Field(None, description="the request path")
    errors: list[ValidationItem] | None = Field(None, description="each invalid part of the request (422 only)")
    extra: dict[str, Any] | None = Field(None, description="structured detail, e.g. the failed findings")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem+json answers an operation can give."""
    text = {
        400: "bad input (empty file, malformed field, bad Idempotency-Key)",
        401: "missing, unknown or revoked API key",
        403: "the key's role may not do this",
        404: "no such case or document in the key's branch",
        409: "conflict: the case is finalized, or incomplete for finalize",
        413: "upload, image or page count over the configured limit",
        415: "not a supported file type (JPEG, PNG, TIFF, BMP, WebP, PDF)",
        422: "invalid request, corrupt file, unknown document or business type, reused Idempotency-Key",
        503: "busy or timed out, or a dependency (database, signer, TSA) is unavailable; retry",
    }
    return {
        s: {"model": Problem, "description": text.get(s, "error"), "content": {"application/problem+json": {}}}
        for s in statuses
    }


# --- extraction -----------------------------------------------------------------------------------------------
class ExtractedField(BaseModel):
    value: Any = Field(description="normalised value: dates YYYY-MM-DD, money 2-place decimals, ID numbers 18 chars")
    confidence: float = Field(description="0..1")
    page: int | None = Field(None, description="0-based page the value was read from")
    bbox: list[float] | None = Field(None, description="[x0, y0, x1, y1] on that page (px, or pt for PDF text)")


class CropOut(BaseModel):
    kind: Literal["document", "portrait"] = Field(description="the rectified card or page, or the ID card's portrait")
    page: int = Field(description="0-based page of the document")
    media_type: Literal["image/jpeg"] = "image/jpeg"
    width: int
    height: int
    bbox: list[int] = Field(description="[x0, y0, x1, y1] of the crop on the page (px, as field boxes)")
    method: str = Field(description="page, face (refined around a detected face) or layout (the card's photo box)")
    note: str | None = Field(None, description="why a portrait came from the layout box")
    data_base64: str = Field(description="the JPEG, base64")


class ExtractedDocumentOut(BaseModel):
    """The same object as one line of `docintel extract`."""

    source: list[str] = Field(description="file names the document came from")
    doc_type: str = Field(description="id_card_front, id_card_back, purchase_contract, rental_agreement or unknown")
    fields: dict[str, ExtractedField]
    quality: dict[str, Any] = Field(
        description="capture quality: ok, issues (reshoot hints and trust warnings), per-page metrics, per-page 0-100 scores"
    )
    warnings: list[str]
    timing_ms: dict[str, float] = Field(description="milliseconds per stage: capture, ocr, classify, extract, total")
    pages: list[dict[str, Any]] = Field(default_factory=list, description="per page: source, size, unit, text source")
    classification_confidence: float = 0.0
    engine: str = Field("", description="OCR engine and model versions")
    crops: list[CropOut] | None = Field(None, description="only with `?crops=true`: the document's crops")


class ExtractResponse(BaseModel):
    documents: list[ExtractedDocumentOut]


# --- cases ----------------------------------------------------------------------------------------------------
# What the clerk types in: no NUL, control or invisible bidi/zero-width characters (422 names them).
PlainText = Annotated[str, AfterValidator(check_plain_text)]


class CaseFactsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank_card_number: PlainText | None = Field(
        None, max_length=64, description="where the money goes (required for resignation_withdrawal)"
    )
    property_address: PlainText | None = Field(
        None, max_length=500, description="optional; compared with the contract when given"
    )


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    business_type: Business = Field(description="the provident-fund business being applied for")
    business_date: dt.date | None = Field(None, description="date the rules are judged at; default today")
    facts: CaseFactsIn | None = Field(None, description="facts typed in by the clerk")


class CasePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: CaseFactsIn = Field(description="facts to set (others are kept)")


class FieldCorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: PlainText = Field(max_length=2000, description="the clerk's value, normalised like the machine's")
    reason: PlainText = Field(min_length=1, max_length=2000, description="why the machine value is wrong")
    clerk: PlainText | None = Field(None, max_length=64, description="staff number of the clerk, if the key is shared")


class FieldEvidence(BaseModel):
    value: Any = Field(description="what the machine read")
    confidence: float | None = None
    page: int | None = Field(None, description="0-based page within the document")
    bbox: list[float] | None = Field(None, description="[x0, y0, x1, y1] on that page")
    file: str | None = Field(None, description="file (and PDF page) the value was read from")


class CorrectionOut(BaseModel):
    value: Any
    reason: str
    corrected_by: str = Field(description="API key id of the clerk's counter")
    clerk: str | None = None
    corrected_at: str
    machine_value: Any = Field(None, description="the machine's value when the correction was made")
    extraction_version: int


class FieldView(BaseModel):
    value: Any = Field(description="the value in effect: the latest correction, else the machine's")
    source: Literal["machine", "correction"]
    machine: FieldEvidence | None = Field(description="the machine reading with its evidence; never overwritten")
    correction: CorrectionOut | None


class ExtractionInfo(BaseModel):
    version: int = Field(description="extraction version; reprocessing adds a new one beside the old")
    engine: str
    reason: str = Field(description="upload, page_added or reprocess")
    created_at: str
    classification_confidence: float
    quality: dict[str, Any]
    warnings: list[str]
    timing_ms: dict[str, float]
    pages: list[dict[str, Any]]


class VersionInfo(BaseModel):
    version: int
    engine: str
    reason: str
    created_at: str


class FileRef(BaseModel):
    position: int
    filename: str
    sha256: str = Field(description="content address in the blob store")


class CropRef(BaseModel):
    id: int = Field(description="GET /v1/cases/{case}/documents/{document}/crops/{id}.jpg gives the JPEG")
    kind: Literal["document", "portrait"] = Field(description="the rectified card or page, or the ID card's portrait")
    page: int = Field(description="0-based page of the document")
    media_type: str = "image/jpeg"
    width: int
    height: int
    bbox: list[int] = Field(description="[x0, y0, x1, y1] of the crop on the page (px)")
    method: str = Field(description="page, face (refined around a detected face) or layout (the card's photo box)")
    note: str | None = None


class DocumentView(BaseModel):
    id: str
    index: int = Field(description="position in the case; findings refer to it as doc[index]")
    doc_type: str
    created_at: str
    files: list[FileRef]
    extraction: ExtractionInfo
    versions: list[VersionInfo]
    fields: dict[str, FieldView]
    crops: list[CropRef] = Field(default_factory=list, description="crops stored with the document (issue 20)")


class FindingOut(BaseModel):
    rule: str = Field(description="stable rule id, e.g. id_card.check_digit")
    severity: Literal["error", "warning", "info"]
    message: str = Field(description="for the clerk, in Chinese")
    refs: list[str] = Field(description="doc[i] or doc[i].field")
    indication: str | None = Field(None, description="INDETERMINATE when an outside registry could not be asked")


class CheckReportOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    business: str
    business_date: str
    findings: list[FindingOut]
    passed: bool = Field(description="no finding of severity error")
    trigger: str = Field(description="what re-ran the checks: create, upload, correction, facts, finalize")
    created_at: str


class ArtifactOut(BaseModel):
    kind: Literal["application", "receipt"]
    sha256: str
    signature_level: str
    created_at: str
    href: str


class CaseView(BaseModel):
    id: str
    branch: str
    business_type: str
    business_date: str
    status: Literal["open", "finalizing", "finalized"]
    facts: dict[str, str]
    created_at: str
    finalized_at: str | None
    documents: list[DocumentView]
    check_report: CheckReportOut | None = Field(description="the latest check report (null if none yet)")
    artifacts: list[ArtifactOut] = Field(description="signed outputs, once finalized")


class UploadResult(BaseModel):
    case_id: str
    documents: list[DocumentView] = Field(description="the documents created (or extended) by this upload")
    check_report: CheckReportOut | None


class CorrectionResult(BaseModel):
    document: DocumentView
    check_report: CheckReportOut | None


class FinalizeIn(BaseModel):
    """Optional. Needed only when the case's ID card is flagged (`photocopy`, `screen_recapture`, …): without a
    reason such a case answers 409 `override_required` listing the flags."""

    model_config = ConfigDict(extra="forbid")

    override_reason: PlainText | None = Field(
        None, max_length=4000, description="why the clerk finalizes despite the flags (bounded by settings)"
    )
    clerk: PlainText | None = Field(None, max_length=64, description="staff number, when a counter's key is shared")


class OverrideFlag(BaseModel):
    document: str = Field(description="id of the flagged ID card document")
    index: int
    doc_type: str
    page: int | None
    code: str = Field(description="the quality issue code, e.g. photocopy or screen_recapture")


class OverrideOut(BaseModel):
    flags: list[OverrideFlag]
    reason: str = Field(description="as given, with ID numbers masked (it is kept in the audit trail)")
    clerk: str | None


class FinalizeResult(BaseModel):
    case_id: str
    status: Literal["finalized"]
    artifacts: list[ArtifactOut]
    check_report: CheckReportOut | None
    override: OverrideOut | None = Field(None, description="the clerk's override of ID card flags, if one was needed")


# --- signatures --------------------------------------------------------------------------------------------------
class VerificationOut(BaseModel):
    """What `docintel verify` prints, for one uploaded PDF."""

    model_config = ConfigDict(extra="allow")

    sha256: str = Field(description="SHA-256 of the PDF as uploaded")
    valid: bool = Field(description="at least one signature, and every one TOTAL-PASSED")
    signature_count: int
    signatures: list[dict[str, Any]] = Field(
        description="per signature: field, signer, `indication` (TOTAL-PASSED, INDETERMINATE, TOTAL-FAILED), "
        "PAdES level, timestamps, reasons"
    )
    document_timestamps: list[dict[str, Any]] = Field(default_factory=list)
    trust: dict[str, Any] = Field(default_factory=dict, description="the roots and settings validation used")


# --- health -----------------------------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, dict[str, Any]] = Field(description="models, database, blobs, signer: ok and detail")
