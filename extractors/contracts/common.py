"""What the contract extractors share: the label vocabulary that ends a value, scoring by title and
vocabulary, and turning found values into Fields."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from domain.models import Candidates, Field, OcrPage
from extractors.addresses import repair_address
from extractors.anchors import ALIAS, Chars, Layout, Value, label_pattern, one_char_misreads
from extractors.contracts.amounts import (
    WORDS_ALPHABET,
    constrained_span,
    parse_figure,
    parse_words,
    words_to_decimal,
)
from extractors.contracts.vocabulary import (
    ADDRESS_LABEL,
    AREA_LABEL,
    BUYER_ROLES,
    CONTRACT_NO_LABEL,
    LABEL_NOTE,
    LABEL_START,
    SELLER_ROLES,
    SIGNING_LABEL,
    TOTAL_LABEL,
)

DISAGREEING = 0.7  # an amount whose figures and 大写 do not say the same
REPAIRED_ADDRESS = 0.8  # an address whose divisions or units were repaired (extractors.addresses): to review


def with_ocr_variants(words: Sequence[str]) -> tuple[str, ...]:
    """Labels plus the misreading OCR makes most often in them: 人 read as 入 (买受入, 出租入)."""
    return tuple(words) + tuple(w[:-1] + "入" for w in words if w.endswith("人"))


ROLES = "|".join(
    sorted({"甲方", "乙方", "出租方", "承租方", "出租人", "承租人", *SELLER_ROLES, *BUYER_ROLES}, key=len, reverse=True)
)
# Every label that may follow a value on the same line: a value stops where one of these begins.
STOP_WORDS = (
    "出卖人", "买受人", "卖方", "买方", "出售方", "购买方", "出租人", "承租人", "出租方", "承租方", "甲方", "乙方",
    "证件类型", "证件号码", "身份证号码", "身份证号", "身份证", "证件号", "联系电话", "电话", "通讯地址", "联系地址",
    "住址", "邮政编码", "法定代表人", "委托代理人", "代理人", "营业执照", "统一社会信用代码", "出生日期", "性别",
    "国籍", "房屋坐落", "房屋地址", "房屋座落", "建筑面积", "套内建筑面积", "房屋用途", "用途", "单价",
    "总价款", "房屋总价", "成交价", "月租金", "租金标准", "租赁期限", "合同编号", "签订日期", "签订时间",
    "签约日期", "签订地点", "备案日期", "生效日期", "交付日期", "日期", "押金", "共有人", "共同承租人",
    *SELLER_ROLES, *BUYER_ROLES,
)  # fmt: skip
STOP_WORDS = tuple(dict.fromkeys(STOP_WORDS))  # the party tables repeat a few of the words above
# A label found by its structure (extractors.contracts.vocabulary: 详细地址, 总金额, 签约时间 …) ends a value too.
_STRUCTURED = (ADDRESS_LABEL, TOTAL_LABEL, SIGNING_LABEL, AREA_LABEL, CONTRACT_NO_LABEL)
STOP_LABELS = re.compile(
    rf"(?:【[^】]{{1,6}}】)?(?:{'|'.join(sorted(with_ocr_variants(STOP_WORDS), key=len, reverse=True))}"
    rf"|{'|'.join(_STRUCTURED)})"
    rf"(?:[(【](?:{ALIAS})?(?:{ROLES}|签字或盖章|签章|盖章|签字)[)】])?[:]"
)


def layout_of(pages: Sequence[OcrPage]) -> Layout:
    return Layout(pages, stop_labels=STOP_LABELS)


# Every label word any contract extractor looks for: a misread label must not be taken for one of these.
LABEL_VOCABULARY = (
    *STOP_WORDS, "网签合同编号", "合同备案号", "备案编号", "网签编号", "房产地址", "坐落地点", "成交价格",
    "房屋总价款", "转让价款", "转让方", "受让方", "租赁房屋地址", "出租房屋地址", "房屋位置", "每月租金",
    "签署日期", "合同签订日期", "签约时间", "房东", "租客", "租户",
)  # fmt: skip


def labels(
    *words: str, roles: bool = True, misreads: bool = False, structure: str = "", start: str = LABEL_START
) -> re.Pattern[str]:
    """Role labels (``roles=True``) may follow other text directly; short generic ones (日期) may not.

    ``structure``: a regex of the field's labels by head noun and modifiers (extractors.contracts.vocabulary),
    matched as the ``words`` are (beginning at ``start``, a bracketed note allowed before the colon); only the
    listed words get misread variants.

    ``misreads`` also takes each label of three or more characters with one character misread by OCR under
    glare or blur (买爱人：, 合同编兮：), unless that could be another label (?租人 is 出租人 or 承租人). Such a
    variant must stand clear of CJK text on its left and end in a colon or its cell, as a label does. A role
    label also counts when it stands in the brackets after a misread one (申方（出租方）： for 甲方（出租方）：):
    the bracket names the role."""
    own = with_ocr_variants(words)
    exact = label_pattern(own, roles=ROLES if roles else "", isolated=not roles)
    if structure:
        exact = re.compile(rf"{exact.pattern}|{start}(?:{structure}){LABEL_NOTE}\s*[:]|^(?:{structure}){LABEL_NOTE}$")
    if not misreads:
        return exact
    variants = one_char_misreads(words, [w for w in with_ocr_variants(LABEL_VOCABULARY) if w not in own])
    fuzzy = label_pattern((), roles=ROLES if roles else "", regexes=variants) if variants else None
    if roles:
        alt = "|".join(sorted((re.escape(w) for w in own), key=len, reverse=True))
        bracketed = rf"[(【](?:{ALIAS})?(?:{alt})[)】](?:\s*[:]|$)"
        fuzzy = re.compile(f"{fuzzy.pattern}|{bracketed}" if fuzzy else bracketed)
    return re.compile(f"{exact.pattern}|{fuzzy.pattern}") if fuzzy else exact


def tiers(*words: str, roles: bool = False, structure: str = "", start: str = LABEL_START) -> list[re.Pattern[str]]:
    """The labels as printed (or as the field's vocabulary structures them) first, then as misread: a misreading
    is believed only when no label as printed gives a value."""
    return [
        labels(*words, roles=roles, structure=structure, start=start),
        labels(*words, roles=roles, misreads=True, structure=structure, start=start),
    ]


def as_field(name: str, v: Value | None, *, value: object = None) -> Field | None:
    if v is None:
        return None
    return Field(name, v.value if value is None else value, round(v.confidence, 4), v.page, v.bbox, v.raw)


def score_document(
    pages: Sequence[OcrPage], *, titles: re.Pattern[str], vocabulary: Sequence[str], against: Sequence[str]
) -> float:
    """Title on one of the first pages (a cover page may come first) plus the share of the type's
    vocabulary present, less the share of a rival type's vocabulary."""
    head = re.sub(r"\s", "", "\n".join(p.text for p in pages[:3]))
    text = re.sub(r"\s", "", "\n".join(p.text for p in pages))
    title = 1.0 if titles.search(head) else 0.0
    own = sum(w in text for w in vocabulary) / len(vocabulary)
    rival = sum(w in text for w in against) / len(against)
    return max(0.0, min(1.0, 0.55 * title + 0.45 * own - 0.3 * rival))


@dataclass(frozen=True)
class Amount:
    """An amount in figures after a label, its 大写 form when printed just after it, and where it was found."""

    figure: Value
    words: Value | None
    tier: int
    left: str
    row: int

    @property
    def agrees(self) -> bool | None:
        """Whether figures and 大写 say the same (None without 大写)."""
        if self.words is None:
            return None
        return words_to_decimal(str(self.words.value)) == Decimal(str(self.figure.value))


def amount_candidates(layout: Layout, patterns: Sequence[re.Pattern[str]], *, max_skip: int = 12) -> list[Amount]:
    """Every amount in figures after one of ``patterns`` (pattern priority, then reading order), each with the
    大写 form just after it; an amount whose two forms disagree has both at a lowered confidence."""
    out = []
    for tier, pattern in enumerate(patterns):
        for hit in layout.find_labels(pattern):
            chars, _ = layout.candidate(hit)
            found = parse_figure(chars.text, max_skip=max_skip)
            if found is None:
                continue
            value, start, end = found
            if re.match(r"\s*(?:元)?\s*/\s*(?:平方米|㎡|m)|\s*元?每平方米", chars.text[end:]):
                continue  # a price per square metre
            page, bbox = chars.bbox(start, end)
            figure = Value(value, chars.text[start:end], page, bbox, chars.confidence(start, end))
            words = words_after(chars[end:], Decimal(value))
            if words is not None and words_to_decimal(words.value) != Decimal(value):
                # One of the two is misread (or the contract contradicts itself): both go to the reviewer.
                figure = replace(figure, confidence=figure.confidence * DISAGREEING)
                words = replace(words, confidence=words.confidence * DISAGREEING)
            out.append(Amount(figure, words, tier, layout.left_of(hit), hit.row_index))
    return out


def amount_with_words(
    layout: Layout, patterns: Sequence[re.Pattern[str]], *, max_skip: int = 12
) -> tuple[Value | None, Value | None]:
    """The first amount in figures after one of ``patterns`` and its 大写 form."""
    found = amount_candidates(layout, patterns, max_skip=max_skip)
    return (found[0].figure, found[0].words) if found else (None, None)


def words_after(chars: Chars, figure: Decimal) -> Value | None:
    """The 大写 form just after an amount in figures. Read as OCR gave it and, where the recogniser kept
    candidates, once more with every character of the words' span that cannot stand in 大写 replaced by its
    likeliest candidate that can (武→贰, 建→肆). A reading that agrees with the figures wins; failing that, the
    reading as OCR gave it, and only then the replaced one (the caller lowers the confidence of an amount whose
    two forms disagree; the checks compare them)."""
    readings = [chars.text]
    span = constrained_span(chars.text)
    if span is not None and chars.candidates:
        start, stop = span
        fixed, replaced = chars[start:stop].constrained(WORDS_ALPHABET)
        if replaced:
            readings.append(chars.text[:start] + fixed + chars.text[stop:])
    parsed = [found for text in readings if (found := parse_words(text)) is not None]
    if not parsed:
        return None
    w, ws, we = next((f for f in parsed if words_to_decimal(f[0]) == figure), parsed[0])
    page, bbox = chars.bbox(ws, we)
    return Value(w, chars.text[ws:we], page, bbox, chars.confidence(ws, we))


def _value_candidates(v: Value) -> list[Candidates | None] | None:
    """Per character of ``v.value`` (a value parsed with line breaks and edge punctuation dropped), the
    recogniser's candidates, when the characters it was read from carry them."""
    chars = v.chars
    if chars is None or not chars.candidates:
        return None
    kept = [(c, k) for c, k in zip(chars.text, chars.candidates, strict=True) if c != "\n"]
    flat = "".join(c for c, _ in kept)
    at = flat.find(str(v.value))
    return [k for _, k in kept[at : at + len(str(v.value))]] if at >= 0 else None


def address_field(name: str, v: Value | None) -> tuple[Field | None, list[str]]:
    """The address as read, repaired where its divisions or units leave one answer; a repair lowers its
    confidence and is reported."""
    if v is None:
        return None, []
    reading = repair_address(str(v.value), _value_candidates(v))
    if not reading.changed:
        return as_field(name, v), []
    fixed = replace(v, value=reading.value, confidence=v.confidence * REPAIRED_ADDRESS)
    return as_field(name, fixed), [
        f"{name}: repaired from the division table and the recogniser's alternatives ({reading.describe()}); "
        f"check the reading / 地址按行政区划及识别候选字校正（{reading.describe()}），请核对"
    ]


def unread_on(
    layout: Layout, fields: Mapping[str, Field | None], labels_of: Mapping[str, Sequence[re.Pattern[str]]]
) -> dict[str, int]:
    """For each field of ``labels_of`` that was not read, the page its label stands on, if it was found."""
    out = {}
    for name, patterns in labels_of.items():
        if fields.get(name) is None and (page := layout.label_page(patterns)) is not None:
            out[name] = page
    return out


# Titles of the other contracts a borrower brings along (a loan contract, a property-management contract, …):
# their pages quote the purchase contract and the house, but they are none of ours.
OTHER_TITLES = re.compile(
    r"(?:借款|贷款|抵押|担保|保证|物业服务|物业管理|装修|装饰|居间|委托|中介|劳动|供用电|供水)(?:合同|协议|契约)"
)


def other_contract(pages: Sequence[OcrPage], own_titles: re.Pattern[str]) -> bool:
    """Whether the document's title (the first rows of its first pages) names another kind of contract and not
    ours: such pages are ``unknown``, never a purchase contract or lease with fields made up from quotations."""
    for page in pages[:2]:
        for line in sorted(page.lines, key=lambda ln: ln.bbox[1])[:4]:  # the title comes first: it decides
            text = re.sub(r"\s", "", line.text)
            if own_titles.search(text):
                return False
            if OTHER_TITLES.search(text):
                return True
    return False
