"""Labels found by their structure (head noun + modifiers, extractors.contracts.vocabulary): spellings no rule lists
are read, and the labels of other fields (a party's address, a part payment, a unit price, a supplement's date)
never are."""

from __future__ import annotations

from dataclasses import replace

import pytest

from capture.pdf import load_pdf_pages
from config.settings import CaptureSettings
from domain.models import OcrPage
from extractors.anchors import Value
from extractors.contracts import purchase, rental
from extractors.contracts.choose import Candidate, is_dwelling
from extractors.contracts.purchase import PurchaseContractExtractor
from extractors.contracts.rental import RentalAgreementExtractor
from extractors.contracts.values import parse_signed_date
from samples.generator.contract_pdf import Para, Title, render_text_pdf

# Text is NFKC-normalised before labels are matched: a full-width colon is ":".
_FIELDS = {
    "address": purchase.ADDRESS[:1],
    "total": purchase.TOTAL[:1],
    "signed": purchase.SIGNED[:1],
    "area": purchase.AREA[:1],
    "number": purchase.CONTRACT_NO[:1],
}


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("详细地址:", "address"),
        ("房屋详细地址:", "address"),
        ("房屋所在地址:", "address"),
        ("物业坐落:", "address"),
        ("标的物坐落位置:", "address"),
        ("买受人所购房屋地址:", "address"),
        ("房屋坐落(详细地址):", "address"),
        ("成交价(元):", "total"),
        ("总金额:", "total"),
        ("合同总价:", "total"),
        ("房款总额:", "total"),
        ("成交金额:", "total"),
        ("购房总价款:", "total"),
        ("签约时间:", "signed"),
        ("合同订立日期:", "signed"),
        ("签字日期:", "signed"),
        ("产权面积:", "area"),
        ("房屋面积:", "area"),
        ("合同号:", "number"),
        ("网上签约编号:", "number"),
    ],
)
def test_a_label_no_rule_lists_is_found_by_its_structure(label: str, field: str) -> None:
    assert any(p.search(label) for p in _FIELDS[field]), label


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("通讯地址:", "address"),
        ("地址:", "address"),
        ("【户籍所在地】", "address"),
        ("注册地址:", "address"),
        ("首付总额:", "total"),
        ("单价:", "total"),
        ("成交单价:", "total"),
        ("贷款金额:", "total"),
        ("定金金额:", "total"),
        ("补充协议签署日期:", "signed"),
        ("交付日期:", "signed"),
        ("套内面积:", "area"),
        ("土地使用权面积:", "area"),
        ("占地面积:", "area"),
        ("证号:", "number"),
        ("预售许可证号:", "number"),
    ],
)
def test_the_labels_of_other_fields_are_not_taken(label: str, field: str) -> None:
    assert not any(p.search(label) for p in _FIELDS[field]), label


def test_an_address_label_after_a_party_qualifier_is_the_party_s() -> None:
    c = Candidate(Value("北京市朝阳区建设路12号3栋101室", "", 0, (0, 0, 1, 1), 0.99), 0, "row", "买受人通讯", "", 0)
    assert not is_dwelling(c)
    assert is_dwelling(replace(c, left="买受人所购"))


def test_an_address_stated_in_prose_after_a_label_of_the_table() -> None:
    assert purchase.ADDRESS[-1].search("该商品房详细地址为")
    assert not purchase.ADDRESS[-1].search("通讯地址为")


def test_the_date_in_prose_is_the_signing_date_only_before_a_verb_of_signing() -> None:
    assert parse_signed_date("2023年5月8日在售楼处签订。")[0] == "2023-05-08"
    assert parse_signed_date("2024年6月30日前交付该商品房。") is None


def _pages(*lines: str) -> list[OcrPage]:
    pdf = render_text_pdf([Title(lines[0]), *(Para(t) for t in lines[1:])])
    return [
        OcrPage(p.text_layer, p.width, p.height, "pdf_text_layer")
        for p in load_pdf_pages(pdf, "x.pdf", CaptureSettings())
    ]


# A form written for this test (not one of the generator's families): every field under a spelling no rule lists,
# each beside a trap of another kind.
_PURCHASE = (
    "商品房买卖合同",
    "合同号：⟦WQ2023-0456789⟧",
    "出卖人：⟦武汉锦绣置业有限公司⟧　通讯地址：⟦湖北省武汉市洪山区珞喻路88号⟧",
    "买受人：⟦王芳⟧　证件号码：⟦110105198001011234⟧　通讯地址：⟦北京市朝阳区建设路12号3栋101室⟧",
    "第二章　项目情况",
    "第一条　出卖人取得坐落于⟦武汉市洪山区珞喻路以西、雄楚大道以北⟧地块的建设用地使用权。",
    "第三章　该商品房",
    "第二条　详细地址：⟦湖北省武汉市洪山区珞喻路88号锦绣小区7栋2单元2404室⟧",
    "第三条　产权面积：⟦89.00⟧平方米，其中套内面积⟦70.12⟧平方米。",
    "第四条　单价每平方米人民币⟦13,000.00⟧元；首付总额：⟦347,100.00⟧元。",
    "第五条　合同总金额：⟦1,157,000.00⟧元（大写：⟦壹佰壹拾伍万柒仟元整⟧）。",
    "第六条　出卖人应当于⟦2025年6月30日⟧前交付该商品房。",
    "本合同于⟦2023年5月8日⟧在售楼处签订。",
    "补充协议",
    "本补充协议于⟦2023年5月20日⟧签署。",
)


def test_a_purchase_contract_under_unlisted_labels_is_read_and_its_traps_are_not() -> None:
    out = PurchaseContractExtractor().extract(_pages(*_PURCHASE))
    got = {k: f.value for k, f in out.fields.items()}
    assert got["contract_number"] == "WQ2023-0456789"
    assert got["property_address"] == "湖北省武汉市洪山区珞喻路88号锦绣小区7栋2单元2404室"
    assert got["floor_area"] == "89.00"
    assert got["total_price"] == "1157000.00"
    assert got["signing_date"] == "2023-05-08"


def test_a_supplement_dated_in_prose_is_not_the_signing_date() -> None:
    lines = [line for line in _PURCHASE if not line.startswith("本合同于")]
    out = PurchaseContractExtractor().extract(_pages(*lines))
    assert "signing_date" not in out.fields


def test_a_lease_under_unlisted_labels() -> None:
    out = RentalAgreementExtractor().extract(
        _pages(
            "房屋租赁合同",
            "出租人（甲方）：⟦李明⟧　身份证号：⟦110105198001011234⟧",
            "承租人（乙方）：⟦张伟⟧",
            "租赁房屋详细地址：⟦北京市朝阳区建设路12号3栋101室⟧",
            "租赁期限：自⟦2023年1月1日⟧起至⟦2023年12月31日⟧止，共12个月。",
            "月租金：人民币⟦3,000.00⟧元，押金⟦3,000.00⟧元。",
            "甲乙双方于⟦2022年12月20日⟧签订本合同。",
        )
    )
    got = {k: f.value for k, f in out.fields.items()}
    assert got["property_address"] == "北京市朝阳区建设路12号3栋101室"
    assert got["signing_date"] == "2022-12-20"
    assert rental.SIGNED_PROSE.search("甲乙双方于")


def test_the_parties_under_the_names_city_and_agency_texts_give_them() -> None:
    out = PurchaseContractExtractor().extract(
        _pages(
            "存量房买卖合同",
            "售房人（甲方）：⟦武汉锦绣置业有限公司⟧",
            "购房人（乙方）：⟦王芳⟧　证件号码：⟦11010519491231002X⟧",
            "受让人：⟦李明⟧　证件号码：⟦110105198001011234⟧",
            "房屋坐落：⟦北京市朝阳区建设路12号3栋101室⟧",
        )
    )
    got = {k: f.value for k, f in out.fields.items()}
    assert got["seller_name"] == "武汉锦绣置业有限公司"
    assert got["buyer_name"] == "王芳" and got["buyer_id_number"] == "11010519491231002X"
    assert [b["name"] for b in got["buyers"]] == ["王芳", "李明"]
