"""Every rule: a consistent case where it stays silent and a case with one planted problem that it reports.

Documents carry what a perfect extraction of generated captures returns (the generators' ground truth); the
end-to-end tests run the real extractors instead (test_checks_e2e.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from conftest import (
    BUSINESS_DATE,
    Case,
    consistent_case,
    id_docs,
    make_doc,
    purchase_doc,
    purchase_for,
    rules_of,
    valid_person,
    with_fields,
)

from checks.facts import CaseFacts
from checks.registries.local import LocalRegistry
from checks.rules import RULES
from checks.validators import capital_amount, id_check_digit
from config.settings import ChecksSettings
from domain.business import Business
from domain.models import Severity
from samples.generator.identities import _add_years


def _other_id(number: str) -> str:
    body = number[:14] + f"{(int(number[14:17]) + 2) % 1000:03d}"
    return body + id_check_digit(body)


def _wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@dataclass(frozen=True)
class Planted:
    rule: str
    business: str
    plant: Callable[[Case], dict[str, Any]]  # → keyword arguments for Case.run
    severity: Severity = Severity.ERROR
    note: str = ""


def docs(case: Case, index: int, **changes: Any) -> dict[str, Any]:
    return {"documents": case.replace(index, with_fields(case.documents[index], **changes))}


P, R, S, T, L = (
    "purchase_withdrawal",
    "rental_withdrawal",
    "resignation_withdrawal",
    "retirement_withdrawal",
    "combination_loan",
)

PLANTED = [
    Planted("materials.missing", P, lambda c: {"documents": c.documents[:2]}),
    Planted("materials.missing", R, lambda c: {"documents": c.documents[:1] + c.documents[2:]}, note="no back side"),
    Planted("materials.missing", S, lambda c: {"facts": CaseFacts()}, note="no bank card number"),
    Planted(
        "materials.unrecognised",
        T,
        lambda c: {"documents": (*c.documents, make_doc("unknown", {}))},
        Severity.WARNING,
    ),
    Planted(
        "materials.not_needed",
        T,
        lambda c: {"documents": (*c.documents, purchase_doc(purchase_for(c.person, 5)))},
        Severity.INFO,
    ),
    Planted("facts.bank_card_number", S, lambda c: {"facts": CaseFacts(bank_card_number="6222020000000000001")}),
    Planted("facts.bank_card_number", S, lambda c: {"facts": CaseFacts(bank_card_number="62220200")}, note="short"),
    Planted("fields.unreadable", P, lambda c: docs(c, 0, id_number=None)),
    Planted("fields.unreadable", R, lambda c: docs(c, 2, lease_end="2025-13-45")),
    Planted("id_number.format", P, lambda c: docs(c, 0, id_number="4201061990")),
    Planted("id_number.check_digit", T, lambda c: docs(c, 0, id_number=_wrong_check(c.person.id_number))),
    Planted(
        "id_number.check_digit",
        P,
        lambda c: docs(c, 2, buyer_id_number=_wrong_check(c.person.id_number), buyers=None),
        note="on the contract",
    ),
    Planted(
        "id_number.region",
        T,
        lambda c: docs(
            c, 0, id_number="999999" + c.person.id_number[6:17] + id_check_digit("999999" + c.person.id_number[6:17])
        ),
    ),
    Planted("id_number.birth_date", T, lambda c: docs(c, 0, birth_date="1961-02-03")),
    Planted("id_number.sex", T, lambda c: docs(c, 0, sex="女" if c.person.sex == "男" else "男")),
    Planted("id_card.validity", T, lambda c: {"business_date": dt.date(2090, 1, 1)}, note="expired"),
    Planted("id_card.validity", T, lambda c: docs(c, 1, valid_from="2026-12-01"), note="not yet in force"),
    Planted(
        "id_card.validity_span",
        T,
        lambda c: docs(c, 1, valid_until=_add_years(c.person.valid_from, 7).isoformat()),
        Severity.WARNING,
    ),
    Planted("person.id_number", P, lambda c: docs(c, 2, buyer_id_number=_other_id(c.person.id_number), buyers=None)),
    Planted("person.id_number", R, lambda c: docs(c, 2, lessee_id_number=_other_id(c.person.id_number))),
    Planted("person.name", L, lambda c: docs(c, 2, buyer_name="欧阳明", buyers=None)),
    Planted("person.name", R, lambda c: docs(c, 2, lessee_name="欧阳明")),
    Planted("amounts.in_words", P, lambda c: docs(c, 2, total_price_in_words=capital_amount(Decimal("1000000")))),
    Planted("amounts.in_words", R, lambda c: docs(c, 2, monthly_rent_in_words="壹拾贰万元整")),
    Planted("amounts.unit_price", P, lambda c: docs(c, 2, unit_price="99.00"), Severity.WARNING),
    Planted("amounts.positive", L, lambda c: docs(c, 2, floor_area="0.00")),
    Planted("amounts.range", L, lambda c: docs(c, 2, floor_area="9000.00", unit_price=None), Severity.WARNING),
    Planted("amounts.rent_term", R, lambda c: docs(c, 2, lease_end="2049-01-01"), Severity.WARNING),
    Planted("amounts.rent_term", R, lambda c: docs(c, 2, total_rent="99.00"), Severity.WARNING, note="total"),
    Planted("dates.signing_future", P, lambda c: docs(c, 2, signing_date="2026-07-01")),
    Planted(
        "dates.signing_before_id_issue",
        P,
        lambda c: docs(c, 2, signing_date=(c.person.valid_from - dt.timedelta(days=1)).isoformat()),
        Severity.WARNING,
    ),
    Planted("dates.lease_order", R, lambda c: docs(c, 2, lease_end="2020-01-01")),
    Planted("dates.lease_covers_business_date", R, lambda c: {"business_date": dt.date(2028, 1, 1)}),
    Planted("dates.lease_covers_business_date", R, lambda c: {"business_date": dt.date(2025, 1, 1)}, note="not yet"),
    Planted("address.property", P, lambda c: {"facts": CaseFacts(property_address="北京市海淀区中关村大街1号")}),
    Planted(
        "address.property",
        P,
        lambda c: {"facts": CaseFacts(property_address=c.documents[2].value("property_address")[:-3] + "9室")},
        Severity.WARNING,
        note="one character",
    ),
    Planted("duplicates.document", T, lambda c: {"documents": (*c.documents, c.documents[0])}, Severity.WARNING),
    Planted(
        "duplicates.document",
        P,
        lambda c: {"documents": (*c.documents, with_fields(c.documents[2], signing_date=None))},
        Severity.WARNING,
        note="contract number",
    ),
    Planted("registry.identity", T, lambda c: {"registry": LocalRegistry({})}, note="not found"),
    Planted(
        "registry.identity",
        P,
        lambda c: {"registry": _registry_with(c, "public_security", c.person.id_number, valid_until="2020-01-01")},
        note="card replaced",
    ),
    Planted(
        "registry.housing",
        L,
        lambda c: {
            "registry": _registry_with(c, "housing", c.documents[2].value("contract_number"), buyer_id_number=["x"])
        },
    ),
    Planted(
        "registry.tax",
        P,
        lambda c: {"registry": _registry_with(c, "tax", c.documents[2].value("contract_number"), total_price="1.00")},
        Severity.WARNING,
    ),
    Planted(
        "registry.social_security",
        T,
        lambda c: {"registry": _registry_with(c, "social_security", c.person.id_number, status="employed")},
    ),
    Planted(
        "registry.social_security",
        S,
        lambda c: {"registry": _registry_with(c, "social_security", c.person.id_number, status="retired")},
    ),
]


def _registry_with(case: Case, source: str, key: str, **changes: Any) -> LocalRegistry:
    records = {s: {k: dict(v) for k, v in by_key.items()} for s, by_key in case.records.items()}
    records[source][key] = {**records[source].get(key, {}), **changes}
    return LocalRegistry(records)


def _id(p: Planted) -> str:
    return f"{p.rule}-{p.business}" + (f"-{p.note.replace(' ', '_')}" if p.note else "")


def test_every_rule_has_a_planted_case():
    # registry.configured reports an absence, not a problem: test_checks_registries.py covers it.
    assert {r.id for r in RULES} - {"registry.configured"} <= {p.rule for p in PLANTED}


@pytest.mark.parametrize("business", [b.value for b in Business])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_consistent_cases_have_no_findings(business, seed):
    report = consistent_case(business, seed).run()
    assert report.passed
    assert [f.to_dict() for f in report.findings] == []


@pytest.mark.parametrize("planted", PLANTED, ids=_id)
def test_planted_problem_is_reported_by_its_rule(planted: Planted):
    case = consistent_case(planted.business, seed=2)
    assert planted.rule not in rules_of(case.run())
    report = case.run(**planted.plant(case))
    hits = [f for f in report.findings if f.rule == planted.rule]
    assert hits, [f.to_dict() for f in report.findings]
    assert {f.severity for f in hits} == {planted.severity}
    for f in hits:
        assert f.message and f.refs and not f.indeterminate
        # Personal data in messages is masked: no full ID number, ever.
        assert case.person.id_number not in f.message
    if planted.severity == Severity.ERROR:
        assert not report.passed


def test_refs_point_at_the_fields_involved():
    case = consistent_case(P, 2)
    report = case.run(**docs(case, 0, sex="女" if case.person.sex == "男" else "男"))
    (f,) = [f for f in report.findings if f.rule == "id_number.sex"]
    assert f.refs == ("doc[0].id_number", "doc[0].sex")


# --- rules with more than one way to pass or fail ------------------------------------------------------
def test_dropped_materials_are_never_asked_for():
    for business in Business:
        report = consistent_case(business.value).run(documents=(), facts=CaseFacts())
        missing = " ".join(f.message for f in report.findings if f.rule == "materials.missing")
        assert missing  # something is missing from an empty case
        for dropped in ("发票", "离职证明", "退休证", "借款抵押合同", "抵押"):
            assert dropped not in missing, business


def test_ocr_variant_of_the_name_is_tolerated_only_with_the_same_id_number():
    person = dataclasses.replace(valid_person(4), name="王己")
    case = consistent_case(P, 4)
    front, back = id_docs(person)
    contract = with_fields(case.documents[2], buyer_name="王已", buyer_id_number=person.id_number, buyers=None)
    report = case.run(documents=(front, back, contract), registry=None)
    (f,) = [f for f in report.findings if f.rule == "person.name"]
    assert f.severity == Severity.INFO
    other = with_fields(contract, buyer_id_number=_other_id(person.id_number))
    report = case.run(documents=(front, back, other), registry=None)
    assert "person.id_number" in rules_of(report, "error")


def test_co_buyers_any_of_whom_may_apply():
    case = consistent_case(L, 6)
    someone = valid_person(60)
    contract = with_fields(
        case.documents[2],
        buyer_name=someone.name,
        buyer_id_number=someone.id_number,
        buyers=[
            {"name": someone.name, "id_number": someone.id_number},
            {"name": case.person.name, "id_number": case.person.id_number},
        ],
    )
    report = case.run(documents=case.replace(2, contract), registry=None)
    assert not rules_of(report) & {"person.id_number", "person.name"}


def test_spouse_confirmed_by_civil_affairs_is_info_not_error():
    case = consistent_case(P, 7)
    spouse = valid_person(70)
    contract = with_fields(case.documents[2], buyer_name=spouse.name, buyer_id_number=spouse.id_number, buyers=None)
    married = _registry_with(case, "civil_affairs", case.person.id_number, spouse_id_number=spouse.id_number)
    report = case.run(documents=case.replace(2, contract), registry=married)
    (f,) = [f for f in report.findings if f.rule == "person.id_number"]
    assert f.severity == Severity.INFO
    report = case.run(documents=case.replace(2, contract))
    assert "person.id_number" in rules_of(report, "error")


def test_unreadable_capital_amount_is_a_warning():
    case = consistent_case(P, 2)
    report = case.run(**docs(case, 2, total_price_in_words="壹佰万元伍"))
    (f,) = [f for f in report.findings if f.rule == "amounts.in_words"]
    assert f.severity == Severity.WARNING


def test_validity_span_follows_the_age_at_issue():
    """A 30-year-old gets a 20-year card; a 10-year span is odd for that age."""
    person = valid_person(8)
    birth = dt.date(1990, 5, 5)
    body = person.id_number[:6] + birth.strftime("%Y%m%d") + person.id_number[14:17]
    person = dataclasses.replace(
        person,
        birth_date=birth,
        id_number=body + id_check_digit(body),
        valid_from=dt.date(2020, 6, 1),
        valid_until=dt.date(2040, 6, 1),
    )
    front, back = id_docs(person)
    case = consistent_case(T, 8)
    assert "id_card.validity_span" not in rules_of(case.run(documents=(front, back), registry=None))
    short = with_fields(back, valid_until="2030-06-01")
    report = case.run(documents=(front, short), registry=None)
    (f,) = [f for f in report.findings if f.rule == "id_card.validity_span"]
    assert "20年" in f.message and "10年" in f.message
    long_term = with_fields(back, valid_until="长期")
    assert "id_card.validity_span" in rules_of(case.run(documents=(front, long_term), registry=None))


def test_long_term_card_never_expires():
    case = consistent_case(T, 9)
    back = with_fields(case.documents[1], valid_from="2000-01-01", valid_until="长期")
    report = case.run(documents=case.replace(1, back), business_date=dt.date(2090, 1, 1), registry=None)
    assert "id_card.validity" not in rules_of(report)


def test_address_variants_agree():
    case = consistent_case(P, 2)
    address = case.documents[2].value("property_address")
    variant = " ".join(address[i : i + 5] for i in range(0, len(address), 5))
    assert "address.property" not in rules_of(case.run(facts=CaseFacts(property_address=variant)))


def test_two_id_cards_alike_in_layout_but_of_two_people_are_not_duplicates():
    case = consistent_case(T, 2)
    other_front, _ = id_docs(valid_person(99))
    phash = "a5a5a5a5a5a5a5a5"
    front = make_doc("id_card_front", {k: f.value for k, f in case.documents[0].fields.items()}, phashes=(phash,))
    other = make_doc("id_card_front", {k: f.value for k, f in other_front.fields.items()}, phashes=(phash,))
    report = case.run(documents=(front, case.documents[1], other), registry=None)
    assert "duplicates.document" not in rules_of(report)
    same = make_doc(
        "id_card_front", {k: f.value for k, f in case.documents[0].fields.items()}, phashes=("a5a5a5a5a5a5a5a4",)
    )
    report = case.run(documents=(front, case.documents[1], same), registry=None)
    assert "duplicates.document" in rules_of(report)


def test_business_date_defaults_to_today():
    from checks.engine import run_checks

    report = run_checks(business=T, documents=consistent_case(T).documents, settings=ChecksSettings())
    assert report.business_date == dt.date.today().isoformat()


def test_findings_are_sorted_errors_first():
    case = consistent_case(P, 2)
    report = case.run(
        documents=(case.documents[0], make_doc("unknown", {})), facts=CaseFacts(property_address="x"), registry=None
    )
    order = [f.severity for f in report.findings]
    assert order == sorted(order, key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index)
    assert BUSINESS_DATE.isoformat() == report.business_date


def test_number_repaired_by_the_extractor_is_reported_as_read():
    """A card printed with a wrong check digit may be 'repaired' by the extractor into another valid number; the
    number as read (Field.raw) still shows the failure, so the clerk is told."""
    case = consistent_case(T, 2)
    true = case.person.id_number
    read = true[:17] + ("3" if true[17] != "3" else "5")
    front = case.documents[0]
    fields = dict(front.fields)
    fields["id_number"] = dataclasses.replace(fields["id_number"], raw=f"公民身份号码{read}")
    repaired = dataclasses.replace(front, fields=fields)
    report = case.run(documents=case.replace(0, repaired))
    (f,) = [f for f in report.findings if f.rule == "id_number.check_digit"]
    assert f.severity == Severity.WARNING and read[-4:] in f.message
    # A reading that already passes, or raw text of the same number, says nothing.
    fields["id_number"] = dataclasses.replace(fields["id_number"], raw=f"公民身份号码 {true}")
    same = dataclasses.replace(front, fields=fields)
    assert "id_number.check_digit" not in rules_of(case.run(documents=case.replace(0, same)))


def test_company_lessor_with_a_credit_code_is_not_an_id_number():
    case = consistent_case(R, 2)
    company = with_fields(
        case.documents[2], lessor_name="武汉安居公寓管理有限公司", lessor_id_number="91110108551385082Q"
    )
    assert not rules_of(case.run(documents=case.replace(2, company))) & {"id_number.format", "id_number.check_digit"}
    person = with_fields(case.documents[2], lessor_id_number="91110108551385082")
    assert "id_number.format" in rules_of(case.run(documents=case.replace(2, person)))
