"""房屋租赁合同 / 租房协议: city model texts (出租人（甲方）/承租人（乙方）), party tables and free-form agreements."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from domain.models import Field, OcrPage
from extractors.anchors import Layout, Value
from extractors.base import DocumentExtractor, Extraction
from extractors.contracts.common import (
    ROLES,
    address_field,
    amount_with_words,
    as_field,
    labels,
    layout_of,
    score_document,
    tiers,
    unread_on,
)
from extractors.contracts.parties import find_parties
from extractors.contracts.values import find_dates, parse_address, parse_date, parse_months

TITLES = re.compile(r"(?:房屋|住房|房产|商品房)?(?:租赁|租房|出租)(?:合同|协议|契约)")
VOCABULARY = ("出租人", "承租人", "租金", "租赁期限", "押金", "租期", "出租", "承租", "转租", "续租")
PURCHASE_WORDS = ("出卖人", "买受人", "总价款", "商品房", "单价", "不动产登记", "买卖")

LESSOR = [labels("出租人", "出租方", "房东", misreads=True), labels("甲方")]
LESSEE = [labels("承租人", "承租方", "租客", "租户", misreads=True), labels("乙方")]
PARTY = re.compile(rf"(?:出租[人入]|承租[人入]|出租方|承租方|房东|租客|甲方|乙方)(?:[(【](?:{ROLES})[)】])?(?::|$)")
ADDRESS = [
    *tiers("房屋坐落", "房屋地址", "房屋座落", "租赁房屋地址", "出租房屋地址", "房屋位置", "坐落"),
    re.compile(r"[坐座].?[于在]|位于"),
]
RENT = [
    *tiers("月租金", "租金标准", "每月租金", "租金"),
    re.compile(r"(?:月租金|每月租金|租金标准|租金)(?:为|是)?(?:人民币)?(?:每月)?"),
]
# Where each required field's label is printed (labels only: prose patterns match boilerplate anywhere).
REQUIRED_LABELS = {"lessor_name": LESSOR[:1], "lessee_name": LESSEE[:1], "monthly_rent": RENT[:2]}
TERM = [re.compile(r"租赁期限|租赁期|租期")]
SIGNED = [
    *tiers("签订日期", "签约日期", "签订时间", "签署日期", "签约时间"),
    labels("日期", roles=False),
]


def _term(layout: Layout) -> tuple[Value | None, Value | None, Value | None]:
    """Lease start and end (the first two dates after 租赁期限/租期), and the months if stated."""
    for pattern in TERM:
        for hit in layout.find_labels(pattern):
            chars, _ = layout.candidate(hit)
            dates = [d for d in find_dates(chars.text) if d[1] <= 40]
            if len(dates) < 2:
                continue
            out: list[Value | None] = []
            for iso, s, e in dates[:2]:
                page, bbox = chars.bbox(s, e)
                out.append(Value(iso, chars.text[s:e], page, bbox, chars.confidence(s, e)))
            months = parse_months(chars.text[dates[1][2] :])
            if months is not None:
                m, s, e = months
                off = dates[1][2]
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
    return None, None, None


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
        return score_document(pages, titles=TITLES, vocabulary=VOCABULARY, against=PURCHASE_WORDS)

    def extract(self, pages: Sequence[OcrPage]) -> Extraction:
        layout = layout_of(pages)
        fields: dict[str, Field | None] = {}
        warnings: list[str] = []
        for role, patterns in (("lessor", LESSOR), ("lessee", LESSEE)):
            parties = find_parties(layout, patterns, PARTY, companies=role == "lessor")
            if parties:
                fields[f"{role}_name"] = as_field(f"{role}_name", parties[0].name)
                fields[f"{role}_id_number"] = as_field(f"{role}_id_number", parties[0].id_number)
                warnings.extend(parties[0].warnings(f"{role}_name", f"{role}_id_number"))
        fields["property_address"], repaired = address_field(
            "property_address", layout.first_value(ADDRESS, parse_address)
        )
        warnings.extend(repaired)
        rent, words = amount_with_words(layout, RENT, max_skip=8)
        fields["monthly_rent"] = as_field("monthly_rent", rent)
        fields["monthly_rent_in_words"] = as_field("monthly_rent_in_words", words)
        start, end, months = _term(layout)
        fields["lease_start"] = as_field("lease_start", start)
        fields["lease_end"] = as_field("lease_end", end)
        fields["lease_term_months"] = as_field("lease_term_months", months)
        fields["signing_date"] = as_field("signing_date", layout.first_value(SIGNED, parse_date))
        missing = [k for k in self.required_fields if not fields.get(k)]
        if missing:
            warnings.append(f"rental_agreement: not found: {', '.join(missing)}")
        found = {k: v for k, v in fields.items() if v is not None}
        return Extraction(found, tuple(warnings), unread_on=unread_on(layout, fields, REQUIRED_LABELS))
