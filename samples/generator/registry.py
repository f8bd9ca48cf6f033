"""Records of the outside registries (公安, 民政, 房产, 税务, 社保) that agree with generated people and contracts.

The local registry adapter (``checks.registries.local``) reads the JSON this writes; ``samples/registry/registry.json``
is generated with it (see ``python -m samples.generator registry``) so the committed samples verify.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from samples.generator.contract_values import PurchaseFacts, RentalFacts, money
from samples.generator.identities import Person

FORMAT_VERSION = 1
SOURCES = ("public_security", "civil_affairs", "housing", "tax", "social_security")


def person_record(p: Person) -> dict[str, str]:
    return {
        "name": p.name,
        "sex": p.sex,
        "birth_date": p.birth_date.isoformat(),
        "valid_from": p.valid_from.isoformat(),
        "valid_until": p.valid_until_text,
    }


def purchase_record(f: PurchaseFacts) -> dict[str, Any]:
    return {
        "buyer_id_number": [b.id_number for b in f.buyers],
        "buyer_name": [b.name for b in f.buyers],
        "property_address": f.address,
        "floor_area": money(f.floor_area),
        "total_price": money(f.total_price),
        "signing_date": f.signing_date.isoformat(),
    }


def registry_records(
    *,
    people: Iterable[Person] = (),
    purchases: Iterable[PurchaseFacts] = (),
    rentals: Iterable[RentalFacts] = (),
    employment: Mapping[str, str] | None = None,
    spouses: Iterable[tuple[Person, Person]] = (),
) -> dict[str, dict[str, dict[str, Any]]]:
    """Every person named anywhere is known to 公安; every purchase contract is registered (房产) and invoiced (税务).
    ``employment`` maps ID numbers to a 社保 status: employed, resigned or retired."""
    out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SOURCES}
    everyone = list(people)
    for f in purchases:
        everyone += [*f.buyers, *([f.seller_person] if f.seller_person else [])]
        out["housing"][f.contract_number] = purchase_record(f)
        out["tax"][f.contract_number] = {"total_price": money(f.total_price), "invoice": "issued"}
    for r in rentals:
        everyone += [r.lessor, r.lessee]
    for p in everyone:
        out["public_security"][p.id_number] = person_record(p)
    for a, b in spouses:
        out["civil_affairs"][a.id_number] = {"marital_status": "married", "spouse_id_number": b.id_number}
        out["civil_affairs"][b.id_number] = {"marital_status": "married", "spouse_id_number": a.id_number}
    for id_number, status in (employment or {}).items():
        out["social_security"][id_number] = {"status": status}
    return out


def registry_document(records: Mapping[str, Mapping[str, Any]], *, note: str = "") -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "note": note or "fake registry records for generated samples; every person and contract is invented",
        "sources": {s: dict(sorted(records.get(s, {}).items())) for s in SOURCES},
    }
