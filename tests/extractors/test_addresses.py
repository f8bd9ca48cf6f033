"""Addresses repaired from the division table and the recogniser's candidates, only where one answer fits."""

from __future__ import annotations

import pytest

from domain.models import OcrPage, TextLine
from extractors.addresses import division_prefixes, repair_address
from extractors.contracts.purchase import PurchaseContractExtractor


@pytest.mark.parametrize(
    ("seen", "truth"),
    [
        ("江苏省南京市玄式区解放大道628号", "江苏省南京市玄武区解放大道628号"),  # seen on a generated hard frame
        ("湖南省武汉市武昌区中山路1号", "湖北省武汉市武昌区中山路1号"),  # 湖南省 holds no 武汉市
        ("上每市徐汇区建设路1号", "上海市徐汇区建设路1号"),
        ("北京市朝阳巴学府路1号", "北京市朝阳区学府路1号"),
        ("武汉市武冒区和平街2号", "武汉市武昌区和平街2号"),  # no province written
    ],
)
def test_one_misread_division_character_is_repaired(seen: str, truth: str) -> None:
    reading = repair_address(seen)
    assert reading.value == truth
    assert len(reading.changed) == 1


@pytest.mark.parametrize(
    "text",
    [
        "湖北省武汉市武昌区和平街1号",  # right as read
        "广东省深圳市南山区建设路87号紫荆公寓2栋1单元3003室",
        "某某路12号",  # no divisions at all
        "北京市X区幸福里",  # two characters from any real district, or none: left alone
        "",
    ],
)
def test_addresses_that_need_nothing_or_fit_nothing_are_left_alone(text: str) -> None:
    assert repair_address(text).value == text and repair_address(text).changed == ()


def test_an_ambiguous_misreading_is_not_guessed() -> None:
    """桦南县 and 桦川县 both lie in 佳木斯市, 依兰县 and 木兰县 both in 哈尔滨市: a county read with the
    telling character wrong fits both, and is left as read."""
    for text in ("黑龙江省佳木斯市桦北县建设路1号", "黑龙江省哈尔滨市禾兰县人民路2号"):
        assert repair_address(text).changed == (), text
    # With the other character wrong there is one answer.
    assert repair_address("黑龙江省佳木斯市华南县建设路1号").value == "黑龙江省佳木斯市桦南县建设路1号"
    assert repair_address("吉林省长吞市朝阳区").value == "吉林省长春市朝阳区"


def test_the_table_holds_current_divisions_only() -> None:
    table = division_prefixes()
    assert {"湖北省武汉市武昌区", "武汉市武昌区", "北京市朝阳区", "广东省深圳市南山区", "重庆市渝中区"} <= table
    assert "北京市崇文区" not in table and "北京市宣武区" not in table  # merged into 东城区/西城区 in 2010
    assert "北京市市辖区" not in table


def test_a_misread_unit_after_a_house_number_is_taken_from_the_candidates() -> None:
    text = "和谐家园13栋3单元1201宝"
    cands = [None] * len(text)
    cands[-1] = (("宝", 0.6926), ("室", 0.2993))
    assert repair_address(text, cands).value == "和谐家园13栋3单元1201室"
    text = "和谐家园8栋4季元2404室"
    cands = [None] * len(text)
    cands[text.index("季")] = (("季", 0.946), ("单", 0.0403), ("手", 0.0071))
    assert repair_address(text, cands).value == "和谐家园8栋4单元2404室"


def test_without_a_unit_among_the_candidates_nothing_changes() -> None:
    text = "幸福里12宝"
    assert repair_address(text, [None] * 5 + [(("宝", 0.9), ("宇", 0.05))]).value == text
    assert repair_address(text).value == text  # no candidates at all: a guess would be a guess
    text = "学府路5A座"  # a Latin letter after a number is not touched
    assert repair_address(text, [None] * 4 + [(("A", 0.9), ("号", 0.05)), None]).value == text


def test_the_contract_extractor_reports_a_repaired_address_at_lower_confidence() -> None:
    text = "1.该商品房坐落于江苏省南京市玄式区解放大道628号书香苑13栋4单元1302室。"
    line = TextLine(text, 0.96, (100, 100, 100 + 20 * len(text), 120))
    out = PurchaseContractExtractor().extract([OcrPage((line,), 2000, 1400, "test")])
    field = out.fields["property_address"]
    assert field.value == "江苏省南京市玄武区解放大道628号书香苑13栋4单元1302室"
    assert "玄式区" in field.raw
    # The same line read right: the repaired value stands at a lower (calibrated) confidence than a clean read.
    clean = TextLine(text.replace("玄式区", "玄武区"), 0.96, line.bbox)
    clean_field = (
        PurchaseContractExtractor().extract([OcrPage((clean,), 2000, 1400, "test")]).fields["property_address"]
    )
    assert clean_field.value == field.value and field.confidence < clean_field.confidence
    assert any(w.startswith("property_address: repaired") and "式→武" in w for w in out.warnings)
