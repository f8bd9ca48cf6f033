"""ID card front (人像面): name, sex, ethnicity, birth_date, address, id_number.

Labels anchor the values, whether OCR printed them in one line with the label or beside it. The ID number is
checked with GB 11643 and cross-read with the printed birth date and sex: a misread digit is repaired only when
one repair alone fits, a garbled printed date or sex falls back to the number, and every such step is a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from domain.models import Candidates, DocType, Field, OcrPage
from extractors.addresses import repair_address
from extractors.base import DocumentExtractor, Extraction
from extractors.id_number import REPAIRED, IdNumberReading, id_runs, repair_id_number
from extractors.idcard.common import ETHNICITIES, FRONT_LABELS, make_field, match_ethnicity
from extractors.idcard.common import front_score as _front_score
from extractors.idcard.crosscheck import INFERRED, digits_of, number_field, reconcile
from extractors.idcard.lines import LabelHit, Line, Span, find_label, median_height, read_lines, right_of, same_row
from extractors.normalize import cjk_only, is_cjk, parse_date

# An address whose divisions or units were repaired (extractors.addresses) goes to the reviewer at this factor.
REPAIRED_ADDRESS = 0.8


def _span_candidates(span: Span) -> list[Candidates | None]:
    """The recogniser's candidates for the span's characters, where cleaning left the line's text as read."""
    raw = span.line.line
    if raw.candidates is None or len(raw.candidates) != len(raw.text) or raw.text != span.line.text:
        return [None] * len(span.text)
    return list(raw.candidates[span.start : span.end])


BIRTH_LINE = re.compile(r"(?:19|20)\d{2}年|\d{1,2}月\d{1,2}")


def _hits(lines: Sequence[Line]) -> dict[str, LabelHit]:
    """The first line holding each label: exact matches anywhere beat fuzzy ones at a line start."""
    hits: dict[str, LabelHit] = {}
    for exact in (True, False):
        for label in FRONT_LABELS:
            if label in hits:
                continue
            for ln in lines:
                hit = find_label(ln, label, at_start_only=not exact)
                if hit is not None and hit.exact == exact:
                    hits[label] = hit
                    break
    return hits


class _FrontReader:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.h = median_height(lines)
        self.hits = _hits(lines)
        self.birth_spans = self._birth_spans()
        self.fields: dict[str, Field] = {}
        self.warnings: list[str] = []

    # --- finding a label's value ------------------------------------------------------------------------
    def _value_span(self, label: str) -> Span | None:
        """Text after the label up to the next label in the same line."""
        hit = self.hits.get(label)
        if hit is None:
            return None
        ends = [h.start for h in self.hits.values() if h.line is hit.line and h.start >= hit.end]
        return hit.line.span(hit.end, min(ends, default=len(hit.line.text)))

    def _value_spans(self, label: str, *, whole_row: bool) -> list[Span]:
        """The value in the label's own line, else the nearest line (or, ``whole_row``, all lines) to its right."""
        hit = self.hits.get(label)
        own = self._value_span(label)
        if hit is None or own is None:
            return []
        spans = [own] if own.text else []
        if spans and not whole_row:
            return spans
        label_right = own.box[0] if own.text else hit.line.span(hit.start, hit.end).box[2]
        beside = []
        for ln in right_of(hit.line, label_right, self.lines, max_gap=12):
            # A neighbour may start with this value and go on with the next label (``女民族汉``).
            starts = [h.start for h in self.hits.values() if h.line is ln]
            end = min(starts, default=len(ln.text))
            if end > 0:
                beside.append(ln.span(0, end))
        if not whole_row:
            return spans or beside[:1]
        return spans + beside

    # --- fields -------------------------------------------------------------------------------------------
    def name(self) -> None:
        for span in self._value_spans("姓名", whole_row=False):
            span = span.strip(lambda c: is_cjk(c) or c == "·")
            value = cjk_only(span.text)
            if 2 <= len(value) <= 15:
                self.fields["name"] = make_field("name", value, [span])
                return
        if "姓名" not in self.hits:
            # The pale label washed out: the name is the top line of short CJK text above the other rows.
            label_lines = {h.line for h in self.hits.values()}
            rows_below = [h.line.bbox[1] for k, h in self.hits.items() if k != "姓名"]
            for ln in sorted(self.lines, key=lambda ln: ln.bbox[1]):
                if rows_below and ln.bbox[1] >= min(rows_below) - 0.5 * self.h:
                    break
                # What is left of a garbled label may lead the line (``名郭帆``, ``姓8余强``).
                skip = 0
                while skip < 2 and skip < len(ln.text) and (ln.text[skip] in "姓名" or not is_cjk(ln.text[skip])):
                    skip += 1
                rest = ln.text[skip:]
                if ln not in label_lines and 2 <= len(rest) <= 5 and all(is_cjk(c) or c == "·" for c in rest):
                    self.fields["name"] = make_field("name", rest, [ln.span(skip)], factor=INFERRED)
                    self.warnings.append("name: the 姓名 label was not read; took the top line / 未识别到姓名标签")
                    return
        self.warnings.append("name: not found / 未识别到姓名")

    def printed_sex(self) -> tuple[str, Span] | None:
        for span in self._value_spans("性别", whole_row=False):
            for i, ch in enumerate(span.text):
                if ch in "男女":
                    return ch, Span(span.line, span.start + i, span.start + i + 1)
        if "性别" not in self.hits:
            lone = next((ln for ln in self.lines if ln.text in ("男", "女") and self._above_birth(ln)), None)
            if lone is not None:
                return lone.text, lone.span()
        return None

    def _above_birth(self, ln: Line) -> bool:
        birth_top = min((sp.line.bbox[1] for sp in self.birth_spans), default=float("inf"))
        return ln.bbox[1] < birth_top - 0.3 * self.h

    def _sex_row(self) -> list[Line]:
        """The row holding the sex, left to right: found by its label, or by a lone 男/女."""
        anchor = self.hits["性别"].line if "性别" in self.hits else None
        if anchor is None:
            anchor = next((ln for ln in self.lines if ln.text in ("男", "女") and self._above_birth(ln)), None)
        if anchor is None:
            return []
        return sorted((ln for ln in self.lines if ln is anchor or same_row(ln, anchor)), key=lambda ln: ln.bbox[0])

    def ethnicity(self) -> None:
        hit = self.hits.get("民族")
        candidates = self._value_spans("民族", whole_row=False)
        if hit is not None and not hit.exact:
            # A fuzzy two-character hit may have eaten the value: ``民汉`` is the label read as one character.
            candidates = [*candidates, hit.line.span(hit.start + 1)]
        for span in candidates:
            span = span.strip(is_cjk)
            found = match_ethnicity(span.text)
            if found:
                name, exact = found
                self.fields["ethnicity"] = make_field("ethnicity", name, [span], factor=1.0 if exact else REPAIRED)
                if not exact:
                    self.warnings.append(f"ethnicity: read '{span.text}', taken as '{name}' / 民族按最接近的名称识别")
                return
        if hit is None or not any(c.text for c in candidates):
            # The label lost or garbled (``蒙古`` alone, ``男服蒙古``, ``性测文民满``): a nationality ending a line
            # of the sex row, after the sex or what is left of the label.
            row = self._sex_row()
            lines = row + [ln for ln in self.lines if ln not in row and self._above_birth(ln)]
            for ln in lines:
                at = max(ln.text.rfind(c) for c in "男女民族")
                if (at < 0 and ln not in row) or len(ln.text) > 12:
                    continue
                tail = ln.text[at + 1 :]
                for k in range(len(tail)):
                    if tail[k:] in ETHNICITIES:
                        span = ln.span(at + 1 + k)
                        self.fields["ethnicity"] = make_field("ethnicity", tail[k:], [span], factor=INFERRED)
                        self.warnings.append("ethnicity: the 民族 label was not read; took it from the sex row")
                        return
        self.warnings.append("ethnicity: not found / 未识别到民族")

    def _birth_spans(self) -> list[Span]:
        spans = self._value_spans("出生", whole_row=True)
        if spans or "出生" in self.hits:
            return spans
        # No label: the row with a line written like part of a birth date (``1990年``, ``3月5日``).
        for ln in self.lines:
            if BIRTH_LINE.search(ln.text):
                row = [r for r in self.lines if r is ln or same_row(r, ln)]
                return [r.span() for r in sorted(row, key=lambda r: r.bbox[0])]
        return []

    def printed_birth(self) -> tuple[dt.date, list[Span]] | None:
        spans = self.birth_spans
        # Separate OCR lines are separate parts of the date (``1982`` ``4`` ``21`` when 年/月 washed out).
        d = parse_date(".".join(s.text for s in spans))
        if d is None or not (1900 <= d.year <= dt.date.today().year):
            return None
        return d, spans

    def _address_start(self, stop_y: float | None) -> Span | None:
        """The first address line: beside 住址, or — when OCR missed the label — the line under the birth date
        in the value column."""
        first = self._value_spans("住址", whole_row=False)
        if first:
            return first[0]
        birth = self.birth_spans
        if not birth:
            return None
        x_col, bottom = birth[0].box[0], max(s.line.bbox[3] for s in birth)
        label_lines = {h.line for h in self.hits.values()}
        for ln in sorted(self.lines, key=lambda ln: ln.bbox[1]):
            if ln.page != birth[0].page or ln in label_lines or ln.bbox[1] < bottom - 0.3 * self.h:
                continue
            if ln.bbox[1] - bottom > 2.5 * self.h or (stop_y is not None and ln.bbox[1] >= stop_y):
                return None
            if abs(ln.bbox[0] - x_col) <= 1.5 * self.h:
                self.warnings.append("address: the 住址 label was not read; took the lines under the birth date")
                return ln.span()
        return None

    def address(self, stop_y: float | None) -> None:
        start = self._address_start(stop_y)
        if start is None:
            self.warnings.append("address: not found / 未识别到住址")
            return
        spans = [start]
        x_col = start.box[0]
        label_lines = {h.line for h in self.hits.values()}
        prev = start.line
        candidates = sorted(
            (ln for ln in self.lines if ln.page == prev.page and ln not in label_lines and ln is not prev),
            key=lambda ln: ln.bbox[1],
        )
        for ln in candidates:
            top = ln.bbox[1]
            if top <= prev.bbox[1] + 0.5 * self.h or same_row(ln, prev):
                continue
            if stop_y is not None and ln.bbox[3] > stop_y + 0.3 * self.h:
                break
            if top - prev.bbox[3] > 1.2 * self.h:
                break  # the address block has ended
            if not (x_col - 1.5 * self.h <= ln.bbox[0] <= x_col + 3 * self.h):
                # Left-aligned under the first address line (whose start is only estimated when the label shares
                # its line), or not part of the address: the photo stands further right.
                continue
            spans.append(ln.span())
            prev = ln
        value = "".join(s.text for s in spans)
        if len(value) < 4:
            self.warnings.append("address: too short to be an address / 住址识别不完整")
        reading = repair_address(value, [c for s in spans for c in _span_candidates(s)])
        if reading.changed:
            self.warnings.append(
                f"address: repaired from the division table and the recogniser's alternatives ({reading.describe()}); "
                f"check the reading / 住址按行政区划及识别候选字校正（{reading.describe()}），请核对"
            )
        factor = REPAIRED_ADDRESS if reading.changed else 1.0
        self.fields["address"] = make_field("address", reading.value, spans, factor=factor)

    def id_number(self, birth: dt.date | None, sex: str | None) -> tuple[IdNumberReading, list[Span]] | None:
        spans = self._value_spans("公民身份号码", whole_row=True)
        text = "".join(s.text for s in spans)
        if not id_runs(text):
            # No label, or nothing beside it: the longest number-like run anywhere, joined with its row.
            best = None
            for ln in self.lines:
                row = [ln, *right_of(ln, ln.bbox[2], self.lines, max_gap=2)]
                joined = "".join(r.text for r in row)
                runs = id_runs(joined)
                if runs:
                    score = min(abs(len(r) - 18) for r in runs)
                    if best is None or score < best[0]:
                        best = (score, [r.span() for r in row])
            if best is None:
                return None
            spans = best[1]
            text = "".join(s.text for s in spans)
        runs = id_runs(text)
        raw = min(runs, key=lambda r: (abs(len(r) - 18), -len(r)))
        # With the printed date and sex as evidence first; a misread printed value must not block a repair.
        reading = repair_id_number(raw, birth_date=birth, sex=sex)
        if not reading.valid and (birth is not None or sex is not None):
            reading = repair_id_number(raw)
        return reading, spans

    # --- all of it ------------------------------------------------------------------------------------------
    def run(self) -> Extraction:
        self.name()
        self.ethnicity()
        sex_read = self.printed_sex()
        birth_read = self.printed_birth()
        number = self.id_number(birth_read[0] if birth_read else None, sex_read[0] if sex_read else None)
        stop_y = None
        if "公民身份号码" in self.hits:
            stop_y = self.hits["公民身份号码"].line.bbox[1]
        elif number is not None:
            stop_y = number[1][0].line.bbox[1]
        self.address(stop_y)
        reading, number_spans = number if number is not None else (None, [])
        if reading is None:
            self.warnings.append("id_number: not found / 未识别到公民身份号码")
        else:
            self._add(*number_field(reading, number_spans))
        birth = (birth_read[0].isoformat(), birth_read[1]) if birth_read else None
        sex = (sex_read[0], [sex_read[1]]) if sex_read else None
        birth_from_number = reading.birth_date.isoformat() if reading and reading.birth_date else None
        sex_from_number = reading.sex if reading else None
        birth_spans = digits_of(reading, number_spans, 6, 14) if reading else []
        sex_spans = digits_of(reading, number_spans, 16, 17) if reading else []
        self._add(*reconcile("birth_date", birth, birth_from_number, birth_spans, "出生日期"))
        self._add(*reconcile("sex", sex, sex_from_number, sex_spans, "性别"))
        order = ("name", "sex", "ethnicity", "birth_date", "address", "id_number")
        return Extraction({k: self.fields[k] for k in order if k in self.fields}, tuple(self.warnings))

    def _add(self, field: Field | None, warnings: list[str]) -> None:
        if field is not None:
            self.fields[field.name] = field
        self.warnings.extend(warnings)


class IdCardFrontExtractor(DocumentExtractor):
    doc_type = DocType.ID_CARD_FRONT.value
    fields = ("name", "sex", "ethnicity", "birth_date", "address", "id_number")
    required_fields = ("name", "id_number")

    def score(self, pages: Sequence[OcrPage]) -> float:
        return _front_score(read_lines(pages))

    def extract(self, pages: Sequence[OcrPage]) -> Extraction:
        lines = read_lines(pages)
        if not lines:
            return Extraction({}, ("no text found on the page / 页面上未识别到文字",))
        return _FrontReader(lines).run()
