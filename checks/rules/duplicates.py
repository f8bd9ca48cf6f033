"""The same document submitted twice in one case."""

from __future__ import annotations

from collections.abc import Iterator

from checks.context import CaseContext, DocRef
from checks.rules.base import Hit, rule
from domain.fields import DOC_TYPE_LABELS_ZH
from domain.models import Severity

# What names one paper of each type: equal on both → the same paper; different → two papers.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "id_card_front": ("id_number",),
    "id_card_back": ("valid_from", "valid_until"),
    "purchase_contract": ("contract_number",),
    "rental_agreement": ("lessee_id_number", "lease_start", "lease_end"),
}
# Any of these differing also tells two papers apart, whatever their page images look like (every ID card
# back has the same layout, and perceptual hashes of two people's card backs can be equal).
IDENTIFYING_FIELDS = (
    "id_number",
    "name",
    "valid_from",
    "valid_until",
    "issuing_authority",
    "contract_number",
    "buyer_id_number",
    "lessee_id_number",
    "lease_start",
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
    if not ha or len(ha) != len(hb) or None in ha or None in hb:
        return False
    distances = [phash_distance(x, y) for x, y in zip(ha, hb, strict=True)]  # type: ignore[arg-type]
    return all(d is not None and d <= max_distance for d in distances)


def _contradicting(a: DocRef, b: DocRef) -> bool:
    return any(a.text(f) and b.text(f) and a.text(f) != b.text(f) for f in IDENTIFYING_FIELDS)


def _same_paper(a: DocRef, b: DocRef, max_distance: int) -> tuple[bool, str]:
    """(same?, why). The key fields decide when both documents show them; the page images only when not."""
    keys = KEY_FIELDS.get(a.doc_type, ())
    if keys and all(a.text(k) and b.text(k) for k in keys):
        return all(a.text(k) == b.text(k) for k in keys), "key"
    if _contradicting(a, b):
        return False, ""
    return _pages_alike(a, b, max_distance), "image"


@rule(
    "duplicates.document",
    Severity.WARNING,
    "材料未重复提交",
    """No paper is in the case twice: two documents of one type are the same paper when their key fields are equal
    (ID number; validity dates of a card back; contract number; lessee and lease dates), or, when those could not
    be read on both, when every page's perceptual hash is within checks.duplicate_phash_distance bits and no
    identifying field differs. Two people's cards share a layout, so the image alone never decides against the
    fields.""",
)
def duplicate_documents(ctx: CaseContext) -> Iterator[Hit]:
    limit = ctx.settings.duplicate_phash_distance
    reported: set[int] = set()
    for i, a in enumerate(ctx.docs):
        for b in ctx.docs[i + 1 :]:
            if b.index in reported or a.doc_type != b.doc_type or a.doc_type == "unknown":
                continue
            same, why = _same_paper(a, b, limit)
            if not same:
                continue
            reported.add(b.index)
            label = DOC_TYPE_LABELS_ZH.get(a.doc_type, a.doc_type)
            if why == "key" and a.doc_type == "purchase_contract":
                refs = (a.ref("contract_number"), b.ref("contract_number"))
                yield Hit(f"材料{a.index + 1}与材料{b.index + 1}的合同编号相同，同一合同重复提交", refs)
            else:
                yield Hit(f"材料{b.index + 1}与材料{a.index + 1}为同一份{label}，重复提交", (a.ref(), b.ref()))
