"""Validators: GB 11643 ID numbers and 大写 amounts (property tests), dates, money, addresses, names."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.validators import (
    CapitalAmountError,
    addresses_agree,
    capital_amount,
    expected_validity_years,
    id_check_digit,
    inspect_id_number,
    months_between,
    names_ocr_equivalent,
    normalise_address,
    parse_capital_amount,
    parse_date,
    parse_decimal,
    whole_years_between,
)
from samples.generator.identities import REGIONS

# County codes of the sample generator; stdnum knows all of them from 1990 on (some were created in the 1980s).
REGION_CODES = [code for code, _, _ in REGIONS]


@st.composite
def id_numbers(draw) -> tuple[str, dt.date, str]:
    region = draw(st.sampled_from(REGION_CODES))
    birth = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2015, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body), birth, "男" if seq % 2 else "女"


@given(id_numbers())
def test_valid_id_numbers_pass_and_tell_birth_date_and_sex(case):
    number, birth, sex = case
    facts = inspect_id_number(number)
    assert facts.ok, facts.problems
    assert facts.birth_date == birth and facts.sex == sex


@given(id_numbers(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_caught(case, position, shift):
    """MOD 11-2 catches every single substitution; changes inside the date may be caught as a bad date."""
    number = case[0]
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = number[position]
    new = alphabet[(alphabet.index(old) + shift) % len(alphabet)]
    if new == old:
        return
    changed = number[:position] + new + number[position + 1 :]
    assert not inspect_id_number(changed).ok


@given(id_numbers(), st.integers(0, 16))
def test_adjacent_transpositions_are_caught(case, position):
    number = case[0]
    a, b = number[position], number[position + 1]
    if a == b or (position == 16 and b == "X"):
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert "check_digit" in inspect_id_number(swapped).problems


@given(st.text(max_size=25))
def test_inspect_never_raises(text):
    inspect_id_number(text)


def test_id_number_problems_are_named():
    assert inspect_id_number("42010619900101").problems == ("format",)
    body = "99999919900101123"  # no such county
    assert "region" in inspect_id_number(body + id_check_digit(body)).problems
    body = "42010619901332123"  # no 32nd of a 13th month
    assert inspect_id_number(body + id_check_digit(body)).problems == ("birth_date",)
    assert inspect_id_number("４２０１０６１９９００１０１４３１２").number == "420106199001014312"  # full-width


# --- 大写 ---------------------------------------------------------------------------------------------
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999999.99"), places=2)


@given(amounts)
def test_capital_amount_round_trips_through_cn2an(value):
    """cn2an writes the 大写; our parser reads it back to the same figure (two independent implementations)."""
    assert parse_capital_amount(cn2an.an2cn(f"{value:.2f}", "rmb")) == value


@given(amounts, amounts)
def test_different_amounts_never_read_equal(a, b):
    if a != b:
        assert parse_capital_amount(capital_amount(a)) != b


@given(amounts, st.sampled_from(["人民币", "（大写）", "大写：人民币", ""]), st.sampled_from(["", "整", "正"]))
def test_capital_amount_tolerates_prefixes_and_suffixes(value, prefix, suffix):
    words = capital_amount(value)
    if suffix and words.endswith("整"):
        words = words[:-1] + suffix
    assert parse_capital_amount(prefix + words) == value


@settings(max_examples=200)
@given(st.text(max_size=12))
def test_capital_parser_rejects_or_reads_but_never_crashes(text):
    with contextlib.suppress(CapitalAmountError):
        parse_capital_amount(text)


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("壹拾万零伍佰元", "100500"),
        ("壹佰元零伍分", "100.05"),
        ("壹万零贰元伍角", "10002.5"),
        ("人民币贰佰叁拾肆万伍仟陆佰柒拾捌圆整", "2345678"),
        ("伍角", "0.5"),
    ],
)
def test_capital_forms_cn2an_alone_rejects(words, value):
    assert parse_capital_amount(words) == Decimal(value)


@pytest.mark.parametrize("words", ["", "整", "一百元", "壹佰元伍", "壹佰壹佰元", "123元", "元角分"])
def test_not_capital_amounts(words):
    with pytest.raises(CapitalAmountError):
        parse_capital_amount(words)


# --- plain values -------------------------------------------------------------------------------------
def test_dates_and_money():
    assert parse_date("2024-03-01") == dt.date(2024, 3, 1)
    assert parse_date("2024年3月1日") == dt.date(2024, 3, 1)
    assert parse_date("2024.03.01") == dt.date(2024, 3, 1)
    assert parse_date("2024-02-30") is None and parse_date("长期") is None and parse_date(None) is None
    assert parse_decimal("1,234,567.00") == Decimal("1234567.00")
    assert parse_decimal("¥88.5元") == Decimal("88.5")
    assert parse_decimal("八十") is None


def test_months_and_validity_spans():
    assert months_between(dt.date(2024, 3, 1), dt.date(2025, 2, 28)) == 12
    assert months_between(dt.date(2024, 3, 15), dt.date(2024, 9, 14)) == 6
    assert whole_years_between(dt.date(2010, 5, 6), dt.date(2030, 5, 6)) == 20
    assert whole_years_between(dt.date(2012, 2, 29), dt.date(2022, 2, 28)) == 10
    assert whole_years_between(dt.date(2010, 5, 6), dt.date(2030, 5, 7)) is None
    assert [expected_validity_years(a) for a in (15, 16, 25, 26, 45, 46)] == [5, 10, 10, 20, 20, None]


# --- addresses and names --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("湖北省武汉市武昌区建设路12号锦绣小区3栋2单元1502室", "武汉市武昌区建设路12号锦绣小区3栋2单元1502室"),
        ("武昌区建设路12号锦绣小区3栋2单元1502室", "湖北省武汉市武昌区 建设路12号 锦绣小区3-2-1502"),
        ("北京市朝阳区人民路8号三栋一单元302室", "北京市朝阳区人民路8号3幢1单元302"),
        ("上海市徐汇区和平街7号", "上海市徐汇区和平街７號"),
    ],
)
def test_addresses_that_agree(a, b):
    assert addresses_agree(a, b), (normalise_address(a), normalise_address(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("武汉市武昌区建设路12号锦绣小区3栋2单元1502室", "武汉市武昌区建设路12号锦绣小区3栋2单元1503室"),
        ("武汉市武昌区建设路12号", "武汉市洪山区建设路12号锦绣小区"),
        ("光明巷5号锦绣小区3栋", "和平街5号锦绣小区3栋"),
    ],
)
def test_addresses_that_differ(a, b):
    assert not addresses_agree(a, b)


def test_ocr_equivalent_names():
    assert names_ocr_equivalent("王己", "王已")
    assert names_ocr_equivalent("阿卜杜·热合曼", "阿卜杜•热合曼")
    assert not names_ocr_equivalent("王己", "王五")
    assert not names_ocr_equivalent("王己", "王己己")
