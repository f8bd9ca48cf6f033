"""The case as the rules see it: its documents by position, typed accessors for their fields, the business
date, the clerk's facts and the registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from checks.facts import CaseFacts
from checks.registries.base import Registry
from checks.validators import parse_date, parse_decimal
from config.settings import ChecksSettings
from domain.business import Business
from domain.fields import DOC_TYPE_LABELS_ZH
from domain.models import DocType, ExtractedDocument


@dataclass(frozen=True)
class DocRef:
    """A document and its position in the case; refs in findings are ``doc[i]`` and ``doc[i].field``."""

    index: int
    doc: ExtractedDocument

    @property
    def doc_type(self) -> str:
        return self.doc.doc_type

    @property
    def label(self) -> str:
        """``购房合同（材料3）`` — what the clerk sees; positions count from 1."""
        return f"{DOC_TYPE_LABELS_ZH.get(self.doc_type, self.doc_type)}（材料{self.index + 1}）"

    def ref(self, field: str | None = None) -> str:
        return f"doc[{self.index}]" if field is None else f"doc[{self.index}].{field}"

    def text(self, field: str) -> str | None:
        value = self.doc.value(field)
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    def date(self, field: str) -> dt.date | None:
        return parse_date(self.doc.value(field))

    def decimal(self, field: str) -> Decimal | None:
        return parse_decimal(self.doc.value(field))

    def has(self, field: str) -> bool:
        return self.text(field) is not None

    def parties(self, role: str) -> list[Party]:
        """Every buyer or lessee. A contract may list several buyers in ``buyers``; ``buyer_name`` and
        ``buyer_id_number`` hold the first (and are what a contract without the list has)."""
        found: list[Party] = []
        if role == "buyer":
            group = self.doc.value("buyers")
            if isinstance(group, list | tuple):
                for i, b in enumerate(group):
                    if isinstance(b, dict):
                        base = self.ref(f"buyers[{i}]")
                        found.append(
                            Party(
                                _clean(b.get("name")), _clean(b.get("id_number")), f"{base}.name", f"{base}.id_number"
                            )
                        )
        single = Party(
            self.text(f"{role}_name"),
            self.text(f"{role}_id_number"),
            self.ref(f"{role}_name"),
            self.ref(f"{role}_id_number"),
        )
        if (single.name or single.id_number) and not any(
            single.name == p.name and single.id_number == p.id_number for p in found
        ):
            found.insert(0, single)
        return found


@dataclass(frozen=True)
class Party:
    name: str | None
    id_number: str | None
    name_ref: str
    id_ref: str


def _clean(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


@dataclass(frozen=True)
class CaseContext:
    business: Business
    docs: tuple[DocRef, ...]
    business_date: dt.date
    facts: CaseFacts
    registry: Registry | None
    settings: ChecksSettings

    @classmethod
    def build(
        cls,
        *,
        business: Business,
        documents: Sequence[ExtractedDocument],
        business_date: dt.date,
        facts: CaseFacts,
        registry: Registry | None,
        settings: ChecksSettings,
    ) -> CaseContext:
        docs = tuple(DocRef(i, d) for i, d in enumerate(documents))
        return cls(business, docs, business_date, facts, registry, settings)

    def of_type(self, doc_type: str | DocType) -> list[DocRef]:
        return [d for d in self.docs if d.doc_type == str(doc_type)]

    def first(self, doc_type: str | DocType) -> DocRef | None:
        found = self.of_type(doc_type)
        return found[0] if found else None

    @property
    def id_front(self) -> DocRef | None:
        """The applicant's card: the first portrait side in the case."""
        return self.first(DocType.ID_CARD_FRONT)

    @property
    def id_back(self) -> DocRef | None:
        return self.first(DocType.ID_CARD_BACK)
