"""Kinds of candidates, the lease-term phrasings and their agreement, and the confidence calibration table."""

from __future__ import annotations

import pytest

from extractors.anchors import Value
from extractors.contracts.calibration import evidence_class, fit_table, lookup, score_bin
from extractors.contracts.choose import Candidate, Evidence, is_dwelling, is_floor_area, is_rent, is_total
from extractors.contracts.rental import term_agrees, term_months


def _c(value: str, *, left: str = "", section: str = "") -> Candidate:
    return Candidate(Value(value, value, 0, (0, 0, 1, 1), 0.99), 0, "row", left, section, 0)


@pytest.mark.parametrize(
    ("value", "section", "dwelling"),
    [
        ("湖北省武汉市洪山区珞喻路以西、雄楚大道以北", "", False),
        ("武汉市洪山区珞喻路以西地块", "", False),
        ("宗地号为C-12的地块", "", False),
        ("湖北省武汉市武昌区光明巷458号锦绣小区7栋2单元2404室", "", True),
        ("北京市朝阳区建设路12号", "", True),
        ("锦绣花园3幢", "", True),
        ("湖北省武汉市武昌区光明巷458号锦绣小区7栋2单元2404室", "第二章 / 第一条项目建设依据", False),
        ("湖北省武汉市武昌区光明巷", "", False),
    ],
)
def test_a_dwelling_ends_in_its_unit_and_is_no_parcel(value: str, section: str, dwelling: bool) -> None:
    assert is_dwelling(_c(value, section=section)) is dwelling


@pytest.mark.parametrize(
    ("left", "floor"), [("其预测", True), ("其中套内", False), ("分摊共有", False), ("该房屋", True), ("公摊", False)]
)
def test_an_area_after_套内_or_分摊_is_not_the_floor_area(left: str, floor: bool) -> None:
    assert is_floor_area(_c("70.00", left=left)) is floor


def test_a_deposit_or_a_unit_price_is_not_the_rent_or_the_total() -> None:
    assert not is_rent(_c("9000.00", left="第三条押金为三个月"))
    assert is_rent(_c("3000.00", left="押金为三个月租金，即人民币9000元，月"))
    assert not is_total(_c("7770.00", left="该商品房单价为每平方米"))
    assert is_total(_c("730224.60", left="元，"))


@pytest.mark.parametrize(
    ("text", "months"),
    [("共12个月，自", "12"), ("为壹年，即从", "12"), ("两年", "24"), ("自2023年1月1日起", None), ("3年", "36")],
)
def test_lease_term_phrasings(text: str, months: str | None) -> None:
    found = term_months(text)
    assert (found[0] if found else None) == months


def test_the_lease_end_follows_the_start_and_the_term() -> None:
    assert term_agrees("2023-01-01", "2023-12-31", "12") == 1
    assert term_agrees("2023-01-01", "2024-01-01", "12") == 1
    assert term_agrees("2023-01-01", "2024-12-31", "12") == -1
    assert term_agrees("2023-01-01", "2022-12-31", None) == -1
    assert term_agrees("2023-01-01", "2023-06-30", None) == 0


def test_evidence_classes() -> None:
    assert evidence_class(Evidence(agreement=-1, repaired=True)) == "disagrees"
    assert evidence_class(Evidence(repaired=True)) == "repaired"
    assert evidence_class(Evidence(competitors=1)) == "contested"
    assert evidence_class(Evidence(where="below")) == "weak_label"
    assert evidence_class(Evidence(agreement=1)) == "agrees"
    assert evidence_class(Evidence()) == "plain"


def test_the_calibration_table_is_the_share_right_and_rises_with_the_score() -> None:
    rows = [("plain", 0.99, True)] * 98 + [("plain", 0.99, False)] * 2
    rows += [("plain", 0.85, True)] * 9 + [("plain", 0.85, False)] * 1
    rows += [("plain", 0.5, True)] * 10  # better than the bin above it: pooled with it
    table = fit_table(rows, prior=0.5)
    assert table[f"plain/{score_bin(0.99)}"] == pytest.approx(98.5 / 101, abs=1e-6)
    low, mid = table[f"plain/{score_bin(0.5)}"], table[f"plain/{score_bin(0.85)}"]
    assert low == mid == pytest.approx((10.5 / 11 * 10 + 9.5 / 11 * 10) / 20, abs=1e-6)
    assert low <= table[f"plain/{score_bin(0.99)}"]
    # A cell is never certain from the values it saw: 10 right of 10 is not 1.0.
    assert fit_table([("agrees", 0.99, True)] * 10)[f"agrees/{score_bin(0.99)}"] < 0.96


@pytest.mark.parametrize("ev", [Evidence(), Evidence(repaired=True), Evidence(agreement=-1), Evidence(competitors=2)])
def test_the_committed_table_never_lifts_a_flagged_value(ev: Evidence) -> None:
    """Below 0.8 the reading rules have flagged the value (or the recogniser barely read it): lower only."""
    from extractors.contracts.calibration import probability

    for score in (0.05, 0.3, 0.5, 0.79):
        p = probability(score, ev)
        assert p is not None and p <= score


def test_the_table_lowers_a_flagged_value_but_never_lifts_it_out_of_review() -> None:
    table = {"plain/0": 0.95, "plain/4": 0.999}
    assert lookup(table, "plain", 0.5) == 0.5  # bin 0: lower only
    assert lookup(table, "plain", 0.99) == 0.999
    assert lookup(table, "contested", 0.99) == 0.85  # a cell the fit never saw: capped at UNSEEN
