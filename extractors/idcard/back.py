"""ID card back (国徽面): issuing_authority, valid_from, valid_until (a date or 长期).

The validity line reads ``2015.03.12-2035.03.12`` or ``2015.03.12-长期``. Cards run 5, 10 or 20 years from the
same day (长期 from 46 years of age), so a pair of dates that is not such a span has a misread digit: it is
repaired only when one look-alike swap alone makes the span right, and reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from domain.models import DocType, Field, OcrPage
from extractors.base import DocumentExtractor, Extraction
from extractors.id_number import CONFUSABLE
from extractors.idcard.common import BACK_LABELS, back_score, make_field
from extractors.idcard.lines import LabelHit, Line, Span, cut, find_label, median_height, read_lines, right_of, same_row
from extractors.normalize import DIGIT_LOOKALIKES, add_years, is_cjk, make_date, strip_punctuation

VALIDITY_YEARS = (5, 10, 20)
REPAIRED = 0.7
_AUTHORITY_CHARS = re.compile(r"[\u4e00-\u9fff()（）]")
_DATE8 = re.compile(r"((?:19|20)\d{2})\D{0,2}(\d{2})\D{0,2}(\d{2})")


def _digits_for_dates(text: str) -> str:
    """Letters OCR prints for digits become digits; CJK (长期) and separators stay."""
    return "".join(DIGIT_LOOKALIKES.get(c, c) if not is_cjk(c) else c for c in text)


def _hits(lines: Sequence[Line]) -> dict[str, LabelHit]:
    hits: dict[str, LabelHit] = {}
    for label in BACK_LABELS:
        for exact in (True, False):
            found = next((h for ln in lines if (h := find_label(ln, label)) is not None and h.exact == exact), None)
            if found is not None:
                hits[label] = found
                break
    return hits


def _span_after(hit: LabelHit, lines: Sequence[Line]) -> list[Span]:
    """The value in the label's line, and the lines beside it in the same row."""
    own = hit.line.span(hit.end)
    x = own.box[0] if own.text else hit.line.span(hit.start, hit.end).box[2]
    return ([own] if own.text else []) + [ln.span() for ln in right_of(hit.line, x, lines, max_gap=12)]


def consistent(valid_from: dt.date, valid_until: dt.date) -> bool:
    return any(add_years(valid_from, n) == valid_until for n in VALIDITY_YEARS)


def _one_digit_variants(digits: str) -> list[tuple[str, str]]:
    return [
        (digits[:i] + alt + digits[i + 1 :], f"'{ch}'→'{alt}'")
        for i, ch in enumerate(digits)
        for alt in CONFUSABLE.get(ch, "")
        if alt != "X"
    ]


def _as_date(digits: str) -> dt.date | None:
    return make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def repair_validity(start: str, end: str) -> tuple[dt.date, dt.date, str] | None:
    """The one single-digit look-alike swap in either 8-digit date that makes a 5/10/20-year span, if unique."""
    found = []
    d_end = _as_date(end)
    for variant, how in _one_digit_variants(start):
        d = _as_date(variant)
        if d and d_end and consistent(d, d_end):
            found.append((d, d_end, f"valid_from digit {how}"))
    d_start = _as_date(start)
    for variant, how in _one_digit_variants(end):
        d = _as_date(variant)
        if d and d_start and consistent(d_start, d):
            found.append((d_start, d, f"valid_until digit {how}"))
    return found[0] if len(found) == 1 else None


class _BackReader:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.h = median_height(lines)
        self.hits = _hits(lines)
        self.fields: dict[str, Field] = {}
        self.warnings: list[str] = []

    def _authority_spans(self) -> list[Span]:
        """The value beside 签发机关; when OCR garbled the label, the text after ``机关`` or a line naming 公安."""
        hit = self.hits.get("签发机关")
        if hit is not None:
            return _span_after(hit, self.lines)
        for ln in self.lines:
            at = ln.text.find("机关")
            if at >= 0 and len(ln.text) > at + 3:
                return [ln.span(at + 2)]
        for ln in self.lines:
            if "公安" in ln.text:
                # A garbled label may stand before the name: four characters, one of them from 签发机关.
                garbled_label = ln.text.find("公安") >= 6 and any(c in "签发机关" for c in ln.text[:4])
                return [ln.span(4 if garbled_label else 0)]
        return []

    def authority(self) -> None:
        spans = []
        for s in self._authority_spans():
            s = s.strip(lambda c: bool(_AUTHORITY_CHARS.match(c)))
            # Up to the first character no authority name holds: dates beside it are the validity row.
            end = next((i for i in range(s.start, s.end) if not _AUTHORITY_CHARS.match(s.line.text[i])), s.end)
            if end > s.start:
                spans.append(Span(s.line, s.start, end))
            if end < s.end:
                break
        if not spans:
            self.warnings.append("issuing_authority: not found / 未识别到签发机关")
            return
        # A long authority wraps under itself, above the validity row.
        stop = self.hits.get("有效期限")
        last = spans[-1].line
        for ln in sorted(self.lines, key=lambda ln: ln.bbox[1]):
            if ln.bbox[1] <= last.bbox[1] + 0.5 * self.h or ln in (s.line for s in spans):
                continue
            if stop is not None and (same_row(ln, stop.line) or ln.bbox[1] >= stop.line.bbox[1]):
                break
            if ln.bbox[1] - last.bbox[3] > 0.8 * self.h or abs(ln.bbox[0] - spans[0].box[0]) > 1.5 * self.h:
                break
            if not all(_AUTHORITY_CHARS.match(c) for c in ln.text):
                break
            spans.append(ln.span())
            last = ln
        value = strip_punctuation("".join(s.text for s in spans))
        self.fields["issuing_authority"] = make_field("issuing_authority", value, spans)
        if "公安" not in value and "局" not in value:
            self.warnings.append("issuing_authority: does not name a public-security office / 签发机关不像公安机关名称")

    def validity(self) -> None:
        hit = self.hits.get("有效期限")
        candidates = [_span_after(hit, self.lines)] if hit else []
        candidates += [[ln.span()] for ln in self.lines]  # no label, or nothing beside it: any line with dates
        for spans in candidates:
            text = _digits_for_dates("".join(s.text for s in spans))
            first = _DATE8.search(text)
            if first is None:
                continue
            rest = text[first.end() :]
            second = _DATE8.search(rest)
            start = "".join(first.groups())
            from_spans = cut(spans, first.start(), first.end())
            if second is not None:
                until_spans = cut(spans, first.end() + second.start(), first.end() + second.end())
                self._dates(start, "".join(second.groups()), from_spans, until_spans)
                return
            if "长" in rest or "期" in rest:
                at = first.end() + min(i for i in (rest.find("长"), rest.find("期")) if i >= 0)
                self._dates(start, None, from_spans, cut(spans, at, at + 2))
                return
        self.warnings.append("valid_from/valid_until: validity period not found / 未识别到有效期限")

    def _dates(self, start: str, end: str | None, from_spans: list[Span], until_spans: list[Span]) -> None:
        d_from = _as_date(start)
        d_until = _as_date(end) if end else None
        factor = 1.0
        if end is not None and not (d_from and d_until and consistent(d_from, d_until)):
            repaired = repair_validity(start, end)
            if repaired is not None:
                d_from, d_until, how = repaired
                factor = REPAIRED
                self.warnings.append(
                    f"valid_from/valid_until: OCR misreading repaired ({how}), the only change that makes a 5, 10 or "
                    "20-year validity / 有效期限已按有效期规则纠正，请核对"
                )
            else:
                factor = 0.5
                self.warnings.append(
                    "valid_from/valid_until: not a 5, 10 or 20-year validity period; check the reading "
                    "/ 有效期限不符合 5、10、20 年规则，请人工核对"
                )
        if d_from is not None:
            self.fields["valid_from"] = make_field("valid_from", d_from.isoformat(), from_spans, factor=factor)
        else:
            self.warnings.append("valid_from: not a calendar date / 有效期起始日期无效")
        if end is None:
            self.fields["valid_until"] = make_field("valid_until", "长期", until_spans)
        elif d_until is not None:
            self.fields["valid_until"] = make_field("valid_until", d_until.isoformat(), until_spans, factor=factor)
        else:
            self.warnings.append("valid_until: not a calendar date / 有效期截止日期无效")

    def run(self) -> Extraction:
        self.authority()
        self.validity()
        return Extraction(dict(self.fields), tuple(self.warnings))


class IdCardBackExtractor(DocumentExtractor):
    doc_type = DocType.ID_CARD_BACK.value
    fields = ("issuing_authority", "valid_from", "valid_until")
    required_fields = ("valid_from", "valid_until")

    def score(self, pages: Sequence[OcrPage]) -> float:
        return back_score(read_lines(pages))

    def extract(self, pages: Sequence[OcrPage]) -> Extraction:
        lines = read_lines(pages)
        if not lines:
            return Extraction({}, ("no text found on the page / 页面上未识别到文字",))
        return _BackReader(lines).run()
