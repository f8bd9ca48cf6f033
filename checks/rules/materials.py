"""Materials: what the business needs, what the case holds, and the clerk's facts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

from checks.business import REQUIRED, business_label, required_document_types
from checks.context import CaseContext
from checks.rules.base import Hit, rule
from domain.business import Business
from domain.fields import DOC_TYPE_LABELS_ZH
from domain.models import DocType, Severity


@rule(
    "materials.missing",
    Severity.ERROR,
    "材料齐全",
    """Every material the business requires (provident-fund 2.0 table) is in the case: both sides of the ID card,
    the purchase contract or rental agreement, the bank card number for resignation withdrawal. Materials the
    reform dropped (purchase invoice, 离职证明, 退休证, the bank's 借款抵押合同) are never asked for.""",
)
def missing_materials(ctx: CaseContext) -> Iterator[Hit]:
    present = {d.doc_type for d in ctx.docs}
    for material in REQUIRED[ctx.business]:
        if material.kind == "document" and material.key not in present:
            yield Hit(f"{business_label(ctx.business)}缺少材料：{material.label_zh}", ("case",))
        elif material.kind == "fact" and not ctx.facts.get(material.key):
            yield Hit(f"{business_label(ctx.business)}缺少信息：{material.label_zh}", (f"facts.{material.key}",))


@rule(
    "materials.unrecognised",
    Severity.WARNING,
    "材料可识别",
    """A document whose type could not be recognised is named, so the clerk can reshoot it or take it back.""",
)
def unrecognised(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.of_type(DocType.UNKNOWN):
        yield Hit(f"材料{d.index + 1}无法识别类型，请确认材料是否正确或重新拍摄", (d.ref(),))


@rule(
    "materials.not_needed",
    Severity.INFO,
    "无需提交的材料",
    """A recognised document that this business does not use (a rental agreement in a purchase case) is
    pointed out; it does not stop the case.""",
)
def not_needed(ctx: CaseContext) -> Iterator[Hit]:
    needed = required_document_types(ctx.business)
    for d in ctx.docs:
        if d.doc_type != DocType.UNKNOWN and d.doc_type not in needed:
            label = DOC_TYPE_LABELS_ZH.get(d.doc_type, d.doc_type)
            yield Hit(f"{business_label(ctx.business)}无需提交{label}（材料{d.index + 1}），不影响办理", (d.ref(),))


@rule(
    "facts.bank_card_number",
    Severity.ERROR,
    "银行卡号格式",
    """The bank card number given by the clerk is 16 to 19 digits and passes the Luhn check that UnionPay card
    numbers carry, so a mistyped digit is caught before money is sent.""",
    businesses=[Business.RESIGNATION_WITHDRAWAL],
)
def bank_card_number(ctx: CaseContext) -> Iterator[Hit]:
    number = ctx.facts.bank_card_number
    if not number:
        return
    ref = ("facts.bank_card_number",)
    if not re.fullmatch(r"[0-9]{16,19}", number):
        yield Hit("银行卡号应为16至19位数字，请核对", ref)
    elif not luhn.is_valid(number):
        yield Hit("银行卡号校验位不符，可能有数字录入错误，请核对", ref)


# The business names appear in messages; keep the table honest for every business.
assert set(REQUIRED) == set(Business)
