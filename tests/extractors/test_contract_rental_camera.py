"""Rental pages as the camera reads them: a party label misread before its role in brackets, a party whose name lost
a character, seen on generated camera frames of the tuned families."""

from __future__ import annotations

from domain.models import OcrPage, TextLine
from extractors.contracts.rental import RentalAgreementExtractor

CH = 20  # one CJK character's width and a line's height


def _line(text: str, y: float) -> TextLine:
    return TextLine(text, 0.99, (100, y, 100 + sum(CH if ord(c) > 0x2E80 else CH * 0.55 for c in text), y + CH))


def _read(*texts: str) -> tuple[dict, tuple[str, ...]]:
    page = OcrPage(tuple(_line(t, 100 + 40 * i) for i, t in enumerate(texts)), 1000, 1400, "test")
    out = RentalAgreementExtractor().extract([page])
    return {k: f.value for k, f in out.fields.items()}, out.warnings


def test_the_role_in_brackets_names_the_party_when_the_word_before_is_misread() -> None:
    got, _ = _read(
        "租房协议",
        "申方(出租方):崔勇,身份证号:320102199802220704",
        "乙方(承租方):李俊,身份证号:440106199509013274",
    )
    assert got["lessor_name"] == "崔勇" and got["lessor_id_number"] == "320102199802220704"
    assert got["lessee_name"] == "李俊"


def test_a_party_whose_name_lost_a_character_keeps_its_id_number_and_no_name() -> None:
    got, warnings = _read(
        "房屋租赁合同",
        "出租人(甲方):董证件号码:31010419830115133X",
        "承租人(乙方):潘平伟证件号码:440305198708018975",
    )
    assert "lessor_name" not in got
    assert got["lessor_id_number"] == "31010419830115133X"
    assert got["lessee_id_number"] == "440305198708018975"
    assert any(w.startswith("lessor_name: the name beside the label could not be read") for w in warnings)


def test_a_blank_party_label_gives_no_id_number() -> None:
    got, _ = _read("房屋租赁合同", "出租人(甲方):", "310104198301151330", "承租人(乙方):潘平伟")
    assert "lessor_id_number" not in got


def test_the_house_after_位于_misread_and_a_cut_noun_after_its_unit() -> None:
    got, _ = _read(
        "租房合同",
        "出租方(以下简称甲方):江东身份证号码:110108199202188033",
        "一、甲方将位手湖北省武汉市武昌区学府路194号书香苑27栋3单元902室的胸屋出租",
        "给乙方居住。",
    )
    assert got["property_address"] == "湖北省武汉市武昌区学府路194号书香苑27栋3单元902室"


def test_the_term_under_a_misread_label_and_贰_read_as_武() -> None:
    got, warnings = _read(
        "房屋租赁合同",
        "出租方(甲方):曹娟",
        "相赁期限2025年08月20日至2027年08月19日(24个月)",
    )
    assert (got["lease_start"], got["lease_end"], got["lease_term_months"]) == ("2025-08-20", "2027-08-19", "24")
    got, warnings = _read("租房合同", "出租方:曹娟", "二、租赁期限为武年,即从2023年3月15日至2025年3月14日。")
    assert got["lease_term_months"] == "24" and not any(w.startswith("lease_end") for w in warnings)


def test_the_lease_start_alone_when_the_end_date_was_lost() -> None:
    got, warnings = _read("房屋租赁合同", "出租人(甲方):万子", "租赁期限自2019年11月1日起至2020年月日止.共十计个月。")
    assert got["lease_start"] == "2019-11-01" and "lease_end" not in got
    assert any("lease_end" in w for w in warnings)
    got, _ = _read("房屋租赁合同", "出租人(甲方):万子", "租赁期限:2019年11月1日签订")
    assert "lease_start" not in got  # a date not followed by 起/至 is not the start


def test_a_yearly_or_whole_term_rent_is_not_the_monthly_rent() -> None:
    got, _ = _read(
        "房屋租赁合同",
        "出租人(甲方):万子",
        "年租金为人民币36000元,租金总额为人民币72000元。",
    )
    assert "monthly_rent" not in got
    got, _ = _read(
        "房屋租赁合同",
        "出租人(甲方):万子",
        "租金总额为人民币72000元,月租金为人民币3000元。",
    )
    assert got["monthly_rent"] == "3000.00"
