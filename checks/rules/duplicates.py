"""The same document submitted twice in one case."""

from __future__ import annotations

from collections.abc import Iterator

from checks.business import DOC_LABELS_ZH
from checks.context import CaseContext, DocRef
from checks.rules.base import Hit, rule
from domain.models import Severity

# Fields that tell two documents of one type apart: if both state one and they differ, they are not one paper,
# however alike the page images are (all ID card fronts share a layout).
IDENTIFYING_FIELDS = (
    "id_number",
    "name",
    "valid_from",
    "valid_until",
    "contract_number",
    "buyer_id_number",
    "lessee_id_number",
    "signing_date",
)


def phash_distance(a: str, b: str) -> int | None:
    """Differing bits between two hex perceptual hashes of one size; None when they cannot be compared."""
    if len(a) != len(b):
        return None
    try:
        return (int(a, 16) ^ int(b, 16)).bit_count()
    except ValueError:
        return None


def _pages_alike(a: DocRef, b: DocRef, max_distance: int) -> bool:
    ha, hb = [p.phash for p in a.doc.pages], [p.phash for p in b.doc.pages]
    if not ha or len(ha) != len(hb) or any(h is None for h in (*ha, *hb)):
        return False
    distances = [phash_distance(x, y) for x, y in zip(ha, hb, strict=True)]  # type: ignore[arg-type]
    return all(d is not None and d <= max_distance for d in distances)


def _contradicting(a: DocRef, b: DocRef) -> bool:
    return any(a.text(f) and b.text(f) and a.text(f) != b.text(f) for f in IDENTIFYING_FIELDS)


@rule(
    "duplicates.document",
    Severity.WARNING,
    "材料未重复提交",
    """No document is in the case twice: two documents of one type whose pages have near-identical perceptual
    hashes (at most checks.duplicate_phash_distance differing bits per page) and no identifying field that differs,
    or two contracts with the same contract number.""",
)
def duplicate_documents(ctx: CaseContext) -> Iterator[Hit]:
    limit = ctx.settings.duplicate_phash_distance
    reported: set[int] = set()
    for i, a in enumerate(ctx.docs):
        for b in ctx.docs[i + 1 :]:
            if b.index in reported or a.doc_type != b.doc_type or a.doc_type == "unknown":
                continue
            number_a, number_b = a.text("contract_number"), b.text("contract_number")
            if number_a and number_a == number_b:
                yield Hit(
                    f"材料{a.index + 1}与材料{b.index + 1}的合同编号相同，同一合同重复提交",
                    (a.ref("contract_number"), b.ref("contract_number")),
                )
                reported.add(b.index)
            elif _pages_alike(a, b, limit) and not _contradicting(a, b):
                yield Hit(
                    f"材料{b.index + 1}与材料{a.index + 1}为同一份{DOC_LABELS_ZH.get(a.doc_type, a.doc_type)}，重复提交",
                    (a.ref(), b.ref()),
                )
                reported.add(b.index)
