"""What both sides of the ID card share: the vocabulary, the classifier scores, and how a field is built."""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.models import BBox, Field
from extractors.id_number import looks_like_id_number
from extractors.idcard.lines import Line, Span, fuzzy_contains

# The 56 nationalities as printed on the card (without 族).
ETHNICITIES = (
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
)

FRONT_LABELS = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码")
BACK_LABELS = ("签发机关", "有效期限")

_FRONT_KEYWORDS = {"公民身份号码": 0.3, "姓名": 0.12, "性别": 0.1, "民族": 0.1, "出生": 0.1, "住址": 0.12}
_BACK_KEYWORDS = {"居民身份证": 0.25, "中华人民共和国": 0.15, "签发机关": 0.25, "有效期限": 0.25}
_DATE_RANGE_RE = re.compile(r"(?:19|20)\d{2}\D{0,2}\d{2}\D{0,2}\d{2}\D{0,3}(?:长期|长|期|(?:19|20)\d{2})")
# An ID card holds a dozen short lines; a page with far more text is some other document quoting these words.
_CARD_TEXT_CHARS = 160


def match_ethnicity(text: str) -> tuple[str, bool] | None:
    """The nationality named at the start of ``text`` (longest match first), and whether it matched exactly.

    A one-character slip in a multi-character name (``土家`` read as ``士家``) is forgiven when only one name fits."""
    t = text.removesuffix("族")
    for name in sorted(ETHNICITIES, key=len, reverse=True):
        if t.startswith(name):
            return name, t == name
    near = [
        n
        for n in ETHNICITIES
        if len(n) >= 2 and len(t) >= len(n) and sum(a == b for a, b in zip(n, t, strict=False)) == len(n) - 1
    ]
    return (near[0], False) if len(near) == 1 else None


def _keyword_score(text: str, keywords: dict[str, float]) -> float:
    score = 0.0
    for kw, weight in keywords.items():
        f = fuzzy_contains(text, kw)
        score += weight * max(0.0, (f - 0.5) / 0.5)  # half the characters or fewer is chance
    return score


def _length_penalty(text: str) -> float:
    return min(1.0, _CARD_TEXT_CHARS * 2 / max(len(text), 1)) if len(text) > _CARD_TEXT_CHARS * 2 else 1.0


def front_score(lines: Sequence[Line]) -> float:
    text = "\n".join(ln.text for ln in lines)
    score = _keyword_score(text, _FRONT_KEYWORDS)
    if any(looks_like_id_number(ln.text) for ln in lines):
        score += 0.3
    return min(score, 1.0) * _length_penalty(text)


def back_score(lines: Sequence[Line]) -> float:
    text = "\n".join(ln.text for ln in lines)
    score = _keyword_score(text, _BACK_KEYWORDS)
    if any(_DATE_RANGE_RE.search(ln.text) for ln in lines):
        score += 0.2
    # A front page mentions no validity; a back page carries no ID number. Penalise what contradicts.
    if any(looks_like_id_number(ln.text) for ln in lines):
        score -= 0.3
    return max(min(score, 1.0), 0.0) * _length_penalty(text)


def union_bbox(spans: Sequence[Span]) -> BBox | None:
    boxes = [s.bbox for s in spans if s.page == spans[0].page]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def make_field(name: str, value: str, spans: Sequence[Span], *, factor: float = 1.0) -> Field:
    """A field with its evidence: the weakest line's confidence (times ``factor`` when repaired or inferred),
    the page of the first span and the box around the spans on that page."""
    conf = min((s.confidence for s in spans), default=0.0) * factor
    return Field(
        name=name,
        value=value,
        confidence=max(0.0, min(conf, 1.0)),
        page=spans[0].page if spans else None,
        bbox=union_bbox(spans) if spans else None,
        raw="".join(s.text for s in spans) or None,
    )
