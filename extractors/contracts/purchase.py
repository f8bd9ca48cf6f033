"""商品房买卖合同 / 存量房买卖合同: the national model text (GF-2014-0171/0172, parties in 第一章, property in
第二章, price in 第三章), city resale templates (卖方（甲方）/买方（乙方）) and e-contracts with party tables."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import ClassVar

from domain.models import Field, OcrPage
from extractors.anchors import ALIAS, Layout, Value
from extractors.base import DocumentExtractor, Extraction
from extractors.contracts.amounts import parse_figure
from extractors.contracts.calibration import calibrated
from extractors.contracts.choose import (
    Candidate,
    Evidence,
    candidates,
    first,
    is_dwelling,
    is_floor_area,
    is_total,
    sections,
    signing_candidates,
    split,
)
from extractors.contracts.common import (
    DISAGREEING,
    ROLES,
    Amount,
    address_field,
    amount_candidates,
    as_field,
    labels,
    layout_of,
    other_contract,
    score_document,
    tiers,
    unread_on,
    with_ocr_variants,
)
from extractors.contracts.parties import Party, find_parties
from extractors.contracts.values import parse_address, parse_area, parse_contract_number, parse_date
from extractors.contracts.vocabulary import (
    ADDRESS_LABEL,
    ADDRESS_PROSE,
    ADDRESS_START,
    AREA_LABEL,
    BUYER_ROLES,
    CONTRACT_NO_LABEL,
    LABEL_START,
    SELLER_ROLES,
    SIGNED_IN_PROSE,
    SIGNING_LABEL,
    TOTAL_LABEL,
)

TITLES = re.compile(r"(?:商品房|存量房|二手房|房屋|房产|住房)(?:买卖|购买|购房|转让)(?:合同|协议)|购房合同")
VOCABULARY = ("出卖人", "买受人", "总价款", "建筑面积", "商品房", "坐落", "单价", "交付", "买卖", "不动产登记", "付款")
RENTAL_WORDS = ("出租人", "承租人", "月租金", "租赁期限", "押金", "租金", "租期", "转租")

CONTRACT_NO = tiers("合同编号", "网签合同编号", "合同备案号", "备案编号", "网签编号", structure=CONTRACT_NO_LABEL)
SELLER = [labels(*SELLER_ROLES, misreads=True), labels("甲方")]
BUYER = [labels(*BUYER_ROLES, misreads=True), labels("乙方")]
_EITHER = "|".join(sorted(with_ocr_variants(SELLER_ROLES + BUYER_ROLES), key=len, reverse=True))
PARTY = re.compile(rf"(?:{_EITHER})(?:[(【](?:{ALIAS})?(?:{ROLES})[)】])?(?::|$|(?=\s))")
ADDRESS = [
    *tiers(
        "房屋坐落",
        "房屋地址",
        "房屋座落",
        "房产地址",
        "坐落地点",
        "坐落",
        "座落",
        structure=ADDRESS_LABEL,
        start=ADDRESS_START,
    ),
    re.compile(ADDRESS_PROSE),
]
AREA = [
    # 建筑面积 anywhere (预测建筑面积共…), or a label of the area's vocabulary (房屋面积：, 产权面积：).
    re.compile(rf"(?<!内)建筑面积(?:为|约为|共)?[:]?|{LABEL_START}(?:{AREA_LABEL})(?:为|约为|共)?[:]"),
    # As misread under glare or blur (速筑面积, 建筑面枳): believed only when no label as printed gives a value.
    re.compile(r"(?<!内)(?:[\u4e00-\u9fff]筑面积|建[\u4e00-\u9fff]面积|建筑[\u4e00-\u9fff]积)(?:为|约为|共)?[:]?"),
]
TOTAL = [
    *tiers("总价款", "房屋总价", "成交价", "成交价格", "房屋总价款", "总价", "转让价款", structure=TOTAL_LABEL),
    re.compile(rf"(?:{TOTAL_LABEL})(?:为|是|共计)?(?:人民币)?"),
]
UNIT = [re.compile(r"单价(?:为)?(?:人民币)?(?:每平方米)?(?:人民币)?[:]?")]
BIRTH = [labels("出生日期", roles=False)]
SEX = [labels("性别", roles=False)]
# Every field a purchase contract states: those not found are reported (a page may be missing).
EXPECTED = (
    "contract_number", "seller_name", "buyer_name", "buyer_id_number", "property_address", "floor_area",
    "total_price", "signing_date",
)  # fmt: skip
# Where each required field's label is printed (labels only: prose patterns match boilerplate anywhere).
REQUIRED_LABELS = {
    "seller_name": SELLER[:1],
    "buyer_name": BUYER[:1],
    "property_address": ADDRESS[:2],
    "total_price": TOTAL[:2],
}
SIGNED = tiers("签订时间", "签订日期", "签约日期", "签署日期", "合同签订日期", "签约时间", structure=SIGNING_LABEL)
# Believed only when no signing label gives a date: 本合同于…签订 in prose, then a bare 日期 label.
SIGNED_PROSE = re.compile(SIGNED_IN_PROSE)
DATED = labels("日期", roles=False)


def _buyers_field(buyers: list[Party]) -> Field:
    """All buyers (co-owners) with their ID numbers; evidence is the first buyer's name."""
    listed = [{"name": b.name.value, "id_number": b.id_number.value if b.id_number else None} for b in buyers]
    confs = [b.name.confidence for b in buyers] + [b.id_number.confidence for b in buyers if b.id_number]
    first = buyers[0].name
    return Field("buyers", listed, round(min(confs), 4), first.page, first.bbox)


def _agrees(area: Value, unit: Value, total: Value) -> bool:
    """总价款 ≈ 建筑面积 × 单价, within the rounding of an area to 0.01 m² and of a price to the yuan."""
    a, u, t = (Decimal(str(v.value)) for v in (area, unit, total))
    return abs(a * u - t) <= u * Decimal("0.006") + 1


def _price(
    areas: list[Candidate], units: list[Candidate], totals: list[Amount]
) -> tuple[Candidate | None, Candidate | None, Amount | None, int]:
    """The floor area, unit price and total that agree (总价款 ≈ 建筑面积 × 单价), preferring labels as printed
    and reading order; failing that, the first of each. The last item is +1 when they agree, -1 when all three
    were found and do not, 0 otherwise."""
    for t in totals:
        for a in areas:
            for u in units:
                if _agrees(a.value, u.value, t.figure):
                    return a, u, t, 1
    a, u, t = (areas[0] if areas else None), (units[0] if units else None), (totals[0] if totals else None)
    return a, u, t, (-1 if a and u and t else 0)


def _sex_of(text: str) -> tuple[str, int, int] | None:
    m = re.match(r"\s*([男女])", text)
    return (m.group(1), m.start(1), m.end(1)) if m else None


def _id_agreement(layout: Layout, heads: list[str], id_number: str) -> int:
    """+1 when the 出生日期 (and 性别) printed for the buyers include this ID number's, -1 when printed and not."""
    births = {str(c.value.value) for c in candidates(layout, BIRTH, parse_date, heads=heads)}
    sexes = {str(c.value.value) for c in candidates(layout, SEX, _sex_of, heads=heads)}
    if not births and not sexes:
        return 0
    birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    sex = "男" if id_number[16:17].isdigit() and int(id_number[16]) % 2 else "女"
    ok = (not births or birth in births) and (not sexes or sex in sexes)
    return 1 if ok else -1


class PurchaseContractExtractor(DocumentExtractor):
    doc_type: ClassVar[str] = "purchase_contract"
    fields: ClassVar[tuple[str, ...]] = (
        "contract_number",
        "seller_name",
        "buyer_name",
        "buyer_id_number",
        "buyers",
        "property_address",
        "floor_area",
        "total_price",
        "total_price_in_words",
        "unit_price",
        "signing_date",
    )
    required_fields: ClassVar[tuple[str, ...]] = ("seller_name", "buyer_name", "property_address", "total_price")
    field_groups: ClassVar[Mapping[str, tuple[str, ...]]] = {"buyers": ("buyer_name", "buyer_id_number")}

    def score(self, pages: Sequence[OcrPage]) -> float:
        if other_contract(pages, TITLES):
            return 0.0
        return score_document(pages, titles=TITLES, vocabulary=VOCABULARY, against=RENTAL_WORDS)

    def extract(self, pages: Sequence[OcrPage]) -> Extraction:
        layout = layout_of(pages)
        heads = sections(layout)
        fields: dict[str, Field | None] = {}
        evidence: dict[str, Evidence] = {}
        number, evidence["contract_number"] = first(candidates(layout, CONTRACT_NO, parse_contract_number), 0)
        fields["contract_number"] = as_field("contract_number", number)
        sellers = find_parties(layout, SELLER, PARTY, companies=True)
        fields["seller_name"] = as_field("seller_name", sellers[0].name) if sellers else None
        warnings: list[str] = sellers[0].name_warnings("seller_name") if sellers else []
        if sellers:
            evidence["seller_name"] = sellers[0].name_evidence()
        buyers = find_parties(layout, BUYER, PARTY)
        if buyers:
            first_buyer = buyers[0]
            fields["buyer_name"] = as_field("buyer_name", first_buyer.name)
            fields["buyer_id_number"] = as_field("buyer_id_number", first_buyer.id_number)
            fields["buyers"] = _buyers_field(buyers)
            warnings.extend(first_buyer.warnings("buyer_name", "buyer_id_number"))
            for i, other in enumerate(buyers[1:], start=1):
                warnings.extend(other.warnings(f"buyers[{i}].name", f"buyers[{i}].id_number"))
            evidence["buyer_name"] = first_buyer.name_evidence()
            if first_buyer.id_number is not None:
                agree = _id_agreement(layout, heads, str(first_buyer.id_number.value))
                evidence["buyer_id_number"] = replace(first_buyer.id_evidence(), agreement=agree)
                if agree < 0:
                    warnings.append(
                        "buyer_id_number: the birth date or sex printed for the buyers does not match the ID number; "
                        "check / 买受人出生日期或性别与证件号码不符，请核对"
                    )
        kept, rejected = split(candidates(layout, ADDRESS, parse_address, heads=heads), is_dwelling)
        address, evidence["property_address"] = first(kept, rejected)
        fields["property_address"], repaired = address_field("property_address", address)
        if repaired:
            evidence["property_address"] = replace(evidence["property_address"], repaired=True)
        warnings.extend(repaired)
        if address is None and rejected:
            warnings.append(
                "property_address: only a land parcel or project location was found, not the house; "
                "check / 仅找到地块或项目坐落，未找到房屋坐落，请核对"
            )
        warnings.extend(self._price_fields(layout, heads, fields, evidence))
        signed, evidence["signing_date"] = first(signing_candidates(layout, SIGNED, SIGNED_PROSE, DATED, heads), 0)
        fields["signing_date"] = as_field("signing_date", signed)
        missing = [k for k in self.required_fields if not fields.get(k)]
        if missing:
            warnings.append(f"purchase_contract: not found: {', '.join(missing)}")
        absent = [k for k in EXPECTED if not fields.get(k) and k not in missing]
        if absent:
            warnings.append(
                f"purchase_contract: also not found (a page may be missing): {', '.join(absent)} / "
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

    @staticmethod
    def _price_fields(
        layout: Layout, heads: list[str], fields: dict[str, Field | None], evidence: dict[str, Evidence]
    ) -> list[str]:
        """建筑面积, 单价 and 总价款 (with its 大写), chosen together so that they agree."""
        areas, rejected_areas = split(candidates(layout, AREA, parse_area, heads=heads), is_floor_area)
        units = candidates(layout, UNIT, parse_figure, heads=heads)
        every_total = amount_candidates(layout, TOTAL)
        totals = [t for t in every_total if is_total(Candidate(t.figure, t.tier, "row", t.left, "", t.row))]
        area, unit, total, agree = _price(areas, units, totals)
        fields["floor_area"] = as_field("floor_area", area.value if area else None)
        fields["unit_price"] = as_field("unit_price", unit.value if unit else None)
        fields["total_price"] = as_field("total_price", total.figure if total else None)
        fields["total_price_in_words"] = as_field("total_price_in_words", total.words if total else None)
        for name, chosen, pool, rejected in (
            ("floor_area", area, areas, rejected_areas),
            ("unit_price", unit, units, 0),
        ):
            if chosen is not None:
                others = {str(c.value.value) for c in pool} - {str(chosen.value.value)}
                evidence[name] = Evidence(chosen.tier, chosen.where, len(others), rejected, agree)
        if total is not None:
            others = {str(t.figure.value) for t in totals} - {str(total.figure.value)}
            words = {True: 1, False: -1, None: 0}[total.agrees]
            evidence["total_price"] = Evidence(
                total.tier, "row", len(others), len(every_total) - len(totals), agree if agree else words
            )
            if total.words is not None:
                evidence["total_price_in_words"] = Evidence(total.tier, "row", 0, 0, words)
        if agree < 0:
            # One of the three is misread (or the contract prices by 套内 area): all three go to the reviewer.
            for name in ("floor_area", "unit_price", "total_price"):
                if (f := fields.get(name)) is not None:
                    fields[name] = replace(f, confidence=round(f.confidence * DISAGREEING, 4))
            return ["total_price: 总价款 is not 建筑面积 × 单价; check the three / 总价款与建筑面积×单价不符，请核对"]
        return []
