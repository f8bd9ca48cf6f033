"""The ID card's validity period (有效期限) on the back: in force on the business date, and a span the law allows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from checks.context import CaseContext
from checks.rules.base import Hit, rule
from checks.validators import age_on, expected_validity_years, inspect_id_number, whole_years_between
from domain.models import Severity

LONG_TERM = "长期"


def _span_text(years: int | None) -> str:
    return LONG_TERM if years is None else f"{years}年"


@rule(
    "id_card.validity",
    Severity.ERROR,
    "身份证在有效期内",
    """On the business date the card is in force: not expired (valid_until before the business date) and not
    yet to come (valid_from after it). 长期 never expires.""",
)
def validity(ctx: CaseContext) -> Iterator[Hit]:
    day = ctx.business_date
    for d in ctx.of_type("id_card_back"):
        until_text, until, since = d.text("valid_until"), d.date("valid_until"), d.date("valid_from")
        if until_text != LONG_TERM and until is not None and until < day:
            yield Hit(
                f"身份证已于{until:%Y年%m月%d日}过期（业务日期{day:%Y年%m月%d日}），请持有效证件办理",
                (d.ref("valid_until"),),
            )
        if since is not None and since > day:
            yield Hit(f"身份证有效期限起始日期{since:%Y年%m月%d日}晚于业务日期，请核对原件", (d.ref("valid_from"),))


def _birth_date(ctx: CaseContext) -> tuple[dt.date | None, tuple[str, ...]]:
    front = ctx.id_front
    if front is None:
        return None, ()
    printed = front.date("birth_date")
    if printed is not None:
        return printed, (front.ref("birth_date"),)
    number = front.text("id_number")
    facts = inspect_id_number(number) if number else None
    return (facts.birth_date, (front.ref("id_number"),)) if facts and facts.birth_date else (None, ())


@rule(
    "id_card.validity_span",
    Severity.WARNING,
    "身份证有效期限与年龄相符",
    """The validity span fits the holder's age when the card was issued (Resident Identity Card Law, art. 5):
    under 16 → 5 years, 16–25 → 10, 26–45 → 20, 46 and over → 长期; the end falls on the same day of the year as
    the start. An odd span is a warning: a misread date or an altered card.""",
)
def validity_span(ctx: CaseContext) -> Iterator[Hit]:
    backs = ctx.of_type("id_card_back")
    birth, birth_refs = _birth_date(ctx)
    for d in backs:
        since, until, until_text = d.date("valid_from"), d.date("valid_until"), d.text("valid_until")
        if since is None or (until is None and until_text != LONG_TERM):
            continue
        refs = (d.ref("valid_from"), d.ref("valid_until"))
        if until is not None and until <= since:
            yield Hit("身份证有效期限截止日期不晚于起始日期，请核对原件", refs)
            continue
        years = None if until is None else whole_years_between(since, until)
        if until is not None and years is None:
            yield Hit("身份证有效期限的起止日期不是整年，请核对原件", refs)
            continue
        if until is not None and years not in (5, 10, 20):
            yield Hit(f"身份证有效期限为{years}年，不是法定的5年、10年、20年或长期，请核对原件", refs)
            continue
        # One card with its pair of sides: the age check needs the front of the same person.
        if birth is None or len(backs) != 1:
            continue
        age = age_on(birth, since)
        expected = expected_validity_years(age)
        if expected != years:
            yield Hit(
                f"身份证签发时持证人{age}周岁，有效期限应为{_span_text(expected)}，证件上为{_span_text(years)}，请核对原件",
                (*refs, *birth_refs),
            )
