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


def _alternatives(raw: str, **at: tuple[str, float]) -> list:
    """Per character of ``raw``: what it was read as (0.9), plus the alternative given for its position
    (``at["p3"] = ("4", 0.05)``: the recogniser also considered '4' at position 3, 1-based)."""
    return [((ch, 0.9), *([at[f"p{i + 1}"]] if f"p{i + 1}" in at else [])) for i, ch in enumerate(raw)]


def test_two_digits_the_recogniser_nearly_read_otherwise_are_put_right():
    """440305… read as 110305… (the camera set's gf2014_medium_012): two digits wrong, so no one-digit repair
    can find it, but the recogniser had '4' as its alternative in both places."""
    right, raw = "440305198811232582", "110305198811232582"
    assert not is_valid(raw) and is_valid(right)
    assert not repair_id_number(raw).valid  # without the alternatives it cannot be put right
    r = repair_id_number(raw, candidates=_alternatives(raw, p1=("4", 0.004), p2=("4", 0.001)))
    assert r.valid and r.value == right
    assert r.repairs == (
        "'1'→'4' at position 1, the recogniser's alternative there; '1'→'4' at position 2, "
        "the recogniser's alternative there",
    )


def test_a_look_alike_repair_that_is_ambiguous_is_decided_by_the_alternatives():
    """The check digit fails and several one-digit repairs would pass it; the one the recogniser nearly read wins."""
    wrong = VALID[:17] + "3"
    assert repair_id_number(wrong).ambiguous
    r = repair_id_number(wrong, candidates=_alternatives(wrong, p18=("2", 0.08), p5=("7", 0.01)))
    assert r.valid and r.value == VALID and "position 18" in r.repairs[0]


def test_two_alternatives_that_fit_about_as_well_decide_nothing():
    wrong = VALID[:17] + "3"
    # Another single-digit change that also passes every check, to stand beside the right one.
    other = next(
        (i, d) for i in range(6, 17) for d in "0123456789" if d != wrong[i] and is_valid(wrong[:i] + d + wrong[i + 1 :])
    )
    near = {"p18": ("2", 0.05), f"p{other[0] + 1}": (other[1], 0.05)}
    r = repair_id_number(wrong, candidates=_alternatives(wrong, **near))
    assert not r.valid and r.value == wrong and not r.repairs
    # Ten times likelier is clear enough.
    near[f"p{other[0] + 1}"] = (other[1], 0.004)
    assert repair_id_number(wrong, candidates=_alternatives(wrong, **near)).value == VALID


def test_alternatives_never_override_the_printed_sex():
    wrong = VALID[:17] + "3"
    r = repair_id_number(wrong, sex="男", candidates=_alternatives(wrong, p18=("2", 0.3)))
    assert not r.valid or sex_of(r.value) == "男"
