"""Extractors by document type, and the classifier that picks one from page content."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache

from domain.errors import UnknownDocType
from domain.models import DocType, OcrPage
from extractors.base import DocumentExtractor

_EXTRACTORS: dict[str, str] = {
    # doc_type → "module:Class"; each module is imported on first use.
    "id_card_front": "extractors.idcard.front:IdCardFrontExtractor",
    "id_card_back": "extractors.idcard.back:IdCardBackExtractor",
    "purchase_contract": "extractors.contracts.purchase:PurchaseContractExtractor",
    "rental_agreement": "extractors.contracts.rental:RentalAgreementExtractor",
}

# Below this score no type fits and the document is ``unknown``.
MIN_CLASSIFY_SCORE = 0.35


def register_extractor(doc_type: str, target: str) -> None:
    _EXTRACTORS[doc_type] = target
    extractor_for.cache_clear()


def known_doc_types() -> list[str]:
    return sorted(_EXTRACTORS)


@cache
def extractor_for(doc_type: str) -> DocumentExtractor:
    if doc_type not in _EXTRACTORS:
        raise UnknownDocType(
            f"unknown document type {doc_type!r}; known: {', '.join(known_doc_types())}",
            message_zh=f"未知的材料类型 {doc_type}",
        )
    module_name, cls_name = _EXTRACTORS[doc_type].split(":")
    return getattr(importlib.import_module(module_name), cls_name)()


def classify(pages: Sequence[OcrPage]) -> tuple[str, float]:
    """The best-scoring document type for these pages, or ``unknown``."""
    best, best_score = DocType.UNKNOWN.value, 0.0
    for doc_type in known_doc_types():
        s = extractor_for(doc_type).score(pages)
        if s > best_score:
            best, best_score = doc_type, s
    if best_score < MIN_CLASSIFY_SCORE:
        return DocType.UNKNOWN.value, best_score
    return best, best_score
