"""The tampering cue that needs the text: an ID number read clearly whose check digit disagrees with the rest.

GB 11643 makes the 18th character a checksum of the first 17. A number typed over by hand in an image editor
often gets the body right (region, birth date, sequence) and the checksum wrong. A misreading by OCR would
make the check fail too, so the score rises only with the recogniser's confidence on that line, and only when
the 17-digit body itself is a valid region and date (a misread body is OCR's fault, not the card's).
Adds to the image score of capture.trust.tampered (the larger of the two is the page's ``tampered_score``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stdnum.cn import ric

from capture.trust import with_warnings
from config.settings import TrustSettings
from domain.models import Field, OcrPage, Page
from extractors.document import PageCheck
from extractors.id_number import id_runs, is_valid

_CONFIDENT = (0.85, 0.97)  # line confidence from which a failed checksum starts to count, and counts fully


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_digit_score(fields: Mapping[str, Field], ocr: Sequence[OcrPage]) -> tuple[int, float] | None:
    """(page index, score 0-1) for an ID card front's number; None when there is no number to judge."""
    f = fields.get("id_number")
    if f is None or not f.raw or f.page is None or f.bbox is None or not 0 <= f.page < len(ocr):
        return None
    runs = [r.upper() for r in id_runs(f.raw) if len(r) == 18]
    if not runs or not runs[0][:17].isdigit() or runs[0][17] not in "0123456789X":
        return None
    number = runs[0]
    if is_valid(number) or not is_valid(number[:17] + ric.calc_check_digit(number)):
        return (f.page, 0.0)
    confs = [ln.confidence for ln in ocr[f.page].lines if _overlaps(ln.bbox, f.bbox)]
    conf = min(confs) if confs else 0.0
    lo, hi = _CONFIDENT
    return (f.page, max(0.0, min(1.0, (conf - lo) / (hi - lo))))


def with_check_digit(
    pages: Sequence[Page], ocr: Sequence[OcrPage], fields: Mapping[str, Field], settings: TrustSettings
) -> list[Page]:
    """``pages`` with the number's page carrying the text cue (new Page objects; the ``tampered`` warning when
    reached, ``tampered_text_score`` always)."""
    found = check_digit_score(fields, ocr) if settings.enabled else None
    if found is None:
        return list(pages)
    index, text_score = found
    out = list(pages)
    q = out[index].quality
    scores = {"tampered": max(text_score, float(q.metrics.get("tampered_score", 0.0)))}
    q = with_warnings(q, scores, settings)
    q = q.__class__(q.issues, {**q.metrics, "tampered_text_score": round(text_score, 4)}, q.score)
    out[index] = out[index].with_(quality=q)
    return out


def text_checks(settings: TrustSettings) -> PageCheck:
    """The checks of ``build_document`` that need the fields read: the check digit on an ID card front."""

    def check(doc_type: str, pages: Sequence[Page], ocr: Sequence[OcrPage], fields: Mapping[str, Field]) -> list[Page]:
        if doc_type != "id_card_front":
            return list(pages)
        return with_check_digit(pages, ocr, fields, settings)

    return check
