"""The ID number against what the card prints beside it: birth date (digits 7–14) and sex (digit 17).

The number is checked (GB 11643) and the printed values are read independently, so each can vouch for the
other. A printed value that agrees is kept; one that contradicts a valid number, or could not be read, gives
way to the number, with a warning and a lower confidence. Nothing here is silent.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.models import Field
from extractors.id_number import REPAIRED, IdNumberReading, review
from extractors.idcard.common import make_field
from extractors.idcard.lines import Span, cut

# Field confidence is scaled down by this when a value was taken from another field.
INFERRED = 0.85


def number_field(reading: IdNumberReading, spans: Sequence[Span]) -> tuple[Field, list[str]]:
    factor, warnings = review(reading, "id_number")
    return make_field("id_number", reading.value, spans, factor=factor), warnings


def digits_of(reading: IdNumberReading, spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """Where digits ``start:end`` of the number stand on the page (the whole number when it cannot tell)."""
    joined = "".join(s.text for s in spans)
    at = joined.find(reading.raw)
    if at < 0 or len(reading.raw) != 18:
        return list(spans)
    return cut(spans, at + start, at + end) or list(spans)


def reconcile(
    name: str,
    printed: tuple[str, Sequence[Span]] | None,
    from_number: str | None,
    number_spans: Sequence[Span],
    label_zh: str,
) -> tuple[Field | None, list[str]]:
    """One printed field against the same fact inside a valid ID number (``from_number`` None when invalid)."""
    if printed is not None:
        value, spans = printed
        if from_number is None or value == from_number:
            return make_field(name, value, spans), []
        warning = f"{name}: the printed value disagrees with the valid ID number; the number's is used / {label_zh}与身份号码不一致，已采用身份号码"
        return make_field(name, from_number, number_spans, factor=REPAIRED), [warning]
    if from_number is not None:
        warning = f"{name}: printed value unreadable; taken from the ID number / {label_zh}无法识别，已取自身份号码"
        return make_field(name, from_number, number_spans, factor=INFERRED), [warning]
    return None, [f"{name}: not found / 未识别到{label_zh}"]
