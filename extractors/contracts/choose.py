"""Reading a contract by structure and agreement rather than by the first label that matches.

Every label hit of a field gives a candidate with what is known of how it was found: the tier of the pattern
(a label as printed, as misread, or prose), whether the value stood beside the label or below it, the words just
before the label (套内 / 分摊 before 建筑面积, 押金为一个月 before 租金) and the clause it stands in (a chapter or
article heading such as 第一条 项目建设依据). Candidates of the wrong kind are dropped (``keep``); among the rest
the caller picks the one that agrees with the document, and the record of the choice (``Evidence``) goes with the
value so its confidence can say how the value was found (extractors.contracts.calibration).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractors.anchors import Layout, Parser, Value
from extractors.contracts.values import parse_date, parse_signed_date
from extractors.contracts.vocabulary import ADDRESS_NOT_OURS

_HEADING = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[章条]|[一二三四五六七八九十]+、)")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百\d]+章")


@dataclass(frozen=True)
class Candidate:
    value: Value
    tier: int  # index of the pattern that found it: 0 = the label as printed
    where: str  # "row" (beside the label), "below", "next_page"
    left: str  # the words just before the label
    section: str  # chapter and article heading of the clause it stands in
    row: int  # the label's row (reading order)


@dataclass(frozen=True)
class Evidence:
    """How a field's value was found: what the confidence calibration reads."""

    tier: int = 0
    where: str = "row"
    competitors: int = 0  # other distinct values of the right kind that were not chosen
    rejected: int = 0  # candidates dropped as of the wrong kind (land parcel, 套内 area, deposit, …)
    agreement: int = 0  # +1 an agreement check passed, -1 one failed, 0 none applies
    repaired: bool = False  # the value was changed from what was read (address divisions, ID digits, names)

    def as_dict(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "where": self.where,
            "competitors": self.competitors,
            "rejected": self.rejected,
            "agreement": self.agreement,
            "repaired": self.repaired,
        }


def sections(layout: Layout) -> list[str]:
    """For each row, the chapter (第…章) and article (第…条 or 一、) it stands under: '第二章… / 第一条…'."""
    chapter = article = ""
    out = []
    for i in range(len(layout.rows)):
        text = layout.row_text(i)
        if _CHAPTER.match(text):
            chapter, article = text[:16], ""
        elif _HEADING.match(text):
            article = text[:16]
        out.append(f"{chapter} / {article}")
    return out


def candidates(
    layout: Layout,
    patterns: Sequence[re.Pattern[str]],
    parse: Parser,
    *,
    whole_below: bool = False,
    heads: list[str] | None = None,
    start_tier: int = 0,
) -> list[Candidate]:
    """Every value any of ``patterns`` gives, by pattern priority then reading order; tiers count from
    ``start_tier`` (when the caller puts these after patterns of its own)."""
    heads = heads if heads is not None else sections(layout)
    out = []
    for tier, pattern in enumerate(patterns, start=start_tier):
        for hit in layout.find_labels(pattern):
            v = layout.value_at(hit, parse, whole_below=whole_below)
            if v is None:
                continue
            where = layout.candidate(hit)[1]
            out.append(Candidate(v, tier, where, layout.left_of(hit), heads[hit.row_index], hit.row_index))
    return out


def signing_candidates(
    layout: Layout,
    labelled: Sequence[re.Pattern[str]],
    prose: re.Pattern[str],
    dated: re.Pattern[str],
    heads: list[str],
) -> list[Candidate]:
    """The signing date's candidates, surest first: after a signing label (签订时间：), in prose (本合同于…签订, the
    verb after the date), then after a bare 日期 label."""
    n = len(labelled)
    return [
        *candidates(layout, labelled, parse_date, heads=heads),
        *candidates(layout, [prose], parse_signed_date, heads=heads, start_tier=n),
        *candidates(layout, [dated], parse_date, heads=heads, start_tier=n + 1),
    ]


def split(cands: Sequence[Candidate], keep: Callable[[Candidate], bool]) -> tuple[list[Candidate], int]:
    """The candidates of the right kind, and how many were dropped."""
    kept = [c for c in cands if keep(c)]
    return kept, len(cands) - len(kept)


def first(kept: Sequence[Candidate], rejected: int, *, agreement: int = 0) -> tuple[Value | None, Evidence]:
    """The best-placed candidate (pattern priority, then reading order) with its evidence."""
    if not kept:
        return None, Evidence(rejected=rejected, tier=-1, where="none")
    best = kept[0]
    others = {str(c.value.value) for c in kept} - {str(best.value.value)}
    return best.value, Evidence(best.tier, best.where, len(others), rejected, agreement)


# --- kinds ---------------------------------------------------------------------------------------------
# A parcel of land (…路以西的地块, 宗地) and the project around the house are not the house.
PARCEL = re.compile(r"地块|宗地|以东|以西|以南|以北|四至|用地|红线")
# A dwelling's address ends in its unit: a number (or 号/室/户), a building, a stairwell or a floor.
_DWELLING = re.compile(r"(?:[\d一二三四五六七八九十零〇]+(?:号|室|户|号房|号楼|栋|幢|座|单元|层)|[A-Za-z\d]+室?)$")
_LAND_CLAUSE = re.compile(r"项目建设依据|土地|地块|预售依据|销售依据|建设用地")


# A label right after these words is a party's address (通讯详细地址, 公司住所地址), not the house's.
_NOT_OURS = re.compile(rf"(?:{'|'.join(ADDRESS_NOT_OURS)})$")


def is_dwelling(c: Candidate) -> bool:
    text = str(c.value.value)
    ours = not _NOT_OURS.search(c.left)
    return ours and not PARCEL.search(text) and bool(_DWELLING.search(text)) and not _LAND_CLAUSE.search(c.section)


# An area after these words is part of the floor area or of the land, not the floor area itself.
_NOT_FLOOR_AREA = re.compile(r"(?:套内|分摊|共有|公摊|共用|使用权|土地|阳台|车位|储藏|附属|地下)$")


def is_floor_area(c: Candidate) -> bool:
    return not _NOT_FLOOR_AREA.search(c.left) and not _LAND_CLAUSE.search(c.section)


# A money amount after these words (in the same sentence) is a deposit, a fine or a part payment.
_NOT_RENT = re.compile(r"押金|保证金|违约金|定金|滞纳金|物业费|中介费")
_NOT_TOTAL = re.compile(r"单价|每平方米|首期|首付|定金|余款|贷款|违约金|押金")


def _same_sentence(left: str) -> str:
    return re.split(r"[。;；,，\n]", left)[-1]


# Rent for another period than the month, or for the whole term: 年租金, 季租金, 半年租金, 总租金, 全部租金.
_NOT_MONTHLY = re.compile(r"(?:年|季|季度|总|全部|全年)$")


def is_rent(c: Candidate) -> bool:
    return not _NOT_RENT.search(_same_sentence(c.left)) and not _NOT_MONTHLY.search(c.left)


def is_total(c: Candidate) -> bool:
    return not _NOT_TOTAL.search(_same_sentence(c.left)[-6:])
