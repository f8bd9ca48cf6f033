"""A page photographed again: each value is kept from the picture that read it more surely.

The clerk reshoots the pages the reshoot list names. The new picture is usually better, but not always: under
the same glare a second frame is as likely to be bad as the first, and taking the second reading whole then
loses values the first picture had read well (on generated hard frames it did: accuracy fell from 69.7 % to
51.5 %). Both readings are weighed only when the new picture is plainly of the same page: it reads at least one telling
value there (four characters or more: not 女 or 汉) exactly as the earlier one did. Otherwise the new picture is what the page is now (the clerk photographed
another page, or another person's card) and its reading is taken whole. For the same page, a value both
pictures read is taken from whichever read it with the higher confidence (kept at the higher of the two when they
agree), and a value only the earlier picture read is kept. A value kept from the earlier picture says so in a
warning: its page and box point at that picture, which stays on record (``replaced_document_files``). Values on
the other pages come from the new reading, as they always did. Fields stated by a lead field (the first buyer's
name and ID number by the ``buyers`` list) come from the same picture as their lead, so the document never names
one buyer in ``buyer_name`` and another in ``buyers``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from domain.models import ExtractedDocument, Field
from extractors.reshoot import reshoot_requests


def _surer(before: Field | None, after: Field | None, replaced: Collection[int]) -> tuple[Field | None, bool]:
    """The field to keep from two readings of the same page, and whether it is the earlier picture's."""
    if before is None or before.value is None:
        return after, False
    if after is None or after.value is None:
        return (before, True) if before.page in replaced else (after, False)
    if before.page not in replaced and after.page not in replaced:
        return after, False
    if after.value == before.value:
        return replace(after, confidence=max(after.confidence, before.confidence)), False
    return (before, True) if before.confidence > after.confidence else (after, False)


def _from_same_picture(before: Field | None, after: Field | None, *, earlier: bool) -> tuple[Field | None, bool]:
    """A follower of a lead field, from the picture its lead was kept from (the other when both agree)."""
    if before is not None and after is not None and before.value == after.value:
        return replace(after, confidence=max(after.confidence, before.confidence)), False
    return (before, before is not None) if earlier else (after, False)


# Two different cards or pages agree on 女, 汉, 住宅 or a common name often enough; on a value this long (a date,
# an amount, an ID number, an address) only when they are the same paper.
_TELLING_LENGTH = 4


def _same_page(before: Mapping[str, Field], after: Mapping[str, Field], replaced: Collection[int]) -> bool:
    """Whether the new pictures read at least one telling value on the replaced pages exactly as the old ones did."""
    return any(
        f.page in replaced
        and len(str(f.value)) >= _TELLING_LENGTH
        and (b := before.get(name)) is not None
        and b.page == f.page
        and b.value == f.value
        for name, f in after.items()
        if f.value is not None
    )


def keep_surer_readings(
    before: Mapping[str, Field],
    after: ExtractedDocument,
    *,
    replaced: Collection[int],
    required: Sequence[str],
    review_below: float,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> ExtractedDocument:
    """``after`` (the document read again with pages ``replaced`` photographed anew) with every value on those
    pages taken from the surer of the two readings, and its reshoot list made again from what is kept.
    ``groups`` maps a lead field to the fields it states (``DocumentExtractor.field_groups``)."""
    if not _same_page(before, after.fields, replaced):
        return after
    chosen: dict[str, tuple[Field | None, bool]] = {}
    for lead, followers in (groups or {}).items():
        kept, earlier = _surer(before.get(lead), after.fields.get(lead), replaced)
        if kept is None:
            continue  # neither picture read the lead: its followers are weighed one by one
        chosen[lead] = kept, earlier
        for name in followers:
            chosen[name] = _from_same_picture(before.get(name), after.fields.get(name), earlier=earlier)
    fields: dict[str, Field] = {}
    notes = []
    for name in dict.fromkeys([*after.fields, *before]):
        kept, earlier = chosen[name] if name in chosen else _surer(before.get(name), after.fields.get(name), replaced)
        if kept is None:
            continue
        fields[name] = kept
        if earlier:
            page = f"page {kept.page}" if kept.page is not None else "an earlier page"
            notes.append(
                f"{name}: kept from the earlier picture of {page}, which read it more surely / 该项取自此前拍摄的照片"
            )
    return replace(
        after,
        fields=fields,
        warnings=(*after.warnings, *notes),
        reshoot=reshoot_requests(
            fields, after.pages, required=required, review_below=review_below, unread_on=after.unread_on
        ),
    )
