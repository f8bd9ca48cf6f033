"""Label-and-value reading over OCR lines, for a card whose labels OCR may merge with their values.

PaddleOCR often returns ``姓名张三丰`` or ``性别男民族汉`` as one line, or splits ``2001年7月26`` from ``日``.
A ``Line`` is one OCR line with its cleaned text; a ``Span`` is part of one, with a bbox cut in proportion to
the characters (a CJK character is about twice as wide as a digit). ``find_label`` tolerates OCR slips in the
label itself.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.models import BBox, OcrPage, TextLine
from extractors.normalize import clean_text, is_cjk

# Traditional or variant forms OCR models print for the simplified characters of mainland documents (the
# recogniser's dictionary holds both; a mainland card prints only simplified ones).
VARIANT_CHARS = str.maketrans({"別": "别", "漢": "汉", "號": "号", "碼": "码", "證": "证", "長": "长", "發": "发", "關": "关", "國": "国", "華": "华", "區": "区", "縣": "县", "鄉": "乡", "鎮": "镇", "單": "单", "門": "门", "棟": "栋", "樓": "楼", "蘇": "苏", "東": "东", "廣": "广", "陝": "陕", "慶": "庆", "溝": "沟", "灣": "湾", "強": "强", "偉": "伟", "麗": "丽", "軍": "军", "傑": "杰", "濤": "涛", "紅": "红", "蘭": "兰", "雲": "云", "鵬": "鹏", "龍": "龙", "鳳": "凤", "書": "书", "園": "园", "風": "风", "興": "兴", "寧": "宁", "開": "开", "陽": "阳", "劉": "刘", "陳": "陈", "楊": "杨", "黃": "黄", "趙": "赵", "吳": "吴", "孫": "孙", "馬": "马", "鄭": "郑", "謝": "谢", "韓": "韩", "馮": "冯", "鄧": "邓", "蕭": "萧", "葉": "叶", "盧": "卢", "薑": "姜", "鐘": "钟", "譚": "谭", "陸": "陆", "範": "范", "賈": "贾", "鄒": "邹", "閆": "闫", "嚴": "严", "龔": "龚", "萬": "万", "錢": "钱", "湯": "汤", "詩": "诗", "語": "语", "澤": "泽", "軒": "轩", "瑩": "莹", "靜": "静", "濱": "滨", "貴": "贵", "錦": "锦", "繡": "绣", "諧": "谐", "館": "馆", "學": "学", "豐": "丰", "鐵": "铁", "貿": "贸", "機": "机", "觀": "观", "舊": "旧", "價": "价", "歲": "岁", "歷": "历", "廈": "厦", "廳": "厅", "廠": "厂", "際": "际", "戶": "户", "議": "议", "辦": "办", "處": "处", "務": "务", "場": "场", "濟": "济", "遼": "辽", "內": "内", "塊": "块", "層": "层", "壩": "坝", "隊": "队", "團": "团", "黨": "党", "會": "会", "員": "员", "質": "质", "達": "达", "遠": "远", "運": "运", "連": "连", "進": "进", "還": "还", "邊": "边", "農": "农", "鄰": "邻", "齊": "齐", "龐": "庞"})  # fmt: skip


def _width(ch: str) -> float:
    return 1.0 if (is_cjk(ch) or not ch.isascii()) else 0.55


@dataclass(frozen=True)
class Line:
    page: int
    line: TextLine
    text: str  # cleaned: NFKC, no whitespace, simplified variants
    box: BBox  # the line's box with the page's text tilt taken out: rows and columns are judged on this

    @property
    def bbox(self) -> BBox:
        return self.box

    @property
    def confidence(self) -> float:
        return self.line.confidence

    def span(self, start: int = 0, end: int | None = None) -> Span:
        end = len(self.text) if end is None else end
        return Span(self, max(start, 0), min(end, len(self.text)))


@dataclass(frozen=True)
class Span:
    line: Line
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.line.text[self.start : self.end]

    @property
    def page(self) -> int:
        return self.line.page

    @property
    def confidence(self) -> float:
        return self.line.confidence

    @property
    def bbox(self) -> BBox:
        """The part of the line these characters cover, in page coordinates: cut along the line's own polygon
        when the engine gave one (a tilted line), else along the long side of its box."""
        ocr = self.line.line
        text = self.line.text
        if not text or (self.start == 0 and self.end >= len(text)):
            return ocr.bbox
        widths = [_width(c) for c in text]
        total = sum(widths)
        a, b = sum(widths[: self.start]) / total, sum(widths[: self.end]) / total
        if ocr.polygon is not None and len(ocr.polygon) == 4:
            tl, tr, br, bl = ocr.polygon
            pts = [
                (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t) for p, q in ((tl, tr), (bl, br)) for t in (a, b)
            ]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            return (min(xs), min(ys), max(xs), max(ys))
        x0, y0, x1, y1 = ocr.bbox
        if x1 - x0 >= y1 - y0:
            return (x0 + (x1 - x0) * a, y0, x0 + (x1 - x0) * b, y1)
        return (x0, y0 + (y1 - y0) * a, x1, y0 + (y1 - y0) * b)

    @property
    def box(self) -> BBox:
        """The same cut of the line's untilted layout box (for comparing positions, not for evidence)."""
        x0, y0, x1, y1 = self.line.box
        text = self.line.text
        if not text:
            return self.line.box
        widths = [_width(c) for c in text]
        total = sum(widths)
        a, b = sum(widths[: self.start]) / total, sum(widths[: self.end]) / total
        return (x0 + (x1 - x0) * a, y0, x0 + (x1 - x0) * b, y1)

    def strip(self, keep) -> Span:
        """Narrows the span to the first..last character for which ``keep(ch)`` holds."""
        idx = [i for i in range(self.start, self.end) if keep(self.line.text[i])]
        return Span(self.line, idx[0], idx[-1] + 1) if idx else Span(self.line, self.start, self.start)


def text_tilt(page: OcrPage) -> float:
    """The page's text direction in radians (median over lines of a few characters), from the engine's polygons."""
    angles = [
        math.atan2(ln.polygon[1][1] - ln.polygon[0][1], ln.polygon[1][0] - ln.polygon[0][0])
        for ln in page.lines
        if ln.polygon is not None and len(ln.polygon) == 4 and len(ln.text.strip()) >= 3
    ]
    return statistics.median(angles) if angles else 0.0


def _untilted_box(ln: TextLine, angle: float, centre: tuple[float, float]) -> BBox:
    pts = ln.polygon if ln.polygon is not None else ((ln.bbox[0], ln.bbox[1]), (ln.bbox[2], ln.bbox[3]))
    c, s = math.cos(angle), math.sin(angle)
    cx, cy = centre
    xs = [cx + (x - cx) * c + (y - cy) * s for x, y in pts]
    ys = [cy - (x - cx) * s + (y - cy) * c for x, y in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def read_lines(pages: Sequence[OcrPage], *, min_confidence: float = 0.3) -> list[Line]:
    """Every usable line of every page, cleaned; near-empty low-confidence blobs (photo areas) are dropped.

    Capture normally hands over an upright, cropped card; when it could not, the card may lie tilted in the
    frame, so rows are judged with the text's own tilt taken out (up to 45°)."""
    out = []
    for index, page in enumerate(pages):
        angle = text_tilt(page)
        straight = abs(angle) < math.radians(1.5) or abs(angle) > math.radians(45)
        centre = (page.width / 2, page.height / 2)
        for ln in page.lines:
            text = clean_text(ln.text).translate(VARIANT_CHARS)
            if not text or (ln.confidence < min_confidence and len(text) <= 3):
                continue
            box = ln.bbox if straight else _untilted_box(ln, angle, centre)
            out.append(Line(index, ln, text, box))
    return out


def same_row(a: Line, b: Line, *, overlap: float = 0.5) -> bool:
    """Whether two lines stand side by side: their vertical extents overlap by ``overlap`` of the smaller."""
    if a.page != b.page:
        return False
    top, bottom = max(a.bbox[1], b.bbox[1]), min(a.bbox[3], b.bbox[3])
    return bottom - top >= overlap * min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])


def right_of(anchor: Line, x: float, lines: Iterable[Line], *, max_gap: float | None = None) -> list[Line]:
    """Lines in the anchor's row that start right of ``x``, nearest first (``max_gap`` in line heights)."""
    h = max(anchor.bbox[3] - anchor.bbox[1], 1.0)
    found = [
        ln
        for ln in lines
        if ln is not anchor
        and same_row(anchor, ln)
        and ln.bbox[0] >= x - 0.8 * h
        and (max_gap is None or ln.bbox[0] - x <= max_gap * h)
    ]
    return sorted(found, key=lambda ln: ln.bbox[0])


def _lcs_in_window(text: str, label: str, start: int, window: int) -> int:
    """How many of the label's characters appear in order within text[start:start+window]."""
    seg = text[start : start + window]
    prev = [0] * (len(seg) + 1)
    for ch in label:
        cur = [0] * (len(seg) + 1)
        for j, c in enumerate(seg):
            cur[j + 1] = prev[j] + 1 if ch == c else max(prev[j + 1], cur[j])
        prev = cur
    return prev[-1]


@dataclass(frozen=True)
class LabelHit:
    label: str
    line: Line
    start: int
    end: int
    exact: bool


def find_label(line: Line, label: str, *, at_start_only: bool = False) -> LabelHit | None:
    """Where ``label`` stands in the line. Exact first; else a two-character label with one character right
    at the start of the line (``娃名``, ``性剐``), or a long label with all but a third of its characters in order."""
    text = line.text
    pos = text.find(label)
    if pos >= 0 and (pos == 0 or not at_start_only):
        return LabelHit(label, line, pos, pos + len(label), True)
    n = len(label)
    if n == 2:
        if len(text) >= 2 and (text[0] == label[0] or text[1] == label[1]) and is_cjk(text[0]) and is_cjk(text[1]):
            return LabelHit(label, line, 0, 2, False)
        if text[:1] == label[1] and len(text) > 1:  # the first character lost (``址北京市…``)
            return LabelHit(label, line, 0, 1, False)
        return None
    need = n - max(n // 3, 1)
    starts = [0] if at_start_only else range(max(len(text) - need + 1, 1))
    for s in starts:
        if s < len(text) and text[s] in label:
            window = n + 1
            if _lcs_in_window(text, label, s, window) >= need:
                end = s  # after the last label character inside the window
                for j in range(s, min(s + window, len(text))):
                    if text[j] in label:
                        end = j + 1
                return LabelHit(label, line, s, end, False)
    return None


def fuzzy_contains(text: str, keyword: str) -> float:
    """0..1: the best share of ``keyword``'s characters found in order in a short window of ``text``."""
    if keyword in text:
        return 1.0
    n = len(keyword)
    best = 0
    for s in range(len(text)):
        if text[s] in keyword:
            best = max(best, _lcs_in_window(text, keyword, s, n + 2))
            if best == n:
                break
    return best / n if n else 0.0


def median_height(lines: Sequence[Line]) -> float:
    hs = sorted(ln.bbox[3] - ln.bbox[1] for ln in lines)
    return hs[len(hs) // 2] if hs else 1.0


def cut(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The pieces of ``spans`` that hold characters ``start:end`` of their joined text."""
    out, offset = [], 0
    for s in spans:
        n = s.end - s.start
        a, b = max(start - offset, 0), min(end - offset, n)
        if a < b:
            out.append(Span(s.line, s.start + a, s.start + b))
        offset += n
    return out
