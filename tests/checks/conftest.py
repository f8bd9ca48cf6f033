"""Builders for check tests: documents carrying the ground truth of generated people and contracts (the values a
perfect extraction returns), consistent cases per business, and registries that agree with them.

End-to-end tests (test_checks_e2e.py) run the real extractors over generated captures instead."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from stdnum import luhn

from checks.engine import run_checks
from checks.facts import CaseFacts
from checks.registries.local import LocalRegistry
from config.settings import ChecksSettings
from domain.models import CheckReport, ExtractedDocument, Field, PageInfo
from samples.generator.contract_values import PurchaseFacts, RentalFacts, make_purchase_facts, make_rental_facts
from samples.generator.idcard import back_fields, front_fields
from samples.generator.identities import Person, make_person
from samples.generator.registry import registry_records

BUSINESS_DATE = dt.date(2026, 6, 1)


def make_doc(
    doc_type: str, fields: Mapping[str, Any], *, phashes: Sequence[str | None] = (None,), source: str = "x.jpg"
) -> ExtractedDocument:
    pages = tuple(
        PageInfo(index=i, source=source, width=100, height=100, unit="px", text_source="ocr:test", phash=h)
        for i, h in enumerate(phashes)
    )
    return ExtractedDocument(
        doc_type=doc_type,
        fields={k: Field(k, v, 0.99, page=0) for k, v in fields.items()},
        source=(source,),
        pages=pages,
    )


def with_fields(doc: ExtractedDocument, **changes: Any) -> ExtractedDocument:
    """The document with some fields replaced; a value of None removes the field."""
    fields = {k: f.value for k, f in doc.fields.items()}
    for k, v in changes.items():
        if v is None:
            fields.pop(k, None)
        else:
            fields[k] = v
    return make_doc(doc.doc_type, fields, phashes=[p.phash for p in doc.pages])


def id_docs(person: Person) -> tuple[ExtractedDocument, ExtractedDocument]:
    # All fronts look alike to a perceptual hash (one layout), and so do all backs.
    return (
        make_doc("id_card_front", front_fields(person), phashes=("a5a5a5a5a5a5a5a5",)),
        make_doc("id_card_back", back_fields(person), phashes=("5a5a5a5a5a5a5a5a",)),
    )


def purchase_doc(facts: PurchaseFacts) -> ExtractedDocument:
    return make_doc("purchase_contract", facts.truth(), phashes=("0f0f0f0f0f0f0f0f", "ff00ff00ff00ff00"))


def rental_doc(facts: RentalFacts) -> ExtractedDocument:
    return make_doc("rental_agreement", facts.truth(), phashes=("00ff00ff00ff00ff", "f0f0f0f0f0f0f0f0"))


def valid_person(seed: int, *, on: dt.date = BUSINESS_DATE) -> Person:
    """A generated person whose card is in force on ``on``."""
    rng = random.Random(f"checks-person-{seed}")
    while True:
        p = make_person(rng)
        if p.valid_until is None or p.valid_until >= on:
            return p


def purchase_for(person: Person, seed: int, *, on: dt.date = BUSINESS_DATE) -> PurchaseFacts:
    rng = random.Random(f"checks-purchase-{seed}")
    f = make_purchase_facts(rng, resale=False)
    signed = max(person.valid_from, on - dt.timedelta(days=400)) + dt.timedelta(days=rng.randint(0, 30))
    return dataclasses.replace(f, buyers=(person,), signing_date=min(signed, on))


def rental_for(person: Person, seed: int, *, on: dt.date = BUSINESS_DATE) -> RentalFacts:
    rng = random.Random(f"checks-rental-{seed}")
    f = make_rental_facts(rng)
    start = on - dt.timedelta(days=rng.randint(10, 150))
    signed = max(start - dt.timedelta(days=5), person.valid_from)
    return dataclasses.replace(f, lessee=person, lease_start=start, lease_months=12, signing_date=signed)


def bank_card(seed: int) -> str:
    rng = random.Random(f"card-{seed}")
    body = "622202" + "".join(rng.choice("0123456789") for _ in range(12))
    return body + luhn.calc_check_digit(body)


@dataclass(frozen=True)
class Case:
    business: str
    documents: tuple[ExtractedDocument, ...]
    facts: CaseFacts
    records: dict
    person: Person

    def registry(self) -> LocalRegistry:
        return LocalRegistry(self.records)

    def run(
        self,
        *,
        documents: Sequence[ExtractedDocument] | None = None,
        facts: CaseFacts | None = None,
        business_date: dt.date = BUSINESS_DATE,
        registry: Any = "default",
        business: str | None = None,
    ) -> CheckReport:
        return run_checks(
            business=business or self.business,
            documents=self.documents if documents is None else documents,
            business_date=business_date,
            facts=self.facts if facts is None else facts,
            registry=self.registry() if registry == "default" else registry,
            settings=ChecksSettings(),
        )

    def replace(self, index: int, doc: ExtractedDocument) -> tuple[ExtractedDocument, ...]:
        docs = list(self.documents)
        docs[index] = doc
        return tuple(docs)


STATUS = {"resignation_withdrawal": "resigned", "retirement_withdrawal": "retired"}


def consistent_case(business: str, seed: int = 1) -> Case:
    person = valid_person(seed)
    front, back = id_docs(person)
    docs: list[ExtractedDocument] = [front, back]
    purchases, rentals, facts = [], [], CaseFacts()
    if business in ("purchase_withdrawal", "combination_loan"):
        purchases.append(purchase_for(person, seed))
        docs.append(purchase_doc(purchases[0]))
    elif business == "rental_withdrawal":
        rentals.append(rental_for(person, seed))
        docs.append(rental_doc(rentals[0]))
    elif business == "resignation_withdrawal":
        facts = CaseFacts(bank_card_number=bank_card(seed))
    records = registry_records(
        people=[person],
        purchases=purchases,
        rentals=rentals,
        employment={person.id_number: STATUS.get(business, "employed")},
    )
    return Case(business, tuple(docs), facts, records, person)


def rules_of(report: CheckReport, severity: str | None = None) -> set[str]:
    return {f.rule for f in report.findings if severity is None or str(f.severity) == severity}


def money(value: Decimal) -> str:
    return f"{value:.2f}"


@pytest.fixture(
    params=[
        "purchase_withdrawal",
        "rental_withdrawal",
        "resignation_withdrawal",
        "retirement_withdrawal",
        "combination_loan",
    ]
)
def any_business(request) -> str:
    return request.param
