"""商品房买卖合同 / 存量房买卖合同: the national model text (GF-2014-0171/0172, parties in 第一章, property in
第二章, price in 第三章), city resale templates (卖方（甲方）/买方（乙方）) and e-contracts with party tables."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

from domain.models import Field, OcrPage
from extractors.base import DocumentExtractor, Extraction
from extractors.contracts.amounts import parse_figure
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
from extractors.contracts.parties import Party, find_parties
from extractors.contracts.values import parse_address, parse_area, parse_contract_number, parse_date

TITLES = re.compile(r"(?:商品房|存量房|二手房|房屋|房产|住房)(?:买卖|购买|购房|转让)(?:合同|协议)|购房合同")
VOCABULARY = ("出卖人", "买受人", "总价款", "建筑面积", "商品房", "坐落", "单价", "交付", "买卖", "不动产登记", "付款")
RENTAL_WORDS = ("出租人", "承租人", "月租金", "租赁期限", "押金", "租金", "租期", "转租")

CONTRACT_NO = tiers("合同编号", "网签合同编号", "合同备案号", "备案编号", "网签编号")
SELLER = [labels("出卖人", "卖方", "出售方", "转让方", misreads=True), labels("甲方")]
BUYER = [labels("买受人", "买方", "购买方", "受让方", misreads=True), labels("乙方")]
PARTY = re.compile(rf"(?:出卖[人入]|买受[人入]|卖方|买方|出售方|购买方|转让方|受让方)(?:[(【](?:{ROLES})[)】])?(?::|$)")
ADDRESS = [
    *tiers("房屋坐落", "房屋地址", "房屋座落", "房产地址", "坐落地点", "坐落", "座落"),
    re.compile(r"[坐座].?[于在]|位于"),
]
AREA = [re.compile(r"(?<!内)建筑面积(?:为|约为|共)?[:]?")]
TOTAL = [
    *tiers("总价款", "房屋总价", "成交价", "成交价格", "房屋总价款", "总价", "转让价款"),
    re.compile(r"(?:总价款|房屋总价|成交价格?|房屋价款|总价|转让价款)(?:为|是|共计)?(?:人民币)?"),
]
UNIT = [re.compile(r"单价(?:为)?(?:每平方米)?[:]?")]
# Where each required field's label is printed (labels only: prose patterns match boilerplate anywhere).
REQUIRED_LABELS = {
    "seller_name": SELLER[:1],
    "buyer_name": BUYER[:1],
    "property_address": ADDRESS[:2],
    "total_price": TOTAL[:2],
}
SIGNED = [
    *tiers("签订时间", "签订日期", "签约日期", "签署日期", "合同签订日期", "签约时间"),
    labels("日期", roles=False),
]


def _buyers_field(buyers: list[Party]) -> Field:
    """All buyers (co-owners) with their ID numbers; evidence is the first buyer's name."""
    listed = [{"name": b.name.value, "id_number": b.id_number.value if b.id_number else None} for b in buyers]
    confs = [b.name.confidence for b in buyers] + [b.id_number.confidence for b in buyers if b.id_number]
    first = buyers[0].name
    return Field("buyers", listed, round(min(confs), 4), first.page, first.bbox)


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
        return score_document(pages, titles=TITLES, vocabulary=VOCABULARY, against=RENTAL_WORDS)

    def extract(self, pages: Sequence[OcrPage]) -> Extraction:
        layout = layout_of(pages)
        fields: dict[str, Field | None] = {}
        fields["contract_number"] = as_field("contract_number", layout.first_value(CONTRACT_NO, parse_contract_number))
        sellers = find_parties(layout, SELLER, PARTY, companies=True)
        fields["seller_name"] = as_field("seller_name", sellers[0].name) if sellers else None
        warnings: list[str] = sellers[0].name_warnings("seller_name") if sellers else []
        buyers = find_parties(layout, BUYER, PARTY)
        if buyers:
            first = buyers[0]
            fields["buyer_name"] = as_field("buyer_name", first.name)
            fields["buyer_id_number"] = as_field("buyer_id_number", first.id_number)
            fields["buyers"] = _buyers_field(buyers)
            warnings.extend(first.warnings("buyer_name", "buyer_id_number"))
            for i, other in enumerate(buyers[1:], start=1):
                warnings.extend(other.warnings(f"buyers[{i}].name", f"buyers[{i}].id_number"))
        fields["property_address"], repaired = address_field(
            "property_address", layout.first_value(ADDRESS, parse_address)
        )
        warnings.extend(repaired)
        fields["floor_area"] = as_field("floor_area", layout.first_value(AREA, parse_area))
        total, words = amount_with_words(layout, TOTAL)
        fields["total_price"] = as_field("total_price", total)
        fields["total_price_in_words"] = as_field("total_price_in_words", words)
        fields["unit_price"] = as_field("unit_price", layout.first_value(UNIT, parse_figure))
        fields["signing_date"] = as_field("signing_date", layout.first_value(SIGNED, parse_date))
        missing = [k for k in self.required_fields if not fields.get(k)]
        if missing:
            warnings.append(f"purchase_contract: not found: {', '.join(missing)}")
        found = {k: v for k, v in fields.items() if v is not None}
        return Extraction(found, tuple(warnings), unread_on=unread_on(layout, fields, REQUIRED_LABELS))
