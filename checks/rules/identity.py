"""ID numbers (GB 11643): form, check digit, region, and agreement with what the card prints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from stdnum.cn import uscc

from checks.context import CaseContext, DocRef
from checks.rules.base import Hit, rule
from checks.validators import IdNumberFacts, inspect_id_number, normalise_id_number
from domain.masking import mask_id_number
from domain.models import Severity

# Every field that holds an 18-character ID number, by the party it belongs to.
ID_FIELDS: dict[str, str] = {
    "id_number": "公民身份号码",
    "buyer_id_number": "买受人证件号码",
    "lessee_id_number": "承租人证件号码",
    "lessor_id_number": "出租人证件号码",
}


@dataclass(frozen=True)
class _IdSeen:
    doc: DocRef
    field: str | None  # the field holding it; None for an entry of a contract's ``buyers`` list
    ref: str
    label: str
    facts: IdNumberFacts


def _id_numbers(ctx: CaseContext) -> Iterator[_IdSeen]:
    """Every ID number in the case, the extra buyers of a contract included."""
    for d in ctx.docs:
        seen: set[str] = set()
        for field, label in ID_FIELDS.items():
            value = d.text(field)
            # A company lessor (长租公寓) is identified by its unified social credit code, not an ID number.
            if value and not (field == "lessor_id_number" and uscc.is_valid(value)):
                seen.add(value)
                yield _IdSeen(d, field, d.ref(field), label, inspect_id_number(value))
        buyers = d.doc.value("buyers")
        if isinstance(buyers, list | tuple):
            for i, b in enumerate(buyers):
                value = str(b.get("id_number") or "").strip() if isinstance(b, dict) else ""
                if value and value not in seen:
                    yield _IdSeen(d, None, d.ref(f"buyers[{i}].id_number"), "买受人证件号码", inspect_id_number(value))


_RUN = re.compile(r"(?<![0-9X])[0-9]{17}[0-9X](?![0-9X])")


def _shown(number: str) -> str:
    return mask_id_number(number) if len(number) >= 10 else "（号码过短）"


@rule(
    "id_number.format",
    Severity.ERROR,
    "身份证号码格式",
    """Every ID number in the case (card, buyers, lessee, lessor) is 17 digits followed by a digit or X. A company
    lessor's unified social credit code (统一社会信用代码, valid by python-stdnum) is not taken for an ID number.""",
)
def id_format(ctx: CaseContext) -> Iterator[Hit]:
    for n in _id_numbers(ctx):
        if "format" in n.facts.problems:
            yield Hit(f"{n.doc.label}的{n.label}{_shown(n.facts.number)}不是18位有效格式，请核对", (n.ref,))


def _read_as(d: DocRef, field: str) -> str | None:
    """The 18-character number as OCR read it, when the extractor changed it into the value it reports."""
    f = d.doc.fields.get(field)
    if f is None or not f.raw:
        return None
    runs = _RUN.findall(normalise_id_number(f.raw))
    value = normalise_id_number(str(f.value))
    return next((r for r in runs if r != value), None) if runs and value not in runs else None


@rule(
    "id_number.check_digit",
    Severity.ERROR,
    "身份证号码校验位",
    """The 18th character is the ISO 7064 MOD 11-2 check of the first 17 digits (python-stdnum). A wrong check
    character means a misread or mistyped digit. When the extractor turned a number that failed the check into
    one that passes (it repairs typical OCR misreadings), the number as read is reported as a warning: the card
    itself may carry the wrong number.""",
)
def id_check_digit(ctx: CaseContext) -> Iterator[Hit]:
    for n in _id_numbers(ctx):
        if "check_digit" in n.facts.problems:
            yield Hit(f"{n.doc.label}的{n.label}{_shown(n.facts.number)}校验位错误，请核对原件", (n.ref,))
        elif n.facts.ok and n.field is not None:
            read = _read_as(n.doc, n.field)
            if read and "check_digit" in inspect_id_number(read).problems:
                yield Hit(
                    f"{n.doc.label}的{n.label}按原样识别为{_shown(read)}，未通过校验，"
                    f"系统已纠正为{_shown(n.facts.number)}，请核对原件",
                    (n.ref,),
                    Severity.WARNING,
                )


@rule(
    "id_number.region",
    Severity.ERROR,
    "身份证号码地区码",
    """The first six digits are a county code that existed in the holder's birth year (python-stdnum's table of
    administrative divisions).""",
)
def id_region(ctx: CaseContext) -> Iterator[Hit]:
    for n in _id_numbers(ctx):
        if "region" in n.facts.problems:
            yield Hit(f"{n.doc.label}的{n.label}{_shown(n.facts.number)}地区码无效，请核对原件", (n.ref,))


@rule(
    "id_number.birth_date",
    Severity.ERROR,
    "身份证号码与出生日期一致",
    """Digits 7–14 are a real date, and on the ID card they equal the printed 出生 date.""",
)
def id_birth_date(ctx: CaseContext) -> Iterator[Hit]:
    for n in _id_numbers(ctx):
        if "birth_date" in n.facts.problems:
            yield Hit(f"{n.doc.label}的{n.label}{_shown(n.facts.number)}中的出生日期不存在，请核对", (n.ref,))
    for d in ctx.of_type("id_card_front"):
        number, printed = d.text("id_number"), d.date("birth_date")
        if not number or printed is None:
            continue
        facts = inspect_id_number(number)
        if facts.birth_date is not None and facts.birth_date != printed:
            yield Hit(
                f"{d.label}的公民身份号码中的出生日期（{facts.birth_date:%Y年%m月%d日}）与印刷的出生日期"
                f"（{printed:%Y年%m月%d日}）不一致",
                (d.ref("id_number"), d.ref("birth_date")),
            )


@rule(
    "id_number.sex",
    Severity.ERROR,
    "身份证号码与性别一致",
    """The 17th digit is odd for 男 and even for 女, and agrees with the printed 性别 on the ID card.""",
)
def id_sex(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.of_type("id_card_front"):
        number, printed = d.text("id_number"), d.text("sex")
        if not number or printed not in ("男", "女"):
            continue
        facts = inspect_id_number(number)
        if "format" not in facts.problems and facts.sex != printed:
            yield Hit(
                f"{d.label}的公民身份号码顺序码表示性别为{facts.sex}，与印刷的性别{printed}不一致",
                (d.ref("id_number"), d.ref("sex")),
            )
