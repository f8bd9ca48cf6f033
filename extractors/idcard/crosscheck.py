"""The ID number against what the card prints beside it: birth date (digits 7–14) and sex (digit 17).

The number is checked (GB 11643) and the printed values are read independently, so each can vouch for the
other. A printed value that agrees is kept; one that contradicts a valid number, or could not be read, gives
way to the number, with a warning and a lower confidence. Nothing here is silent.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.models import Field
from extractors.id_number import IdNumberReading
from extractors.idcard.common import make_field
from extractors.idcard.lines import Span, cut

# Field confidence is scaled down by these when a value was repaired or taken from another field.
REPAIRED = 0.7
INFERRED = 0.85
LOOKALIKE = 0.95
INVALID = 0.3


def number_field(reading: IdNumberReading, spans: Sequence[Span]) -> tuple[Field, list[str]]:
    warnings = []
    factor = 1.0
    if reading.corrections:
        factor = REPAIRED if reading.repairs else LOOKALIKE
        warnings.append(
            "id_number: OCR misreading repaired (" + "; ".join(reading.corrections) + "), the only repair that "
            "passes the GB 11643 check digit, birth date and region code / 公民身份号码已按校验规则纠正，请核对"
        )
    if not reading.valid:
        factor = INVALID
        why = "several repairs would fit" if reading.ambiguous else "no single repair fits"
        warnings.append(
            f"id_number: fails the GB 11643 check ({why}); left as read / 公民身份号码校验未通过，请人工核对"
        )
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
