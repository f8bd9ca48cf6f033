"""What each business type needs, from the provident-fund 2.0 reform (DESIGN.md, "Business types").

Materials the reform dropped (purchase invoice, 离职证明, 退休证, the bank's 借款抵押合同) are listed only so the
catalogue can say they are no longer required; no rule ever asks for them — the registries stand in for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.business import BUSINESS_NAMES_ZH, Business
from domain.errors import UnknownBusiness
from domain.fields import DOC_TYPE_LABELS_ZH, FIELD_LABELS_ZH
from domain.models import DocType


@dataclass(frozen=True)
class Material:
    key: str  # a document type, or a fact name in CaseFacts
    label_zh: str
    kind: str = "document"  # "document" | "fact"


ID_CARD_FRONT = Material(DocType.ID_CARD_FRONT.value, DOC_TYPE_LABELS_ZH[DocType.ID_CARD_FRONT.value])
ID_CARD_BACK = Material(DocType.ID_CARD_BACK.value, DOC_TYPE_LABELS_ZH[DocType.ID_CARD_BACK.value])
PURCHASE_CONTRACT = Material(DocType.PURCHASE_CONTRACT.value, DOC_TYPE_LABELS_ZH[DocType.PURCHASE_CONTRACT.value])
RENTAL_AGREEMENT = Material(DocType.RENTAL_AGREEMENT.value, DOC_TYPE_LABELS_ZH[DocType.RENTAL_AGREEMENT.value])
BANK_CARD_NUMBER = Material("bank_card_number", FIELD_LABELS_ZH["bank_card_number"], kind="fact")

REQUIRED: dict[Business, tuple[Material, ...]] = {
    Business.PURCHASE_WITHDRAWAL: (ID_CARD_FRONT, ID_CARD_BACK, PURCHASE_CONTRACT),
    Business.RENTAL_WITHDRAWAL: (ID_CARD_FRONT, ID_CARD_BACK, RENTAL_AGREEMENT),
    Business.RESIGNATION_WITHDRAWAL: (ID_CARD_FRONT, ID_CARD_BACK, BANK_CARD_NUMBER),
    Business.RETIREMENT_WITHDRAWAL: (ID_CARD_FRONT, ID_CARD_BACK),
    Business.COMBINATION_LOAN: (ID_CARD_FRONT, ID_CARD_BACK, PURCHASE_CONTRACT),
}

NO_LONGER_REQUIRED: dict[Business, tuple[str, ...]] = {
    Business.PURCHASE_WITHDRAWAL: ("购房发票",),
    Business.RENTAL_WITHDRAWAL: (),
    Business.RESIGNATION_WITHDRAWAL: ("离职证明",),
    Business.RETIREMENT_WITHDRAWAL: ("退休证",),
    Business.COMBINATION_LOAN: ("银行借款抵押合同",),
}

# The contract in which the applicant must appear as a party, and as which party.
PARTY_DOCUMENT: dict[Business, tuple[str, str]] = {
    Business.PURCHASE_WITHDRAWAL: (DocType.PURCHASE_CONTRACT.value, "buyer"),
    Business.COMBINATION_LOAN: (DocType.PURCHASE_CONTRACT.value, "buyer"),
    Business.RENTAL_WITHDRAWAL: (DocType.RENTAL_AGREEMENT.value, "lessee"),
}


def parse_business(value: str | Business) -> Business:
    try:
        return Business(value)
    except ValueError:
        known = ", ".join(b.value for b in Business)
        raise UnknownBusiness(
            f"unknown business type {value!r}; known: {known}",
            message_zh=f"未知的业务类型 {value}（可选：{known}）",
        ) from None


def business_label(business: Business) -> str:
    return BUSINESS_NAMES_ZH[business]


def required_document_types(business: Business) -> frozenset[str]:
    return frozenset(m.key for m in REQUIRED[business] if m.kind == "document")
