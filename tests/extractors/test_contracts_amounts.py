"""Amounts in figures and in Chinese capitals (大写), and the value parsers of contract fields."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.contracts.amounts import normalise_words, parse_figure, parse_words, words_to_decimal
from extractors.contracts.values import (
    find_dates,
    parse_address,
    parse_area,
    parse_contract_number,
    parse_id_number,
    parse_party_name,
    parse_person_name,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("为1,094,819.40元(大写", "1094819.40"),
        ("¥1234567元", "1234567.00"),
        ("人民币123.5万元", "1235000.00"),
        (":3500元整", "3500.00"),
        ("每月2,800.5元", "2800.50"),
        ("3.050.00元", "3050.00"),  # OCR read the thousands comma as a point
        ("1.234.567,00", "1234567.00"),
    ],
)
def test_figures(text: str, value: str) -> None:
    assert parse_figure(text)[0] == value


def test_figure_far_from_the_label_is_not_taken() -> None:
    assert parse_figure("包括房屋价款及应当计入的公共部位与公用房屋分摊建筑面积价款，不含契税10%") is None


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("壹佰零玖万肆仟捌佰壹拾玖元肆角", "1094819.40"),
        ("人民币贰仟捌佰元整", "2800.00"),
        ("玖拾捌万元零伍分", "980000.05"),
        ("壹佰贰拾叁万肆仟伍佰陆拾柒元伍角陆分", "1234567.56"),
        ("叁仟伍佰圆正", "3500.00"),
        ("拾万元整", "100000.00"),
    ],
)
def test_capitals_to_decimal(words: str, value: str) -> None:
    assert words_to_decimal(words) == Decimal(value)


def test_capitals_are_normalised_and_found_across_a_wrap() -> None:
    assert normalise_words("人民币 叁仟伍佰圆") == "叁仟伍佰元整"
    found = parse_words(":壹佰叁拾肆万叁仟\n肆佰元整)。")
    assert found is not None and found[0] == "壹佰叁拾肆万叁仟肆佰元整"
    assert words_to_decimal("伍佰角元") is None and parse_words("无大写金额") is None


def test_dates_in_every_printed_form() -> None:
    text = "2024年3月1日、2024-03-02、2024/3/3、2024.03.04、二〇二四年三月十五日、2024年2月30日"
    assert [d[0] for d in find_dates(text)] == ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-15"]
    # a stray separator beside 年 or 月, as a filled blank photographed under blur leaves it
    assert [d[0] for d in find_dates("签订日期：2019年-07月01日、2020年1月.5日")] == ["2019-07-01", "2020-01-05"]
    assert find_dates("2019--07--01") == []


def test_names_id_numbers_areas_addresses_and_numbers() -> None:
    assert parse_person_name(":张三,")[0] == "张三"
    assert parse_person_name("甲乙双方根据有关法律") is None
    assert parse_person_name("买买提·艾力")[0] == "买买提·艾力"
    assert parse_party_name("武汉市锦绣置业有限公司 法定代表人")[0] == "武汉市锦绣置业有限公司"
    assert parse_id_number("证件号码:33010619900303008x")[0].value == "33010619900303008X"
    assert parse_id_number("号码:1101051985061512345") is None
    assert parse_area("为89.56平方米")[0] == "89.56" and parse_area("90㎡")[0] == "90.00"
    assert parse_contract_number(":2024-WQ-01234")[0] == "2024-WQ-01234"
    assert parse_contract_number(":以备案为准") is None
    assert (
        parse_address("湖北省武汉市武昌区中山路1号5栋\n1201室的房屋出租")[0] == "湖北省武汉市武昌区中山路1号5栋1201室"
    )
    assert parse_address("详见附件") is None
    assert (
        parse_address("湖北省武汉市武昌区中山路1号5栋1201室 协商一致的基础上")[0]
        == "湖北省武汉市武昌区中山路1号5栋1201室"
    )


@pytest.mark.parametrize(
    ("printed", "words"),
    [
        ("（大写：壹佰零陆万伍仟壹佰参拾玖元贰角）", "壹佰零陆万伍仟壹佰叁拾玖元贰角"),  # 参: a variant of 叁
        ("（大写：人民币叁佰伍拾肆万染仟陆佰贰拾伍元垫)", "叁佰伍拾肆万柒仟陆佰贰拾伍元整"),  # OCR under glare
        ("(大写：貳萬伍仟圓整)", "贰万伍仟元整"),  # traditional forms
    ],
)
def test_capital_variants_and_misreadings_are_read_as_the_standard_capitals(printed: str, words: str) -> None:
    found = parse_words(printed)
    assert found is not None and found[0] == words
    start, end = found[1], found[2]
    assert len(printed[start:end]) == end - start  # offsets still index the printed text
