"""Fields the other rules depend on: present and readable, so a rule never passes because it saw nothing."""

from __future__ import annotations

from collections.abc import Iterator

from checks.business import required_document_types
from checks.context import CaseContext
from checks.rules.base import Hit, rule
from checks.validators import parse_date, parse_decimal
from domain.fields import FIELD_LABELS_ZH
from domain.models import DocType, Severity

# Fields each document type must yield for the business checks, and how each must parse.
KEY_FIELDS: dict[str, dict[str, str]] = {
    DocType.ID_CARD_FRONT: {"name": "text", "sex": "text", "birth_date": "date", "id_number": "text"},
    DocType.ID_CARD_BACK: {"valid_from": "date", "valid_until": "date_or_long"},
    DocType.PURCHASE_CONTRACT: {
        "contract_number": "text",
        "buyer_name": "text",
        "buyer_id_number": "text",
        "property_address": "text",
        "total_price": "decimal",
        "signing_date": "date",
    },
    DocType.RENTAL_AGREEMENT: {
        "lessee_name": "text",
        "lessee_id_number": "text",
        "property_address": "text",
        "monthly_rent": "decimal",
        "lease_start": "date",
        "lease_end": "date",
    },
}


def _readable(kind: str, value: object) -> bool:
    if kind == "date":
        return parse_date(value) is not None
    if kind == "date_or_long":
        return str(value).strip() == "长期" or parse_date(value) is not None
    if kind == "decimal":
        return parse_decimal(value) is not None
    return True


@rule(
    "fields.unreadable",
    Severity.ERROR,
    "关键信息可读",
    """Each required document yields the fields the business checks need (ID number, name, validity dates,
    contract parties, address, price, lease dates), in a readable form. A field that could not be read is named,
    so the clerk reshoots that page instead of the case passing unchecked.""",
)
def unreadable_fields(ctx: CaseContext) -> Iterator[Hit]:
    needed = required_document_types(ctx.business)
    for d in ctx.docs:
        if d.doc_type not in needed:
            continue
        for name, kind in KEY_FIELDS.get(d.doc_type, {}).items():
            label = FIELD_LABELS_ZH.get(name, name)
            value = d.text(name)
            if value is None:
                yield Hit(f"{d.label}未能识别{label}，请重新拍摄或人工核对", (d.ref(name),))
            elif not _readable(kind, value):
                yield Hit(f"{d.label}的{label}无法解析，请核对原件", (d.ref(name),))
