"""End to end: generated captures (ID-card photos, contract PDFs) with planted problems → real capture, OCR and
extraction → checks. Every planted problem must be reported by its rule; consistent cases must have no error.

Each case is extracted once per session (OCR is the slow part) and shared by the tests below."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.registries.local import LocalRegistry
from config.settings import get_settings
from domain.models import Severity
from pipeline.documents.check import CaseCheckResult, check_case, read_document
from samples.generator.case import PLANTS, make_case, write_case

CONSISTENT = [
    "purchase_withdrawal",
    "rental_withdrawal",
    "resignation_withdrawal",
    "retirement_withdrawal",
    "combination_loan",
]
PLANTED = [
    ("mismatched_name", "purchase_withdrawal"),
    ("wrong_check_digit", "retirement_withdrawal"),
    ("expired_card", "retirement_withdrawal"),
    ("words_mismatch", "purchase_withdrawal"),
    ("lease_not_covering", "rental_withdrawal"),
    ("missing_material", "combination_loan"),
]
SEED = 3


@pytest.fixture(scope="session")
def ocr_engine():
    from extractors.engines import get_engine

    return get_engine(settings=get_settings().ocr)


@pytest.fixture(scope="session")
def checked_cases(tmp_path_factory, ocr_engine) -> dict[tuple[str, str | None], tuple[CaseCheckResult, object]]:
    """(business, plant) → (check result, case sample), each extracted once."""
    root = tmp_path_factory.mktemp("cases")
    out = {}
    for business, plant in [(b, None) for b in CONSISTENT] + [(b, p) for p, b in PLANTED]:
        sample = make_case(SEED, business=business, plant=plant)
        paths = write_case(sample, root / sample.name)
        result = check_case(
            business=business,
            inputs=[read_document(p) for p in paths],
            business_date=sample.business_date,
            facts=sample.facts,
            engine=ocr_engine,
            registry=LocalRegistry(sample.records),
        )
        out[(business, plant)] = (result, sample)
    return out


def _errors(result: CaseCheckResult) -> list[dict]:
    return [f.to_dict() for f in result.report.findings if f.severity == Severity.ERROR]


@pytest.mark.parametrize("business", CONSISTENT)
def test_consistent_case_has_no_error(checked_cases, business):
    result, sample = checked_cases[(business, None)]
    assert [d.doc_type for d in result.documents] == [d.doc_type for d in sample.documents]
    assert _errors(result) == []
    assert result.report.passed


@pytest.mark.parametrize(("plant", "business"), PLANTED)
def test_planted_problem_is_reported_by_its_rule(checked_cases, plant, business):
    result, _ = checked_cases[(business, plant)]
    rules = {f.rule for f in result.report.findings}
    assert PLANTS[plant] in rules, [f.to_dict() for f in result.report.findings]
    assert not result.report.passed  # every planted problem stops the case, one way or another


def test_report_is_the_documented_json(checked_cases):
    result, _ = checked_cases[("purchase_withdrawal", "mismatched_name")]
    body = result.to_json()
    assert set(body) >= {"business", "documents", "findings", "passed"}
    assert body["business"] == "purchase_withdrawal" and body["passed"] is False
    for f in body["findings"]:
        assert set(f) >= {"rule", "severity", "message", "refs"} and f["severity"] in ("error", "warning", "info")
    assert [d["doc_type"] for d in body["documents"]] == ["id_card_front", "id_card_back", "purchase_contract"]


def test_documents_keep_the_case_order(checked_cases, tmp_path: Path):
    result, sample = checked_cases[("rental_withdrawal", None)]
    assert [d.source[0].rsplit("/", 1)[-1] for d in result.documents][:2] == ["01_id_front.jpg", "02_id_back.jpg"]
    assert sample.applicant.id_number == result.documents[0].value("id_number")


def test_same_card_photographed_twice_is_a_duplicate_and_two_peoples_cards_are_not(checked_cases, ocr_engine):
    """A second shot of the same card (another angle, light, JPEG) is one paper submitted twice; the cards of two
    people are two papers, though their page hashes can be as close as a re-shot's."""
    import random

    from checks.engine import run_checks
    from pipeline.documents.extract import InputFile, extract_files
    from samples.generator.case import _shoot_cards, plan_case

    result, sample = checked_cases[("purchase_withdrawal", None)]
    plan = plan_case(SEED, business="purchase_withdrawal")
    jpeg = _shoot_cards(plan.on_card, random.Random("another shot"), sides=["front"], difficulty="easy")
    (reshot,) = extract_files([InputFile("reshot.jpg", jpeg)], engine=ocr_engine)
    registry = LocalRegistry(sample.records)
    docs = [*result.documents, reshot]
    report = run_checks(
        business="purchase_withdrawal",
        documents=docs,
        business_date=sample.business_date,
        registry=registry,
        settings=get_settings().checks,
    )
    dupes = [f for f in report.findings if f.rule == "duplicates.document"]
    assert [f.refs for f in dupes] == [("doc[0]", "doc[3]")]
    other, _ = checked_cases[("retirement_withdrawal", None)]
    docs = [*result.documents, *other.documents]
    report = run_checks(
        business="purchase_withdrawal",
        documents=docs,
        business_date=sample.business_date,
        registry=registry,
        settings=get_settings().checks,
    )
    assert "duplicates.document" not in {f.rule for f in report.findings}
