"""The input of the application and receipt renderers: one finalised case, frozen.

``to_json()`` is what is attached inside both PDFs (``case.json``), so systems downstream read the case without OCR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.business import BUSINESS_NAMES_ZH, Business
from domain.errors import InputError, UnknownBusiness
from domain.models import CheckReport, ExtractedDocument

SCHEMA = "docintel.case/1"

DOC_TYPE_NAMES_ZH: dict[str, str] = {
    "id_card_front": "居民身份证（人像面）",
    "id_card_back": "居民身份证（国徽面）",
    "purchase_contract": "商品房买卖合同",
    "rental_agreement": "房屋租赁合同",
    "bank_card": "银行卡",
    "unknown": "未识别材料",
}

FIELD_NAMES_ZH: dict[str, str] = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "公民身份号码",
    "issuing_authority": "签发机关",
    "valid_from": "有效期起",
    "valid_until": "有效期止",
    "contract_number": "合同编号",
    "seller_name": "出卖人",
    "buyer_name": "买受人",
    "buyer_id_number": "买受人证件号码",
    "buyers": "买受人（多人）",
    "property_address": "房屋坐落",
    "floor_area": "建筑面积（m²）",
    "total_price": "总价款（元）",
    "signing_date": "签订日期",
    "lessor_name": "出租人",
    "lessor_id_number": "出租人证件号码",
    "lessee_name": "承租人",
    "lessee_id_number": "承租人证件号码",
    "monthly_rent": "月租金（元）",
    "lease_start": "租期起",
    "lease_end": "租期止",
    "bank_card_number": "银行卡号",
    "bank_name": "开户银行",
}

SEVERITY_NAMES_ZH = {"error": "错误", "warning": "提示", "info": "信息"}


@dataclass(frozen=True)
class ApplicationData:
    """One case as the counter finalised it. Timestamps should be timezone-aware (they are printed as given)."""

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

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "business", Business(self.business))
        except ValueError:
            raise UnknownBusiness(f"unknown business type {self.business!r}") from None
        if not self.case_id or not self.case_id.strip():
            raise InputError("case id is empty", message_zh="业务编号为空")
        object.__setattr__(self, "documents", tuple(self.documents))
        object.__setattr__(self, "page_images", tuple(self.page_images))

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
        }


def _document_json(doc: ExtractedDocument) -> dict[str, Any]:
    # Timing is about how this run went, not about the case: leave it out so the attachment is reproducible.
    data = doc.to_json()
    data.pop("timing_ms", None)
    return data


def format_time(value: datetime | None) -> str:
    if value is None:
        return "—"
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    offset = value.strftime("%z")
    return f"{text} UTC{offset[:3]}:{offset[3:]}" if offset else text


def field_value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append("，".join(f"{FIELD_NAMES_ZH.get(k, k)}：{v}" for k, v in item.items()))
            else:
                parts.append(str(item))
        return "；".join(parts)
    return str(value)
