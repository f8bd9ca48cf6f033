"""The input of the application and receipt renderers: one finalised case, frozen.

``to_json()`` is what is attached inside both PDFs (``case.json``), so systems downstream read the case without OCR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.business import BUSINESS_NAMES_ZH, Business
from domain.errors import InputError, UnknownBusiness
from domain.fields import label_zh
from domain.models import CheckReport, ExtractedDocument

SCHEMA = "docintel.case/1"

SEVERITY_NAMES_ZH = {"error": "错误", "warning": "提示", "info": "信息"}
DEFAULT_TIME_ZONE = "Asia/Shanghai"  # the fund's; settings: signing.time_zone


@dataclass(frozen=True)
class ApplicationData:
    """One case as the counter finalised it. Timestamps are printed in ``time_zone`` (the fund's, an IANA name);
    naive ones are taken as UTC, which is how the database stores them."""

    case_id: str
    business: Business
    applicant_name: str
    applicant_id_number: str
    operator: str  # the clerk (经办人), e.g. a staff number and name
    branch: str  # the counter's branch (受理网点)
    created_at: datetime
    finalized_at: datetime | None = None
    documents: tuple[ExtractedDocument, ...] = ()
    check_report: CheckReport | None = None
    page_images: tuple[bytes, ...] = field(default=(), repr=False)  # JPEG/PNG of each captured page, in order
    handwritten_signature_png: bytes | None = field(default=None, repr=False)  # from the signature pad (电子签名)
    portrait_jpeg: bytes | None = field(default=None, repr=False)  # the ID card's portrait crop (证件照)
    # The clerk's override of ID card flags (photocopy, screen recapture): {"flags": [{"code", …}], "reason", "clerk"}.
    override: dict[str, Any] | None = None
    time_zone: str = DEFAULT_TIME_ZONE

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "business", Business(self.business))
        except ValueError:
            raise UnknownBusiness(f"unknown business type {self.business!r}") from None
        if not self.case_id or not self.case_id.strip():
            raise InputError("case id is empty", message_zh="业务编号为空")
        object.__setattr__(self, "documents", tuple(self.documents))
        object.__setattr__(self, "page_images", tuple(self.page_images))
        zone(self.time_zone)  # an unknown zone fails here, not in the middle of rendering

    def local_time(self, value: datetime | None) -> str:
        return format_time(value, self.time_zone)

    @property
    def business_name_zh(self) -> str:
        return BUSINESS_NAMES_ZH[self.business]

    def to_json(self) -> dict[str, Any]:
        """The machine-readable case: the exact structure attached to the PDFs as ``case.json``."""
        return {
            "schema": SCHEMA,
            "case_id": self.case_id,
            "business": str(self.business),
            "business_name": self.business_name_zh,
            "applicant": {"name": self.applicant_name, "id_number": self.applicant_id_number},
            "operator": self.operator,
            "branch": self.branch,
            "created_at": self.created_at.isoformat(),
            "finalized_at": self.finalized_at.isoformat() if self.finalized_at else None,
            "documents": [_document_json(d) for d in self.documents],
            "checks": self.check_report.to_json() if self.check_report is not None else None,
            "page_count": len(self.page_images),
            "has_handwritten_signature": self.handwritten_signature_png is not None,
            "has_portrait": self.portrait_jpeg is not None,
            **({"override": self.override} if self.override else {}),
        }


def _document_json(doc: ExtractedDocument) -> dict[str, Any]:
    # Timing is about how this run went, not about the case: leave it out so the attachment is reproducible.
    data = doc.to_json()
    data.pop("timing_ms", None)
    return data


@cache
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai)", message_zh="未知的时区"
        ) from None


def format_time(value: datetime | None, time_zone: str = DEFAULT_TIME_ZONE) -> str:
    """``2026-12-04 22:53:06 (UTC+08:00)``: the time in the fund's zone, with its offset; naive values are UTC."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone(time_zone))
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def field_value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append("，".join(f"{label_zh(k)}：{v}" for k, v in item.items() if v is not None))
            else:
                parts.append(str(item))
        return "；".join(parts)
    return str(value)
