"""What every document extractor is: a scorer for the classifier and a reader of fields."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from domain.models import Field, OcrPage


@dataclass(frozen=True)
class Extraction:
    fields: Mapping[str, Field]
    warnings: tuple[str, ...] = ()
    extra: Mapping[str, object] = field(default_factory=dict)
    # Required fields not read whose label was found: field → page of the label (the page to photograph again).
    unread_on: Mapping[str, int] = field(default_factory=dict)


class DocumentExtractor(ABC):
    """One per document type. Stateless: instances are shared across threads."""

    doc_type: ClassVar[str]
    # Every field this extractor can emit (domain/fields.py labels each one; tests hold both to it).
    fields: ClassVar[tuple[str, ...]] = ()
    # Fields without which the document is of no use to the business checks: missing ones are reported.
    required_fields: ClassVar[tuple[str, ...]] = ()
    # Fields read together with a lead field and stated by it (the first buyer's name is ``buyers[0]``): a page
    # photographed again keeps them from the same picture as their lead (extractors.rereading).
    field_groups: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    @abstractmethod
    def score(self, pages: Sequence[OcrPage]) -> float:
        """How sure (0..1) that these pages are this document type, from their text alone."""

    @abstractmethod
    def extract(self, pages: Sequence[OcrPage]) -> Extraction:
        """Fields with evidence (page index into ``pages``, bbox in that page's coordinates)."""
