"""The traps of real contract forms, on generated text-PDF pages of every template family that holds them: no
field is filled from a clause of another kind (land parcel, 套内/分摊/土地使用权 area, deposit, unit price, another
date), ID digits written one per box are read, other contracts are unknown, and missing pages are reported."""

from __future__ import annotations

import io
import random
import re
from functools import cache

import pypdfium2 as pdfium
import pytest

from capture.pdf import load_pdf_pages
from config.settings import CaptureSettings
from domain.models import OcrPage
from extractors.contracts.purchase import PurchaseContractExtractor
from extractors.contracts.rental import RentalAgreementExtractor
from extractors.registry import classify
from samples.generator.contract_families import HELD_OUT
from samples.generator.contract_pdf import Para, Title, render_text_pdf
from samples.generator.contracts import TEMPLATES, make_text_pdf

SEEDS = range(3)  # easy, medium, hard


def _pages(pdf: bytes) -> list[OcrPage]:
    pages = load_pdf_pages(pdf, "x.pdf", CaptureSettings())
    return [OcrPage(p.text_layer, p.width, p.height, "pdf_text_layer") for p in pages]


@cache
def _read(doc_type: str, family: str, seed: int) -> tuple[dict, dict, str, list[str]]:
    """Truth, values read, the whole text (no spaces) and the warnings of one generated document."""
    difficulty = ("easy", "medium", "hard")[seed % 3]
    pdf, truth, _ = make_text_pdf(random.Random(f"trap/{family}/{seed}"), doc_type, family, difficulty)
    pages = _pages(pdf)
    extractor = PurchaseContractExtractor() if doc_type == "purchase_contract" else RentalAgreementExtractor()
    out = extractor.extract(pages)
    text = re.sub(r"\s", "", "\n".join(p.text for p in pages))
    return truth, {k: f.value for k, f in out.fields.items()}, text, list(out.warnings)


def _families(doc_type: str, *needles: str) -> list[str]:
    """The families whose generated text holds every one of ``needles`` (the trap is really on the page)."""
    out = []
    for family in TEMPLATES[doc_type]:
        text = _read(doc_type, family, 2)[2]
        if all(re.search(n, text) for n in needles):
            out.append(family)
    return out


def _check(doc_type: str, families: list[str], field: str) -> None:
    """Each family's value is the truth; a held-out family may leave it unread but never gets it wrong."""
    assert families
    for family in families:
        for seed in SEEDS:
            truth, got, _, _ = _read(doc_type, family, seed)
            if family in HELD_OUT[doc_type]:
                assert got.get(field) in (truth[field], None), (family, seed, field, got.get(field))
            else:
                assert got.get(field) == truth[field], (family, seed, field, got.get(field))


def test_the_land_parcel_before_the_house_is_not_the_address() -> None:
    families = _families("purchase_contract", r"地块", r"以[东西南北]")
    assert {"gf0171_presale", "gf0172_sale", "city_presale"} <= set(families)
    for family in families:
        text = _read("purchase_contract", family, 2)[2]
        assert text.index("地块") < text.index(_read("purchase_contract", family, 2)[0]["property_address"])
    _check("purchase_contract", families, "property_address")
    for family in families:
        for seed in SEEDS:
            got = _read("purchase_contract", family, seed)[1].get("property_address") or ""
            assert "地块" not in got and not re.search("以[东西南北]", got)


def test_inner_shared_and_land_areas_are_not_the_floor_area() -> None:
    families = _families("purchase_contract", r"套内建筑面积\d", r"(?:分摊|土地使用权)")
    assert {"gf0171_presale", "gf0172_sale", "resale_city", "city_presale"} <= set(families)
    _check("purchase_contract", families, "floor_area")


def test_the_unit_price_is_not_the_total() -> None:
    families = _families("purchase_contract", r"单价")
    assert len(families) >= 6
    _check("purchase_contract", families, "total_price")
    _check("purchase_contract", [f for f in families if f not in HELD_OUT["purchase_contract"]], "unit_price")
    for family in families:
        for seed in SEEDS:
            truth, got, _, _ = _read("purchase_contract", family, seed)
            assert got.get("total_price") != truth["unit_price"]


def test_the_deposit_is_not_the_rent() -> None:
    families = _families("rental_agreement", r"押金(?:为|:|\d|人民币)")
    assert {"lines_deposit", "boxed_ids", "handfilled", "agency"} <= set(families)
    _check("rental_agreement", families, "monthly_rent")


def test_the_signing_date_beside_other_dates_or_alone_on_the_last_page() -> None:
    purchase = _families("purchase_contract", r"签订(?:时间|日期)")
    rental = _families("rental_agreement", r"签[订约]日期")
    _check("purchase_contract", purchase, "signing_date")
    _check("rental_agreement", rental, "signing_date")
    # The model text's signature page stands alone, and the boxed-ID lease signs on a page of its own.
    for doc_type, family in (("purchase_contract", "gf0171_presale"), ("rental_agreement", "boxed_ids")):
        pdf, _, _ = make_text_pdf(random.Random("last"), doc_type, family, "easy")
        last = _pages(pdf)[-1].text
        assert "签订" in last and "租金" not in last and "总价款" not in last


def test_the_lease_end_follows_the_start_and_the_term() -> None:
    for family in TEMPLATES["rental_agreement"]:
        for seed in SEEDS:
            truth, got, _, warnings = _read("rental_agreement", family, seed)
            assert (got.get("lease_start"), got.get("lease_end")) == (truth["lease_start"], truth["lease_end"])
            assert got.get("lease_term_months") in (truth.get("lease_term_months"), None)
            assert not any("lease_end" in w for w in warnings)


def test_id_digits_written_one_per_box_and_parties_in_ruled_tables() -> None:
    for seed in SEEDS:
        truth, got, _, _ = _read("rental_agreement", "boxed_ids", seed)
        for role in ("lessor", "lessee"):
            assert got[f"{role}_name"] == truth[f"{role}_name"]
            assert got[f"{role}_id_number"] == truth[f"{role}_id_number"]
    _check("purchase_contract", ["resale_city", "party_table"], "buyer_id_number")


def test_several_buyers_are_all_read() -> None:
    seen = 0
    for family in ("gf0171_presale", "gf0172_sale", "resale_city"):
        for seed in range(12):
            truth, got, _, _ = _read("purchase_contract", family, seed)
            if len(truth["buyers"]) > 1:
                seen += 1
                assert got["buyers"] == truth["buyers"], (family, seed)
    assert seen >= 2


def _pdf(*lines: str) -> bytes:
    return render_text_pdf([Title(lines[0]), *(Para(t) for t in lines[1:])])


_LOAN_BOILER = tuple(
    f"第{i + 1}条　{t}"
    for i, t in enumerate(
        (
            "借款人应按本合同约定的期限和方式归还借款本息，贷款人有权对借款的使用情况进行监督检查。",
            "借款人以其购买的上述房屋设定抵押，抵押登记手续由借款人负责办理，费用由借款人承担。",
            "物业服务企业应按照本合同约定提供公共区域的清洁、绿化、秩序维护及共用设施设备维修养护服务。",
            "本合同项下借款的利率按照中国人民银行公布的同期同档次贷款市场报价利率执行。",
            "借款人未按期足额归还借款本息的，贷款人有权按照约定计收罚息和复利。",
            "本合同自双方签字盖章之日起生效，至借款本息全部清偿之日终止。",
        )
        * 2
    )
)


@pytest.mark.parametrize(
    "title",
    ["个人住房借款合同", "商品房抵押借款合同", "前期物业服务合同", "物业服务合同"],
)
def test_another_kind_of_contract_is_unknown(title: str) -> None:
    pdf = _pdf(
        title,
        "借款人（买受人）：⟦王芳⟧　身份证号码：⟦110105198001011234⟧",
        "借款人与出卖人签订了《商品房买卖合同》，购买坐落于⟦北京市朝阳区建设路1号1栋1单元101室⟧的房屋，"
        "建筑面积⟦89.00⟧平方米，总价款⟦1,200,000.00⟧元，单价每平方米⟦13483⟧元。",
        "出租人、承租人及物业使用人应遵守管理规约，物业服务费按建筑面积每月每平方米⟦2.5⟧元计收，押金⟦500⟧元。",
        *_LOAN_BOILER,
        "签订日期：⟦2024年3月1日⟧",
    )
    assert classify(_pages(pdf))[0] == "unknown"


def test_a_contract_with_missing_pages_reports_the_fields_it_lacks() -> None:
    pdf, truth, n = make_text_pdf(random.Random("missing"), "purchase_contract", "gf0171_presale", "easy")
    assert n >= 3
    src = pdfium.PdfDocument(pdf)
    first = pdfium.PdfDocument.new()
    first.import_pages(src, [0])
    buf = io.BytesIO()
    first.save(buf)
    out = PurchaseContractExtractor().extract(_pages(buf.getvalue()))
    assert "total_price" not in out.fields and "signing_date" not in out.fields
    assert any("not found" in w and "total_price" in w for w in out.warnings)
    assert any("page may be missing" in w and "signing_date" in w for w in out.warnings)
    # What the first page does hold is still read, and read right.
    assert out.fields["contract_number"].value == truth["contract_number"]
