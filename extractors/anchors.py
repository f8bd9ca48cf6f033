"""Label-anchor search over laid-out text, shared by the extractors of form-like documents.

A document's lines (from OCR or a PDF text layer) are grouped into rows per page. A label is found by a regex
over the normalised text (NFKC: full-width punctuation and digits become half-width; spaces dropped); its value
is looked for where people write one: after the label on the same row (including the cells to its right),
continuing over line wraps, or — when the label ends its row — on the next row or at the top of the next page.
Every character keeps its provenance, so a value's bbox is the union of the boxes of the characters it was
read from, in that page's own coordinates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from domain.models import BBox, Candidates, OcrPage, TextLine

_CLAUSE_START = re.compile(r"^(\d{1,2}[.、)]|第[一二三四五六七八九十\d]+[条章])")
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?|[-—－]\s*\d+\s*[-—－]|\d+\s*/\s*\d+|(?:Page|页码)\s*\d+.*)\s*$"
)
BLANK_CHARS = set("_＿-—–…·.。:：,，;；/ \n")


def normalise_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    return "".join(c for c in n if not c.isspace())


def _char_weight(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


@dataclass(frozen=True)
class Row:
    page: int
    lines: tuple[TextLine, ...]  # left to right

    @property
    def top(self) -> float:
        return min(ln.bbox[1] for ln in self.lines)

    @property
    def bottom(self) -> float:
        return max(ln.bbox[3] for ln in self.lines)

    @property
    def height(self) -> float:
        return max(ln.height for ln in self.lines)


@dataclass(frozen=True)
class Chars:
    """Normalised text with, for each character, the line it came from and its estimated box."""

    text: str
    origin: tuple[tuple[int, TextLine, BBox] | None, ...]  # None for inserted separators
    # Per character, the recogniser's candidates (see TextLine.candidates); () when none are known at all.
    candidates: tuple[Candidates | None, ...] = ()

    def _candidates(self) -> tuple[Candidates | None, ...]:
        return self.candidates or (None,) * len(self.text)

    def __add__(self, other: Chars) -> Chars:
        both = self._candidates() + other._candidates() if self.candidates or other.candidates else ()
        return Chars(self.text + other.text, self.origin + other.origin, both)

    def __getitem__(self, s: slice) -> Chars:
        return Chars(self.text[s], self.origin[s], self.candidates[s] if self.candidates else ())

    def constrained(self, allowed: str) -> tuple[str, int]:
        """The text with each character that is not in ``allowed`` replaced by the likeliest of its candidates
        that is, where the recogniser had one; and how many were replaced. Same length as ``text``."""
        out, replaced = list(self.text), 0
        for i, (ch, cands) in enumerate(zip(self.text, self._candidates(), strict=True)):
            if ch in allowed or not cands:
                continue
            better = next((c for c, _ in cands if c in allowed), None)
            if better is not None:
                out[i], replaced = better, replaced + 1
        return "".join(out), replaced

    def bbox(self, start: int = 0, end: int | None = None) -> tuple[int | None, BBox | None]:
        """Page and union box of the characters in [start, end) on the first page they touch."""
        boxes = [o for o in self.origin[start:end] if o is not None]
        if not boxes:
            return None, None
        page = boxes[0][0]
        on_page = [b for p, _, b in boxes if p == page]
        return page, (
            min(b[0] for b in on_page),
            min(b[1] for b in on_page),
            max(b[2] for b in on_page),
            max(b[3] for b in on_page),
        )

    def confidence(self, start: int = 0, end: int | None = None) -> float:
        lines = {id(o[1]): o[1].confidence for o in self.origin[start:end] if o is not None}
        return min(lines.values()) if lines else 0.0


SEP = Chars(" ", (None,))
NEWLINE = Chars("\n", (None,))


def line_chars(page: int, line: TextLine) -> Chars:
    """Normalised characters of one line with boxes estimated from character widths (CJK wide, Latin narrow)."""
    raw = line.text
    weights = [_char_weight(c) for c in raw]
    total = sum(weights) or 1.0
    x0, y0, x1, y1 = line.bbox
    width = x1 - x0
    text: list[str] = []
    origin: list = []
    candidates: list[Candidates | None] = []
    per_char = line.candidates if line.candidates is not None and len(line.candidates) == len(raw) else None
    pos = 0.0
    for i, (ch, w) in enumerate(zip(raw, weights, strict=True)):
        box = (x0 + width * pos / total, y0, x0 + width * (pos + w) / total, y1)
        pos += w
        normalised = normalise_char(ch)
        cands = None
        if per_char is not None and len(normalised) == 1:
            cands = tuple((n, p) for c, p in per_char[i] if len(n := normalise_char(c)) == 1)
        for n in normalised:
            text.append(n)
            origin.append((page, line, box))
            candidates.append(cands)
    return Chars("".join(text), tuple(origin), tuple(candidates) if per_char is not None else ())


def group_rows(page_index: int, lines: Iterable[TextLine]) -> list[Row]:
    rows: list[list[TextLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0])):
        for row in rows[-3:]:
            ref = max(row, key=lambda r: r.height)
            if abs(ln.cy - ref.cy) <= 0.45 * min(ln.height, ref.height):
                row.append(ln)
                break
        else:
            rows.append([ln])
    out = [Row(page_index, tuple(sorted(r, key=lambda ln: ln.bbox[0]))) for r in rows]
    return sorted(out, key=lambda r: r.top)


@dataclass(frozen=True)
class LabelHit:
    row_index: int  # into Layout.rows
    line_index: int  # into the row's lines
    start: int  # label span in that line's normalised text
    end: int
    label: str


@dataclass(frozen=True)
class Value:
    value: object
    raw: str
    page: int | None
    bbox: BBox | None
    confidence: float
    # The characters the value was read from, with their candidates (for re-reading it under constraints).
    chars: Chars | None = field(default=None, compare=False, repr=False)


# A parser reads a value at the start of a candidate text: (value, start, end) or None.
Parser = Callable[[str], tuple[object, int, int] | None]


class Layout:
    """All rows of a document in reading order, with label search and value lookup around labels."""

    def __init__(self, pages: Sequence[OcrPage], *, stop_labels: re.Pattern[str] | None = None) -> None:
        rows = [row for i, p in enumerate(pages) for row in group_rows(i, p.lines)]
        # Page numbers and running headers sit between a label and a value carried over to the next page.
        self.rows: list[Row] = [r for r in rows if not _PAGE_FURNITURE.match("".join(ln.text for ln in r.lines))]
        self._row_chars = [[line_chars(r.page, ln) for ln in r.lines] for r in self.rows]
        self.stop_labels = stop_labels
        self._page_left: dict[int, float] = {}
        for r in self.rows:
            self._page_left[r.page] = min(self._page_left.get(r.page, r.lines[0].bbox[0]), r.lines[0].bbox[0])

    # --- text views ----------------------------------------------------------------------------------
    def row_text(self, i: int) -> str:
        return "".join(c.text for c in self._row_chars[i])

    def full_text(self, pages: Iterable[int] | None = None) -> str:
        keep = set(pages) if pages is not None else None
        return "\n".join(self.row_text(i) for i, r in enumerate(self.rows) if keep is None or r.page in keep)

    def row_rest(self, hit: LabelHit) -> Chars:
        """Characters after the label on its row: the rest of its line, then the lines to its right."""
        chars = self._row_chars[hit.row_index]
        rest = chars[hit.line_index][hit.end :]
        for c in chars[hit.line_index + 1 :]:
            rest = rest + SEP + c
        return rest

    def left_of(self, hit: LabelHit, n: int = 12) -> str:
        """Up to ``n`` characters before the label: on its row, or at the end of the row it wraps from (what
        qualifies it: 套内 / 分摊 before 建筑面积, 押金为一个月 before 租金)."""
        chars = self._row_chars[hit.row_index]
        before = " ".join(c.text for c in chars[: hit.line_index])
        before = (before + " " if before else "") + chars[hit.line_index].text[: hit.start]
        i = hit.row_index
        if len(before) < n and i > 0 and self._is_continuation(i - 1, i):
            before = self.row_text(i - 1) + before
        return before[-n:]

    def whole_row(self, i: int) -> Chars:
        out = Chars("", ())
        for k, c in enumerate(self._row_chars[i]):
            out = out + (SEP + c if k else c)
        return out

    # --- labels -------------------------------------------------------------------------------------
    def find_labels(self, pattern: re.Pattern[str]) -> list[LabelHit]:
        """Every match of ``pattern`` inside a line, or broken over a line wrap, in reading order. A label
        broken over a wrap (每月租 / 金：…) is anchored where it ends, in the next row's first line."""
        hits = []
        for ri, chars in enumerate(self._row_chars):
            for li, c in enumerate(chars):
                for m in pattern.finditer(c.text):
                    hits.append(LabelHit(ri, li, m.start(), m.end(), m.group(0)))
            if ri + 1 < len(self.rows) and self._is_continuation(ri, ri + 1):
                tail, head = chars[-1].text, self._row_chars[ri + 1][0].text
                for m in pattern.finditer(tail[-12:] + head[:12]):
                    cut = len(tail[-12:])
                    if m.start() < cut < m.end():
                        hits.append(LabelHit(ri + 1, 0, 0, m.end() - cut, m.group(0)))
        return hits

    def label_page(self, patterns: Sequence[re.Pattern[str]]) -> int | None:
        """The page of the first label found (by pattern priority, then reading order): where a value that
        could not be read should have been."""
        for pattern in patterns:
            hits = self.find_labels(pattern)
            if hits:
                return self.rows[hits[0].row_index].page
        return None

    def starts_with_label(self, text: str) -> bool:
        return bool(self.stop_labels and self.stop_labels.match(text.lstrip(" \n")))

    def _row_opens_with_label(self, i: int) -> bool:
        """A row whose first line is a label: with a colon, or alone in its cell (a table's row header)."""
        if self.stop_labels is None:
            return False
        first = self._row_chars[i][0].text
        return bool(self.stop_labels.match(first) or self.stop_labels.fullmatch(first + ":"))

    def cut_at_label(self, chars: Chars) -> tuple[Chars, bool]:
        """The characters before the next label (a value never runs into the next label); and whether cut."""
        if self.stop_labels is None:
            return chars, False
        m = self.stop_labels.search(chars.text)
        return (chars[: m.start()], True) if m else (chars, False)

    def _is_continuation(self, prev: int, nxt: int) -> bool:
        """Whether row ``nxt`` carries on the text of row ``prev`` (a wrapped line, or a wrapped table cell)."""
        a, b = self.rows[prev], self.rows[nxt]
        if b.page != a.page:
            return False
        if b.top - a.bottom > 1.2 * max(a.height, b.height):
            return False
        text = self.row_text(nxt)
        return not (self._row_opens_with_label(nxt) or _CLAUSE_START.match(text))

    def candidate(self, hit: LabelHit, *, wraps: int = 2) -> tuple[Chars, str]:
        """The text a label's value is read from, and where it came from ("row", "below", "next_page")."""
        rest, cut = self.cut_at_label(self.row_rest(hit))
        body = rest.text.strip(" :")
        if body and not all(ch in BLANK_CHARS for ch in body):
            i = hit.row_index
            while not cut and wraps > 0 and i + 1 < len(self.rows) and self._is_continuation(i, i + 1):
                i += 1
                wraps -= 1
                more, cut = self.cut_at_label(self.whole_row(i))
                rest = rest + NEWLINE + more
            return rest, "row"
        if cut:
            return Chars("", ()), "blank"  # another label follows at once: this one was left empty
        nxt = hit.row_index + 1
        if nxt >= len(self.rows):
            return Chars("", ()), "none"
        row, below = self.rows[hit.row_index], self.rows[nxt]
        if self._row_opens_with_label(nxt):
            return Chars("", ()), "blank"
        if below.page == row.page and below.top - row.bottom <= 2.5 * row.height:
            return self.cut_at_label(self.whole_row(nxt))[0], "below"
        if below.page == row.page + 1 and self._is_last_row_of_page(hit.row_index):
            return self.cut_at_label(self.whole_row(nxt))[0], "next_page"
        return Chars("", ()), "none"

    def _is_last_row_of_page(self, i: int) -> bool:
        return i + 1 >= len(self.rows) or self.rows[i + 1].page != self.rows[i].page

    def value_at(self, hit: LabelHit, parse: Parser, *, whole_below: bool = False) -> Value | None:
        """The parsed value for one label. ``whole_below``: a value found below the label must fill its row
        (a short name under a label could otherwise be any heading)."""
        chars, where = self.candidate(hit)
        if not chars.text:
            return None
        text = chars.text
        found = parse(text)
        if found is None:
            return None
        value, start, end = found
        if where in ("below", "next_page") and whole_below and text[end:].strip(" 。,.;:\n"):
            return None
        page, bbox = chars.bbox(start, end)
        penalty = 1.0 if where == "row" else 0.9
        return Value(value, chars.text[start:end], page, bbox, chars.confidence(start, end) * penalty, chars[start:end])

    def first_value(
        self, patterns: Sequence[re.Pattern[str]], parse: Parser, *, whole_below: bool = False
    ) -> Value | None:
        """The value of the first label (by pattern priority, then reading order) whose value parses."""
        for pattern in patterns:
            for hit in self.find_labels(pattern):
                v = self.value_at(hit, parse, whole_below=whole_below)
                if v is not None:
                    return v
        return None

    def search(self, pattern: re.Pattern[str], *, group: int = 1) -> tuple[str, int | None, BBox | None, float] | None:
        """A free pattern over each row (for prose such as '自2024年1月1日起至…'): text, page, bbox, confidence."""
        for i in range(len(self.rows)):
            chars = self.whole_row(i)
            if i + 1 < len(self.rows) and self._is_continuation(i, i + 1):
                chars = chars + NEWLINE + self.whole_row(i + 1)
            m = pattern.search(chars.text)
            if m:
                page, bbox = chars.bbox(m.start(group), m.end(group))
                return m.group(group), page, bbox, chars.confidence(m.start(group), m.end(group))
        return None


CJK_CHAR = "[\u4e00-\u9fff]"
# How a role is introduced in brackets after a party label: 出租方（以下简称甲方）.
ALIAS = "以下简称|以下称|下称|简称"


def one_char_misreads(words: Sequence[str], rivals: Iterable[str]) -> tuple[str, ...]:
    """Regexes for ``words`` of three or more characters with any one character misread (买爱人 for 买受人), except
    where that would also match a rival label (?租人 is both 出租人 and 承租人, so neither gets it)."""
    others = [r for r in rivals if r not in words]
    out = []
    for w in words:
        if len(w) < 3:
            continue
        for k in range(len(w)):
            variant = re.escape(w[:k]) + CJK_CHAR + re.escape(w[k + 1 :])
            rx = re.compile(variant)
            if not any(rx.fullmatch(o) for o in others):
                out.append(variant)
    return tuple(dict.fromkeys(out))


def label_pattern(
    words: Sequence[str],
    *,
    roles: str = "",
    colon: bool = True,
    whole_line: bool = True,
    isolated: bool = True,
    regexes: Sequence[str] = (),
) -> re.Pattern[str]:
    """A label: one of ``words`` (or of ``regexes``) not inside a longer CJK word on its left, an optional role
    in brackets (``出租人（甲方）``), then a colon — or alone in its line (a table cell). ``isolated=False`` lets
    a label follow other characters directly (party labels in an OCR line that ran two fields together)."""
    alt = "|".join([*sorted((re.escape(w) for w in words), key=len, reverse=True), *regexes])
    role = rf"(?:[(【\[](?:{ALIAS})?(?:{roles})[)】\]])?" if roles else ""
    left = r"(?<![\u4e00-\u9fff])" if isolated else ""
    parts = []
    if colon:
        parts.append(rf"{left}(?:{alt}){role}\s*[:]")
    if whole_line:
        parts.append(rf"^(?:{alt}){role}$")
    return re.compile("|".join(parts))
