"""The result tree: OCR lines → pages → extracted documents → check reports.

Every type is frozen; a stage returns a new object and never edits one it was given. Coordinates are in the
page's own space: pixels of the upright, cropped page image for camera frames and scans, PDF points for pages
read from a PDF text layer (``PageInfo.unit`` says which).
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1


def _frozen_map(m: Mapping | None) -> Mapping:
    return MappingProxyType(dict(m or {}))


def _unpickle_map(d: dict) -> Mapping:
    return MappingProxyType(d)


# Frozen maps pickle as their dict and come back frozen, so a page read in a child process (capture/isolate.py)
# travels back whole; pickle refuses a mappingproxy by default.
copyreg.pickle(MappingProxyType, lambda m: (_unpickle_map, (dict(m),)))


class DocType(StrEnum):
    ID_CARD_FRONT = "id_card_front"
    ID_CARD_BACK = "id_card_back"
    PURCHASE_CONTRACT = "purchase_contract"
    RENTAL_AGREEMENT = "rental_agreement"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# --- capture ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QualityIssue:
    """One problem with a frame, like the warnings of commercial ID-card OCR APIs."""

    code: str  # machine code, e.g. "blurry", "glare", "too_dark", "cut_off", "too_small"
    message_zh: str  # reshoot hint shown to the clerk
    severity: Severity = Severity.WARNING
    value: float | None = None  # the measured metric that triggered it

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message_zh, "severity": str(self.severity), "value": self.value}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> QualityIssue:
        # "message_zh": package readings stored before the one encoding.
        message = d.get("message", d.get("message_zh", ""))
        return cls(str(d["code"]), str(message), Severity(d.get("severity", Severity.WARNING)), d.get("value"))


@dataclass(frozen=True)
class QualityReport:
    issues: tuple[QualityIssue, ...] = ()
    metrics: Mapping[str, float] = field(default_factory=dict)
    score: int | None = None  # 0-100, how well the page can be read (capture/score.py); None when not judged

    def __post_init__(self) -> None:
        object.__setattr__(self, "metrics", _frozen_map(self.metrics))

    @property
    def ok(self) -> bool:
        return not any(i.severity == Severity.ERROR for i in self.issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "issues": [i.to_dict() for i in self.issues],
            "metrics": {k: round(float(v), 4) for k, v in self.metrics.items()},
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> QualityReport:
        return cls(
            issues=tuple(QualityIssue.from_dict(i) for i in d.get("issues", ())),
            metrics={k: float(v) for k, v in d.get("metrics", {}).items()},
            score=d.get("score"),
        )


Candidates = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class TextLine:
    """One line of text with where it stands. From an OCR engine or a PDF text layer."""

    text: str
    confidence: float
    bbox: BBox
    polygon: tuple[tuple[float, float], ...] | None = None
    # Per character of ``text``, what the recogniser also considered there: (character, probability), best
    # first. Lets a reader whose value can only hold a few characters (大写 amounts) pick the likeliest of
    # those. None when the engine cannot tell (Tesseract, PDF text layers).
    candidates: tuple[Candidates, ...] | None = None

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    def to_json(self) -> list[Any]:
        """Compact, for the many lines a package job keeps: [text, confidence, bbox(, candidates)]."""
        out: list[Any] = [self.text, round(self.confidence, 4), [round(v, 1) for v in self.bbox]]
        if self.candidates is not None:
            out.append([[[c, p] for c, p in cands] for cands in self.candidates])
        return out

    @classmethod
    def from_json(cls, d: Sequence[Any]) -> TextLine:
        text, confidence, bbox = d[:3]
        cands = tuple(tuple((c, p) for c, p in per_char) for per_char in d[3]) if len(d) > 3 else None
        return cls(text, confidence, tuple(bbox), candidates=cands)


@dataclass(frozen=True, eq=False)
class Page:
    """One upright page ready to read: an image to OCR, or a text layer already read from a PDF.

    ``image`` is a BGR uint8 array (OpenCV order); it is None only for a text-layer page that was not
    rasterised. ``text_layer`` is set when the text came from the PDF itself, so no OCR is needed.
    """

    index: int  # 0-based position in its document
    source: str  # file name (and page within it, e.g. "contract.pdf#3")
    width: float
    height: float
    unit: str = "px"  # "px" for images, "pt" for PDF text-layer pages
    origin: str = "camera"  # "camera" (a photo to localise), "scan" (a rasterised PDF page), "pdf_text"
    image: np.ndarray | None = None
    text_layer: tuple[TextLine, ...] | None = None
    quality: QualityReport = field(default_factory=QualityReport)
    phash: str | None = None  # perceptual hash of the page image, for duplicate detection
    transforms: tuple[str, ...] = ()  # what capture did: "exif_rotate_90", "perspective", "rotate_180", ...
    upright_known: bool = False  # capture's layout cues all agreed the page stands upright (no 180° re-read)

    def with_(self, **changes: Any) -> Page:
        from dataclasses import replace

        return replace(self, **changes)


@dataclass(frozen=True)
class OcrPage:
    """What an OCR engine read from one page image (or what a PDF text layer holds)."""

    lines: tuple[TextLine, ...]
    width: float
    height: float
    engine: str  # "paddle", "rapidocr", "tesseract", "pdf_text_layer", ...

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --- extraction ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One extracted value with its evidence. ``value`` is normalised (ISO dates, 2-place decimals, ...)."""

    name: str
    value: Any  # usually str; a list of dicts for repeated groups such as ``buyers``
    confidence: float
    page: int | None = None
    bbox: BBox | None = None
    raw: str | None = None  # the text as read, before normalisation

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(float(self.confidence), 4),
            "page": self.page,
            "bbox": [round(float(v), 1) for v in self.bbox] if self.bbox is not None else None,
        }

    @classmethod
    def from_dict(cls, name: str, d: Mapping[str, Any]) -> Field:
        bbox = d.get("bbox")
        return cls(
            name, d.get("value"), float(d.get("confidence") or 0.0), d.get("page"), tuple(bbox) if bbox else None
        )


@dataclass(frozen=True)
class PageInfo:
    """What is kept of a page once it has been read (no pixels)."""

    index: int
    source: str
    width: float
    height: float
    unit: str
    text_source: str  # "ocr:<engine>" or "pdf_text_layer"
    quality: QualityReport = field(default_factory=QualityReport)
    phash: str | None = None
    transforms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "source": self.source,
            "size": [round(self.width, 1), round(self.height, 1)],
            "unit": self.unit,
            "text_source": self.text_source,
            "phash": self.phash,
            "transforms": list(self.transforms),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], quality: QualityReport | None = None) -> PageInfo:
        """``quality`` is kept at the document's level in JSON (``ExtractedDocument.quality``)."""
        width, height = d.get("size") or (0.0, 0.0)
        return cls(
            index=int(d["index"]),
            source=str(d.get("source", "")),
            width=float(width),
            height=float(height),
            unit=str(d.get("unit", "px")),
            text_source=str(d.get("text_source", "")),
            quality=quality or QualityReport(),
            phash=d.get("phash"),
            transforms=tuple(d.get("transforms", ())),
        )


@dataclass(frozen=True)
class ReshootRequest:
    """Fields the clerk should check, and the page to photograph again if the picture is at fault. ``page``
    is None for required fields found on no page: the clerk knows which page holds them, docintel does not."""

    page: int | None
    fields: tuple[str, ...]
    hint_zh: str

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "fields": list(self.fields), "hint_zh": self.hint_zh}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReshootRequest:
        return cls(d.get("page"), tuple(d.get("fields", ())), str(d.get("hint_zh", "")))


@dataclass(frozen=True)
class ExtractedDocument:
    """One document: its type, fields with evidence, and how it was read. The CLI prints ``to_json()``."""

    doc_type: str
    fields: Mapping[str, Field]
    source: tuple[str, ...]
    pages: tuple[PageInfo, ...] = ()
    warnings: tuple[str, ...] = ()
    timing_ms: Mapping[str, float] = field(default_factory=dict)
    classification_confidence: float = 0.0
    engine: str = ""
    reshoot: tuple[ReshootRequest, ...] = ()
    # Required fields not read whose label was found: field → page of the label (what ``reshoot`` was made from).
    unread_on: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", _frozen_map(self.fields))
        object.__setattr__(self, "timing_ms", _frozen_map(self.timing_ms))
        object.__setattr__(self, "unread_on", _frozen_map(self.unread_on))

    def value(self, name: str, default: Any = None) -> Any:
        f = self.fields.get(name)
        return f.value if f is not None else default

    @property
    def quality(self) -> dict[str, Any]:
        issues = [i.to_dict() | {"page": p.index} for p in self.pages for i in p.quality.issues]
        return {
            "ok": all(p.quality.ok for p in self.pages),
            "issues": issues,
            "pages": [p.quality.to_dict()["metrics"] for p in self.pages],
            "scores": [p.quality.score for p in self.pages],  # 0-100 per page (capture/score.py)
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "source": list(self.source),
            "doc_type": self.doc_type,
            "fields": {name: f.to_dict() for name, f in self.fields.items()},
            "quality": self.quality,
            "warnings": list(self.warnings),
            "reshoot": [r.to_dict() for r in self.reshoot],
            "timing_ms": {k: round(float(v), 1) for k, v in self.timing_ms.items()},
            "pages": [p.to_dict() for p in self.pages],
            "classification_confidence": round(float(self.classification_confidence), 4),
            "engine": self.engine,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ExtractedDocument:
        """The document ``to_json`` wrote (``unread_on`` is not exported: it comes back empty)."""
        quality = d.get("quality") or {}
        metrics, scores = list(quality.get("pages", ())), list(quality.get("scores", ()))
        pages = []
        for i, p in enumerate(d.get("pages", ())):
            issues = [q for q in quality.get("issues", ()) if q.get("page") == int(p["index"])]
            score = scores[i] if i < len(scores) else None
            page_quality = {"issues": issues, "metrics": metrics[i] if i < len(metrics) else {}, "score": score}
            pages.append(PageInfo.from_dict(p, QualityReport.from_dict(page_quality)))
        return cls(
            doc_type=str(d.get("doc_type", "unknown")),
            fields={name: Field.from_dict(name, f) for name, f in (d.get("fields") or {}).items()},
            source=tuple(d.get("source", ())),
            pages=tuple(pages),
            warnings=tuple(d.get("warnings", ())),
            timing_ms=dict(d.get("timing_ms") or {}),
            classification_confidence=float(d.get("classification_confidence") or 0.0),
            engine=str(d.get("engine", "")),
            reshoot=tuple(ReshootRequest.from_dict(r) for r in d.get("reshoot", ())),
        )


# --- checks -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    rule: str  # stable id, e.g. "id_card.check_digit"
    severity: Severity
    message: str  # Chinese, for the clerk
    refs: tuple[str, ...] = ()  # "doc[0].id_number", "doc[2]", ...
    indeterminate: bool = False  # an outside registry could not be asked: neither pass nor fail

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "refs": list(self.refs),
        }
        if self.indeterminate:
            d["indication"] = "INDETERMINATE"
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        return cls(
            rule=str(d["rule"]),
            severity=Severity(d["severity"]),
            message=str(d.get("message", "")),
            refs=tuple(d.get("refs", ())),
            indeterminate=d.get("indication") == "INDETERMINATE",
        )


@dataclass(frozen=True)
class CheckReport:
    business: str
    findings: tuple[Finding, ...]
    business_date: str  # YYYY-MM-DD

    @property
    def passed(self) -> bool:
        return not any(f.severity == Severity.ERROR for f in self.findings)

    def to_json(self, documents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {
            "business": self.business,
            "business_date": self.business_date,
            "documents": documents or [],
            "findings": [f.to_dict() for f in self.findings],
            "passed": self.passed,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CheckReport:
        findings = tuple(Finding.from_dict(f) for f in d.get("findings", ()))
        return cls(business=str(d["business"]), findings=findings, business_date=str(d["business_date"]))
