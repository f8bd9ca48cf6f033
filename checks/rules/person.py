"""The applicant on the ID card is the buyer of the purchase contract or the lessee of the rental agreement."""

from __future__ import annotations

from collections.abc import Iterator

from checks.business import PARTY_DOCUMENT
from checks.context import CaseContext, DocRef
from checks.registries.base import FactQuery, Outcome, RegistrySource
from checks.rules.base import Hit, rule
from checks.validators import names_equal, names_ocr_equivalent, normalise_id_number
from domain.masking import mask_id_number, mask_name
from domain.models import Severity

ROLE_ZH = {"buyer": "买受人", "lessee": "承租人"}


def _pairing(ctx: CaseContext) -> tuple[DocRef, DocRef, str] | None:
    """(ID card front, contract, role) when this business names the applicant as a contract party."""
    if ctx.business not in PARTY_DOCUMENT:
        return None
    doc_type, role = PARTY_DOCUMENT[ctx.business]
    front, contract = ctx.id_front, ctx.first(doc_type)
    if front is None or contract is None:
        return None
    return front, contract, role


def _spouse_confirmed(ctx: CaseContext, applicant_id: str, party_ids: list[str]) -> bool | None:
    """Whether 民政 confirms a party is the applicant's spouse (a spouse's purchase also qualifies); None when it
    cannot be asked."""
    if ctx.registry is None or not party_ids:
        return None
    for party_id in party_ids:
        v = ctx.registry.verify(FactQuery(RegistrySource.CIVIL_AFFAIRS, applicant_id, {"spouse_id_number": party_id}))
        if v.outcome == Outcome.UNAVAILABLE:
            return None
        if v.outcome == Outcome.CONFIRMED:
            return True
    return False


@rule(
    "person.id_number",
    Severity.ERROR,
    "申请人证件号码与合同一致",
    """The ID number on the card is, character for character, the ID number of a buyer on the purchase contract
    (purchase withdrawal, combination loan) or of the lessee on the rental agreement (rental withdrawal). When no
    buyer matches but 民政 confirms a buyer is the applicant's spouse, this is reported as info.""",
    businesses=PARTY_DOCUMENT,
)
def same_id_number(ctx: CaseContext) -> Iterator[Hit]:
    pairing = _pairing(ctx)
    if pairing is None:
        return
    front, contract, role = pairing
    applicant_id = front.text("id_number")
    parties = contract.parties(role)
    party_ids = [normalise_id_number(p.id_number) for p in parties if p.id_number]
    if not applicant_id or not party_ids:
        return  # fields.unreadable names what is missing
    applicant_id = normalise_id_number(applicant_id)
    if applicant_id in party_ids:
        return
    refs = (front.ref("id_number"), *(p.id_ref for p in parties if p.id_number))
    role_zh = ROLE_ZH[role]
    if role == "buyer" and _spouse_confirmed(ctx, applicant_id, party_ids):
        yield Hit(f"申请人不是{contract.label}的{role_zh}，经民政核验{role_zh}为申请人配偶", refs, Severity.INFO)
        return
    shown = "、".join(mask_id_number(i) for i in party_ids)
    yield Hit(
        f"身份证号码{mask_id_number(applicant_id)}与{contract.label}{role_zh}的证件号码{shown}不一致，"
        f"申请人须为合同{role_zh}",
        refs,
    )


@rule(
    "person.name",
    Severity.ERROR,
    "申请人姓名与合同一致",
    """The name on the card equals the name of the contract party with the same ID number. A name that differs
    only by characters OCR confuses (己/已, 未/末, …) is tolerated, as info, and only when the ID numbers match
    exactly. When the numbers differ, person.id_number reports the mismatch; when a number could not be read, the
    names must agree exactly.""",
    businesses=PARTY_DOCUMENT,
)
def same_name(ctx: CaseContext) -> Iterator[Hit]:
    pairing = _pairing(ctx)
    if pairing is None:
        return
    front, contract, role = pairing
    applicant_name, applicant_id = front.text("name"), front.text("id_number")
    parties = contract.parties(role)
    if not applicant_name or not parties:
        return
    role_zh = ROLE_ZH[role]
    same_id = [
        (p.name, p.name_ref)
        for p in parties
        if applicant_id and p.id_number and normalise_id_number(p.id_number) == normalise_id_number(applicant_id)
    ]
    if same_id:
        party_name, ref = same_id[0]
        if party_name is None or names_equal(applicant_name, party_name):
            return
        refs = (front.ref("name"), ref)
        if names_ocr_equivalent(applicant_name, party_name):
            yield Hit(
                f"身份证姓名与{contract.label}{role_zh}姓名仅有易混字差异（{mask_name(applicant_name)}／"
                f"{mask_name(party_name)}），证件号码一致，按同一人处理",
                refs,
                Severity.INFO,
            )
            return
        yield Hit(
            f"身份证姓名{mask_name(applicant_name)}与{contract.label}{role_zh}姓名{mask_name(party_name)}不一致"
            f"（证件号码相同），请核对",
            refs,
        )
        return
    if applicant_id and any(p.id_number for p in parties):
        return  # the numbers differ: person.id_number reports the whole mismatch once
    # No number to pair by on one side: the names alone must agree, exactly.
    if any(p.name and names_equal(applicant_name, p.name) for p in parties):
        return
    shown = "、".join(mask_name(p.name) for p in parties if p.name)
    yield Hit(
        f"身份证姓名{mask_name(applicant_name)}与{contract.label}{role_zh}{shown}不一致，申请人须为合同{role_zh}",
        (front.ref("name"), *(p.name_ref for p in parties if p.name)),
    )
