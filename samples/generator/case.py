"""A whole case at the counter: the applicant's ID card photographed (front and back), the contract the business
needs, the clerk's facts and registry records that agree with them — optionally with one planted problem.

Problems are planted the way they happen: the documents are generated from altered data (a contract naming the
buyer differently, a card printed with a wrong check digit, an expired card, a 大写 that is not the figure, a lease
that has ended, a material left at home), so the checks see them only through real extraction.

``python -m samples.generator case --out DIR --business purchase_withdrawal [--plant expired_card]`` writes one.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from samples.generator.camera import shoot
from samples.generator.contract_pdf import Para, Table, page_count, render_text_pdf
from samples.generator.contract_templates import PURCHASE_TEMPLATES, RENTAL_TEMPLATES
from samples.generator.contract_values import (
    PurchaseFacts,
    RentalFacts,
    make_purchase_facts,
    make_rental_facts,
    rmb_words,
)
from samples.generator.idcard import CARD_FILL, PAIR_FILL
from samples.generator.idcard_render import CardStyle, render_back, render_front, rounded_alpha
from samples.generator.identities import Person, _add_years, make_name, make_person, validity_years
from samples.generator.registry import registry_document, registry_records

BUSINESSES = (
    "purchase_withdrawal",
    "rental_withdrawal",
    "resignation_withdrawal",
    "retirement_withdrawal",
    "combination_loan",
)
# planted problem → the rule that must report it (see docs/rules.md)
PLANTS: dict[str, str] = {
    "mismatched_name": "person.name",
    "wrong_check_digit": "id_number.check_digit",
    "expired_card": "id_card.validity",
    "words_mismatch": "amounts.in_words",
    "lease_not_covering": "dates.lease_covers_business_date",
    "missing_material": "materials.missing",
}
PLANT_BUSINESSES: dict[str, tuple[str, ...]] = {
    "mismatched_name": ("purchase_withdrawal", "rental_withdrawal", "combination_loan"),
    "words_mismatch": ("purchase_withdrawal", "rental_withdrawal", "combination_loan"),
    "lease_not_covering": ("rental_withdrawal",),
}
CONTRACT_FORMS = ("text_pdf", "camera")
EMPLOYMENT = {"resignation_withdrawal": "resigned", "retirement_withdrawal": "retired"}
# The check character each true one is printed as instead: never an OCR look-alike of it (0/8, 1/7, 2/7, 8/X, …),
# so the extractor's repair of misreadings cannot quietly restore the true number.
_FAR_CHECK = {
    "0": "3",
    "1": "5",
    "2": "8",
    "3": "0",
    "4": "2",
    "5": "1",
    "6": "X",
    "7": "0",
    "8": "2",
    "9": "2",
    "X": "5",
}


@dataclass(frozen=True)
class CaseDocument:
    doc_type: str  # what it is (ground truth)
    files: tuple[tuple[str, bytes], ...]  # one file, or the page images of one document
    pages_of_one: bool = False  # a directory of pages


@dataclass(frozen=True)
class CaseSample:
    name: str
    business: str
    business_date: dt.date
    applicant: Person  # the true person (the registry's)
    plant: str | None
    documents: tuple[CaseDocument, ...]
    facts: dict[str, str]
    records: dict[str, dict[str, dict[str, Any]]]

    @property
    def expected_rule(self) -> str | None:
        return PLANTS.get(self.plant) if self.plant else None


def _card_valid_on(p: Person, day: dt.date) -> bool:
    return p.valid_from <= day and (p.valid_until is None or p.valid_until >= day)


def _expired(p: Person, day: dt.date, rng: random.Random) -> Person | None:
    """The same person holding a card that ran out shortly before ``day`` (its span right for the age at issue),
    or None when no lawful span fits."""
    for _ in range(50):
        until = day - dt.timedelta(days=rng.randint(20, 400))
        for years in (20, 10, 5):
            since = _add_years(until, -years)
            age = since.year - p.birth_date.year - ((since.month, since.day) < (p.birth_date.month, p.birth_date.day))
            if age >= 0 and validity_years(age) == years:
                return dataclasses.replace(p, valid_from=since, valid_until=until)
    return None


def _applicant(rng: random.Random, business: str, day: dt.date, plant: str | None) -> Person:
    while True:
        p = make_person(rng, today=day)
        age = day.year - p.birth_date.year
        if business == "retirement_withdrawal" and age < 55:
            continue
        if plant == "expired_card":
            expired = _expired(p, day, rng) if p.valid_until is not None else None
            if expired is not None:
                return expired
            continue
        if _card_valid_on(p, day):
            return p


def _shoot_cards(person: Person, rng: random.Random, *, sides: Sequence[str], difficulty: str) -> bytes:
    style = CardStyle.draw(rng)
    images = [render_front(person, style, rng) if s == "front" else render_back(person, style) for s in sides]
    fill = (PAIR_FILL if len(images) > 1 else CARD_FILL)[difficulty]
    shot = shoot(
        images,
        seed=rng.getrandbits(32),
        difficulty=difficulty,
        masks=[rounded_alpha(i.size) for i in images],
        fill=fill,
    )
    return shot.jpeg


def _replace_text(blocks: list, old: str, new: str) -> list:
    out = []
    for b in blocks:
        if isinstance(b, Para):
            b = dataclasses.replace(b, text=b.text.replace(old, new))
        elif isinstance(b, Table):
            b = dataclasses.replace(b, rows=tuple(tuple(c.replace(old, new) for c in row) for row in b.rows))
        out.append(b)
    return out


def _contract_pdf(
    facts: PurchaseFacts | RentalFacts, rng: random.Random, *, pages: int | None, words: tuple[str, str] | None
) -> bytes:
    templates = PURCHASE_TEMPLATES if isinstance(facts, PurchaseFacts) else RENTAL_TEMPLATES
    names = sorted(templates)
    for attempt in range(60):
        blocks = templates[names[attempt % len(names)]](facts, rng, False)
        if words:
            blocks = _replace_text(blocks, *words)
        pdf = render_text_pdf(blocks, title="contract")
        if pages is None or page_count(pdf) == pages:
            return pdf
    raise RuntimeError(f"no template prints this contract on {pages} pages")


def _contract_document(
    doc_type: str, pdf: bytes, rng: random.Random, *, form: str, name: str, difficulty: str
) -> CaseDocument:
    if form == "text_pdf":
        return CaseDocument(doc_type, ((f"{name}.pdf", pdf),))
    from samples.generator.contracts import camera_frames

    frames = camera_frames(pdf, rng, difficulty)
    return CaseDocument(doc_type, tuple((f"page_{i + 1:02d}.jpg", f) for i, f in enumerate(frames)), pages_of_one=True)


@dataclass(frozen=True)
class CasePlan:
    """The data of a case before anything is drawn: who applies, what the documents print, what registries hold."""

    business: str
    business_date: dt.date
    plant: str | None
    applicant: Person  # the true person (the registry's)
    on_card: Person  # what the ID card prints
    contract: PurchaseFacts | RentalFacts | None  # what the contract prints
    words: tuple[str, str] | None  # a 大写 replaced by another on the contract
    facts: dict[str, str]
    records: dict[str, dict[str, dict[str, Any]]]


def plan_case(
    seed: int, *, business: str, plant: str | None = None, business_date: dt.date = dt.date(2026, 6, 1)
) -> CasePlan:
    """Deterministic per (seed, business, plant, date); draws no image, so registry records are cheap to make."""
    if business not in BUSINESSES:
        raise ValueError(f"business must be one of {BUSINESSES}")
    if plant is not None and (plant not in PLANTS or business not in PLANT_BUSINESSES.get(plant, BUSINESSES)):
        raise ValueError(f"plant {plant!r} does not fit {business}")
    rng = random.Random(f"case:{seed}:{business}:{plant}:data")
    applicant = _applicant(rng, business, business_date, plant)
    on_card = applicant
    if plant == "wrong_check_digit":
        on_card = dataclasses.replace(
            applicant, id_number=applicant.id_number[:17] + _FAR_CHECK[applicant.id_number[17]]
        )
    printed_party = applicant
    if plant == "mismatched_name":
        other = make_name(rng)
        while other == applicant.name:
            other = make_name(rng)
        printed_party = dataclasses.replace(applicant, name=other)
    purchases: list[PurchaseFacts] = []
    rentals: list[RentalFacts] = []
    contract: PurchaseFacts | RentalFacts | None = None
    words = None
    if business in ("purchase_withdrawal", "combination_loan"):
        f = make_purchase_facts(rng, resale=rng.random() < 0.3)
        signed = min(business_date, max(applicant.valid_from, business_date - dt.timedelta(days=rng.randint(30, 700))))
        true = dataclasses.replace(f, buyers=(applicant,), signing_date=signed)
        purchases.append(true)
        contract = dataclasses.replace(true, buyers=(printed_party,))
        if plant == "words_mismatch":
            wrong = true.total_price + Decimal(rng.choice((10000, 100000, 1000)))
            words = (rmb_words(true.total_price), rmb_words(wrong))
    elif business == "rental_withdrawal":
        f = make_rental_facts(rng)
        if plant == "lease_not_covering":
            start, months = business_date - dt.timedelta(days=rng.randint(400, 700)), 12
        else:
            start, months = business_date - dt.timedelta(days=rng.randint(15, 300)), rng.choice((12, 24))
        signed = max(applicant.valid_from, start - dt.timedelta(days=rng.randint(0, 10)))
        true = dataclasses.replace(f, lessee=applicant, lease_start=start, lease_months=months, signing_date=signed)
        rentals.append(true)
        contract = dataclasses.replace(true, lessee=printed_party)
        if plant == "words_mismatch":
            wrong = true.monthly_rent + Decimal(rng.choice((100, 500, 1000)))
            words = (rmb_words(true.monthly_rent), rmb_words(wrong))
    facts: dict[str, str] = {}
    if business == "resignation_withdrawal":
        from stdnum import luhn

        body = "622202" + "".join(rng.choice("0123456789") for _ in range(12))
        facts["bank_card_number"] = body + luhn.calc_check_digit(body)
    records = registry_records(
        people=[applicant],
        purchases=purchases,
        rentals=rentals,
        employment={applicant.id_number: EMPLOYMENT.get(business, "employed")},
    )
    return CasePlan(business, business_date, plant, applicant, on_card, contract, words, facts, records)


def make_case(
    seed: int,
    *,
    business: str,
    plant: str | None = None,
    business_date: dt.date = dt.date(2026, 6, 1),
    contract_form: str = "text_pdf",
    contract_pages: int | None = None,
    card_difficulty: str = "easy",
) -> CaseSample:
    """The plan of ``plan_case`` photographed and printed: the same data whatever the form or difficulty."""
    if contract_form not in CONTRACT_FORMS:
        raise ValueError(f"contract_form must be one of {CONTRACT_FORMS}")
    plan = plan_case(seed, business=business, plant=plant, business_date=business_date)
    rng = random.Random(f"case:{seed}:{business}:{plant}:render:{contract_form}:{card_difficulty}")
    documents = [
        CaseDocument(
            "id_card_front",
            (("id_front.jpg", _shoot_cards(plan.on_card, rng, sides=["front"], difficulty=card_difficulty)),),
        ),
        CaseDocument(
            "id_card_back",
            (("id_back.jpg", _shoot_cards(plan.on_card, rng, sides=["back"], difficulty=card_difficulty)),),
        ),
    ]
    if plan.contract is not None:
        doc_type = "purchase_contract" if isinstance(plan.contract, PurchaseFacts) else "rental_agreement"
        pdf = _contract_pdf(plan.contract, rng, pages=contract_pages, words=plan.words)
        documents.append(_contract_document(doc_type, pdf, rng, form=contract_form, name=doc_type, difficulty="easy"))
    if plant == "missing_material":
        documents = [d for d in documents if d.doc_type != "id_card_back"]
    name = f"case_{seed:03d}_{business}" + (f"_{plant}" if plant else "")
    return CaseSample(name, business, business_date, plan.applicant, plant, tuple(documents), plan.facts, plan.records)


def write_case(sample: CaseSample, out: Path) -> list[Path]:
    """Writes the documents (a file each, or a folder of pages), ``case.json`` and ``registry.json``; returns the
    DOC paths in order, ready for ``docintel check``."""
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i, doc in enumerate(sample.documents):
        if doc.pages_of_one:
            folder = out / f"{i + 1:02d}_{doc.doc_type}"
            folder.mkdir(exist_ok=True)
            for fname, data in doc.files:
                (folder / fname).write_bytes(data)
            paths.append(folder)
        else:
            fname, data = doc.files[0]
            path = out / f"{i + 1:02d}_{fname}"
            path.write_bytes(data)
            paths.append(path)
    meta = {
        "business": sample.business,
        "business_date": sample.business_date.isoformat(),
        "plant": sample.plant,
        "expected_rule": sample.expected_rule,
        "facts": sample.facts,
        "documents": [{"path": p.name, "doc_type": d.doc_type} for p, d in zip(paths, sample.documents, strict=True)],
    }
    (out / "case.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "registry.json").write_text(
        json.dumps(registry_document(sample.records), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return paths


# --- ``python -m samples.generator case`` ---------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--business", choices=BUSINESSES, default="purchase_withdrawal")
    p.add_argument("--plant", choices=sorted(PLANTS), default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--business-date", type=dt.date.fromisoformat, default=dt.date(2026, 6, 1))
    p.add_argument("--contract-form", choices=CONTRACT_FORMS, default="camera")
    p.add_argument("--contract-pages", type=int, default=None)


def run(args: argparse.Namespace) -> int:
    sample = make_case(
        args.seed,
        business=args.business,
        plant=args.plant,
        business_date=args.business_date,
        contract_form=args.contract_form,
        contract_pages=args.contract_pages,
    )
    paths = write_case(sample, args.out)
    print(json.dumps({"out": str(args.out), "docs": [str(p) for p in paths], "expected_rule": sample.expected_rule}))
    return 0
