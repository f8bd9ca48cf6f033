"""房屋租赁合同 / 租房协议: city model texts (出租人（甲方）/承租人（乙方）), party tables and free-form agreements."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import ClassVar

from domain.models import Field, OcrPage
from extractors.anchors import ALIAS, Layout, Value
from extractors.base import DocumentExtractor, Extraction
from extractors.contracts.calibration import calibrated
from extractors.contracts.choose import (
    Candidate,
    Evidence,
    candidates,
    first,
    is_dwelling,
    is_rent,
    sections,
    signing_candidates,
    split,
)
from extractors.contracts.common import (
    ROLES,
    address_field,
    amount_candidates,
    as_field,
    labels,
    layout_of,
    other_contract,
    score_document,
    tiers,
    unread_on,
)
from extractors.contracts.parties import find_parties, id_without_name
from extractors.contracts.values import find_dates, parse_address, parse_months
from extractors.contracts.vocabulary import ADDRESS_LABEL, ADDRESS_PROSE, ADDRESS_START, SIGNED_IN_PROSE, SIGNING_LABEL

TITLES = re.compile(r"(?:房屋|住房|房产|商品房)?(?:租赁|租房|出租)(?:合同|协议|契约)")
VOCABULARY = ("出租人", "承租人", "租金", "租赁期限", "押金", "租期", "出租", "承租", "转租", "续租")
PURCHASE_WORDS = ("出卖人", "买受人", "总价款", "商品房", "单价", "不动产登记", "买卖")

LESSOR = [labels("出租人", "出租方", "房东", misreads=True), labels("甲方")]
LESSEE = [labels("承租人", "承租方", "租客", "租户", misreads=True), labels("乙方")]
PARTY = re.compile(
    rf"(?:出租[人入]|承租[人入]|出租方|承租方|房东|租客|甲方|乙方|共同承租人)(?:[(【](?:{ALIAS})?(?:{ROLES})[)】])?(?::|$|(?=\s))"
)
ADDRESS = [
    *tiers(
        "房屋坐落",
        "房屋地址",
        "房屋座落",
        "租赁房屋地址",
        "出租房屋地址",
        "房屋位置",
        "坐落",
        structure=ADDRESS_LABEL,
        start=ADDRESS_START,
    ),
    re.compile(ADDRESS_PROSE),
]
RENT = [
    *tiers("月租金", "租金标准", "每月租金", "租金"),
    # Not 租金总额/租金合计/租金共计 (the whole term's rent): choose.is_rent drops 年租金 and 总租金 by the words before.
    re.compile(r"(?:月租金|每月租金|租金标准|租金)(?!总|合计|共计)(?:为|是)?(?:人民币)?(?:每月)?"),
]
# Where each required field's label is printed (labels only: prose patterns match boilerplate anywhere).
REQUIRED_LABELS = {"lessor_name": LESSOR[:1], "lessee_name": LESSEE[:1], "monthly_rent": RENT[:2]}
# The term's label as printed, then with one character misread (相赁期限 on a camera page): the dates after it must
# still agree with the term (term_agrees), and a misread label is believed only when no printed one gives dates.
TERM = [re.compile(r"租赁期限|租赁期|租期"), re.compile(r"[\u4e00-\u9fff]赁期限|租[\u4e00-\u9fff]期限")]
EXPECTED = (
    "lessor_name", "lessor_id_number", "lessee_name", "lessee_id_number", "property_address", "monthly_rent",
    "lease_start", "lease_end", "signing_date",
)  # fmt: skip
_CN_COUNT = (
    {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}
    | {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖拾", start=0)}
    | {"两": 2, "半": 0}
    | {"武": 2}  # 贰 as OCR misreads it (为武年): the end date must still agree with the term
)
_YEARS = re.compile(
    r"(?<![\d年])(\d{1,2}|[一二三四五六七八九十壹贰叁肆伍两武])\s*(?:个)?年(?![\d一二三四五六七八九十])"
)


def term_months(text: str) -> tuple[str, int, int] | None:
    """The lease term as a count of months: 共12个月, 为壹年, 两年; None when not stated."""
    months = parse_months(text)
    if months is not None:
        return months
    m = _YEARS.search(text)
    if m is None:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else _CN_COUNT.get(m.group(1), 0)
    return (str(12 * n), m.start(1), m.end()) if 0 < n <= 20 else None


def _add_months(d: dt.date, months: int) -> dt.date | None:
    y, m = divmod(d.month - 1 + months, 12)
    try:
        return d.replace(year=d.year + y, month=m + 1)
    except ValueError:
        return None


def term_agrees(start: str, end: str, months: str | None) -> int:
    """+1 when the end follows the start and the term (the day before, or the same day, N months on), -1 when
    it does not (or ends before it starts), 0 without a term to compare."""
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if e <= s:
        return -1
    if months is None:
        return 0
    on = _add_months(s, int(months))
    return 1 if on is not None and e in (on, on - dt.timedelta(days=1)) else -1


SIGNED = tiers("签订日期", "签约日期", "签订时间", "签署日期", "签约时间", structure=SIGNING_LABEL)
# Believed only when no signing label gives a date: 本合同于…签订 in prose, then a bare 日期 label.
SIGNED_PROSE = re.compile(SIGNED_IN_PROSE)
DATED = labels("日期", roles=False)


# What follows a lease's start date: 起, 至/到 (the end), 开始.
_STARTS = re.compile(r"\s*(?:起|至|到|开始)")


def _term(layout: Layout) -> tuple[Value | None, Value | None, Value | None]:
    """Lease start and end (the first two dates after 租赁期限/租期), and the months if stated. Where the end
    date was lost (a blank or a cut line: 自2019年11月1日起至2020年月日止), the start alone, as the date that 起 or
    至 follows: nothing checks it against an end, so it is the last resort."""
    start_only: Value | None = None
    for pattern in TERM:
        for hit in layout.find_labels(pattern):
            chars, _ = layout.candidate(hit)
            dates = [d for d in find_dates(chars.text) if d[1] <= 40]
            if len(dates) == 1 and start_only is None and _STARTS.match(chars.text[dates[0][2] :]):
                iso, s, e = dates[0]
                page, bbox = chars.bbox(s, e)
                start_only = Value(iso, chars.text[s:e], page, bbox, chars.confidence(s, e))
            if len(dates) < 2:
                continue
            out: list[Value | None] = []
            for iso, s, e in dates[:2]:
                page, bbox = chars.bbox(s, e)
                out.append(Value(iso, chars.text[s:e], page, bbox, chars.confidence(s, e)))
            # The term is stated after the dates (…止，共12个月) or before them (租赁期共12个月，自…).
            months = term_months(chars.text[dates[1][2] :])
            off = dates[1][2]
            if months is None:
                months, off = term_months(chars.text[: dates[0][1]]), 0
            if months is not None:
                m, s, e = months
                page, bbox = chars.bbox(off + s, off + e)
                out.append(Value(m, m, page, bbox, chars.confidence(off + s, off + e)))
            else:
                out.append(None)
            return out[0], out[1], out[2]
    found = layout.search(re.compile(r"(自.{0,2}\d{4}.{0,12}?至.{0,2}\d{4}[^止]{0,12}止?)"))
    if found:
        text, page, bbox, conf = found
        dates = find_dates(text)
        if len(dates) >= 2:
            return (
                Value(dates[0][0], text, page, bbox, conf * 0.9),
                Value(dates[1][0], text, page, bbox, conf * 0.9),
                None,
            )
    return start_only, None, None


class RentalAgreementExtractor(DocumentExtractor):
    doc_type: ClassVar[str] = "rental_agreement"
    fields: ClassVar[tuple[str, ...]] = (
        "lessor_name",
        "lessor_id_number",
        "lessee_name",
        "lessee_id_number",
        "property_address",
        "monthly_rent",
        "monthly_rent_in_words",
        "lease_start",
        "lease_end",
        "lease_term_months",
        "signing_date",
    )
    required_fields: ClassVar[tuple[str, ...]] = ("lessor_name", "lessee_name", "monthly_rent", "lease_start")

    def score(self, pages: Sequence[OcrPage]) -> float:
        if other_contract(pages, TITLES):
            return 0.0
        return score_document(pages, titles=TITLES, vocabulary=VOCABULARY, against=PURCHASE_WORDS)

    def extract(self, pages: Sequence[OcrPage]) -> Extraction:
        layout = layout_of(pages)
        heads = sections(layout)
        fields: dict[str, Field | None] = {}
        evidence: dict[str, Evidence] = {}
        warnings: list[str] = []
        for role, patterns in (("lessor", LESSOR), ("lessee", LESSEE)):
            parties = find_parties(layout, patterns, PARTY, companies=role == "lessor")
            nameless = id_without_name(layout, patterns, PARTY) if not parties else None
            if nameless is not None:
                fields[f"{role}_id_number"] = as_field(f"{role}_id_number", nameless.id_number)
                warnings.extend(nameless.id_warnings(f"{role}_id_number"))
                warnings.append(
                    f"{role}_name: the name beside the label could not be read; the ID number after it was / "
                    "姓名无法识别，已读取其后的证件号码，请核对姓名"
                )
                evidence[f"{role}_id_number"] = nameless.id_evidence()
            if parties:
                fields[f"{role}_name"] = as_field(f"{role}_name", parties[0].name)
                fields[f"{role}_id_number"] = as_field(f"{role}_id_number", parties[0].id_number)
                warnings.extend(parties[0].warnings(f"{role}_name", f"{role}_id_number"))
                evidence[f"{role}_name"] = parties[0].name_evidence()
                evidence[f"{role}_id_number"] = parties[0].id_evidence()
        kept, rejected = split(candidates(layout, ADDRESS, parse_address, heads=heads), is_dwelling)
        address, evidence["property_address"] = first(kept, rejected)
        fields["property_address"], repaired = address_field("property_address", address)
        if repaired:
            evidence["property_address"] = Evidence(**{**evidence["property_address"].as_dict(), "repaired": True})
        warnings.extend(repaired)
        every_rent = amount_candidates(layout, RENT, max_skip=8)
        rents = [r for r in every_rent if is_rent(Candidate(r.figure, r.tier, "row", r.left, "", r.row))]
        if rents:
            rent = rents[0]
            fields["monthly_rent"] = as_field("monthly_rent", rent.figure)
            fields["monthly_rent_in_words"] = as_field("monthly_rent_in_words", rent.words)
            words = {True: 1, False: -1, None: 0}[rent.agrees]
            others = {str(r.figure.value) for r in rents} - {str(rent.figure.value)}
            evidence["monthly_rent"] = Evidence(rent.tier, "row", len(others), len(every_rent) - len(rents), words)
            if rent.words is not None:
                evidence["monthly_rent_in_words"] = Evidence(rent.tier, "row", 0, 0, words)
        start, end, months = _term(layout)
        fields["lease_start"] = as_field("lease_start", start)
        fields["lease_end"] = as_field("lease_end", end)
        fields["lease_term_months"] = as_field("lease_term_months", months)
        if start is not None and end is None:
            evidence["lease_start"] = Evidence(tier=1)  # the start alone: no end or term checks it
        if start is not None and end is not None:
            agree = term_agrees(str(start.value), str(end.value), str(months.value) if months else None)
            for name in ("lease_start", "lease_end", "lease_term_months"):
                evidence[name] = Evidence(agreement=agree)
            if agree < 0:
                warnings.append(
                    "lease_end: does not follow the lease start and term; check the three / "
                    "租赁起止日期与租期不符，请核对"
                )
        signed, evidence["signing_date"] = first(signing_candidates(layout, SIGNED, SIGNED_PROSE, DATED, heads), 0)
        fields["signing_date"] = as_field("signing_date", signed)
        missing = [k for k in self.required_fields if not fields.get(k)]
        if missing:
            warnings.append(f"rental_agreement: not found: {', '.join(missing)}")
        absent = [k for k in EXPECTED if not fields.get(k) and k not in missing]
        if absent:
            warnings.append(
                f"rental_agreement: also not found (a page may be missing): {', '.join(absent)} / "
                f"未找到：{'、'.join(absent)}（可能缺页）"
            )
        found = {k: v for k, v in fields.items() if v is not None}
        return Extraction(
            calibrated(found, evidence),
            tuple(warnings),
            extra={
                "evidence": {
                    k: {**e.as_dict(), "score": found[k].confidence} for k, e in evidence.items() if k in found
                }
            },
            unread_on=unread_on(layout, fields, REQUIRED_LABELS),
        )
