import datetime as dt

import pytest
from stdnum.cn import ric

from extractors.id_number import (
    birth_date_of,
    id_runs,
    is_valid,
    looks_like_id_number,
    read_id_number,
    repair_id_number,
    sex_of,
)

VALID = "430104199002069362"  # fake person; woman born 1990-02-06 in 长沙市岳麓区


def test_fixture_number_is_valid_per_stdnum():
    assert ric.is_valid(VALID) and is_valid(VALID)
    assert birth_date_of(VALID) == dt.date(1990, 2, 6)
    assert sex_of(VALID) == "女"


def test_exact_reading_needs_no_repair():
    r = read_id_number(f"公民身份号码{VALID}")
    assert r is not None and r.valid and r.value == VALID and not r.corrections


def test_letters_read_as_the_digits_they_resemble():
    r = read_id_number("43O1O4199OO2O69362")
    assert r.valid and r.value == VALID
    assert r.lookalikes and not r.repairs


def test_lowercase_and_multiplication_sign_x_become_uppercase_x():
    number = "44010620010726261X"
    for raw in ("44010620010726261x", "44010620010726261×"):
        r = repair_id_number(raw)
        assert r.valid and r.value == number


def test_spaces_inside_the_number_are_ignored():
    r = read_id_number("4301 0419 9002 0693 62")
    assert r.valid and r.value == VALID


def test_misread_birth_digit_repaired_from_the_printed_birth_date():
    wrong = VALID[:10] + "8" + VALID[11:]  # 1990-82-06: no such month
    r = repair_id_number(wrong, birth_date=dt.date(1990, 2, 6), sex="女")
    assert r.valid and r.value == VALID and r.repairs


def test_misread_digit_repaired_when_the_hints_leave_one_candidate():
    wrong = VALID[:15] + "8" + VALID[16:]  # '3' read as '8'
    assert not is_valid(wrong)
    r = repair_id_number(wrong, birth_date=dt.date(1990, 2, 6), sex="女")
    assert r.valid and r.value == VALID
    assert any("position 16" in c for c in r.repairs)


def test_ambiguous_misreading_is_left_alone():
    wrong = VALID[:17] + "3"  # bad check digit: several one-digit repairs pass
    r = repair_id_number(wrong)
    assert not r.valid and r.ambiguous and r.value == wrong and not r.repairs


def test_doubled_digit_dropped():
    r = repair_id_number(VALID[:8] + "9" + VALID[8:])
    assert r.valid and r.value == VALID and "doubled" in r.repairs[0]


def test_repair_never_contradicts_the_printed_sex():
    wrong = VALID[:15] + "8" + VALID[16:]
    r = repair_id_number(wrong, birth_date=dt.date(1990, 2, 6), sex="男")
    assert not r.valid or sex_of(r.value) == "男"


@pytest.mark.parametrize("text", ["", "姓名张三", "12345", "2015.10.07-2035.10.07"])
def test_no_number_no_reading(text):
    assert read_id_number(text) is None
    assert not looks_like_id_number(text)


def test_runs_split_at_non_digits():
    assert id_runs(f"号码{VALID}住址") == [VALID]
    assert looks_like_id_number(VALID)


def test_region_code_without_county_is_invalid_not_an_exception():
    # stdnum 2.2 raises KeyError inside is_valid for some prefecture-only codes.
    assert is_valid("430100199002069362") in (True, False)
