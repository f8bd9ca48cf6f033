"""Dates: nothing signed in the future, leases that run forwards and cover the withdrawal."""

from __future__ import annotations

from collections.abc import Iterator

from checks.context import CaseContext
from checks.rules.base import Hit, rule
from domain.business import Business
from domain.models import Severity


@rule(
    "dates.signing_future",
    Severity.ERROR,
    "签订日期不晚于业务日期",
    """A contract's signing date is not after the business date.""",
)
def signing_future(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.docs:
        signed = d.date("signing_date")
        if signed is not None and signed > ctx.business_date:
            yield Hit(
                f"{d.label}的签订日期{signed:%Y年%m月%d日}晚于业务日期{ctx.business_date:%Y年%m月%d日}，请核对",
                (d.ref("signing_date"),),
            )


@rule(
    "dates.signing_before_id_issue",
    Severity.WARNING,
    "签订日期不早于身份证签发日期",
    """A contract signed before the presented ID card was issued was signed with an earlier card; that is
    legitimate after a renewal, so it is a warning asking the clerk to look, not an error.""",
)
def signing_before_issue(ctx: CaseContext) -> Iterator[Hit]:
    back = ctx.id_back
    issued = back.date("valid_from") if back else None
    if back is None or issued is None:
        return
    for d in ctx.docs:
        signed = d.date("signing_date")
        if signed is not None and signed < issued:
            yield Hit(
                f"{d.label}签订于{signed:%Y年%m月%d日}，早于所持身份证签发日期{issued:%Y年%m月%d日}，"
                "合同可能以旧证签订，请核对证件号码",
                (d.ref("signing_date"), back.ref("valid_from")),
            )


@rule(
    "dates.lease_order",
    Severity.ERROR,
    "租赁截止日期晚于起始日期",
    """A rental agreement's lease ends after it starts.""",
)
def lease_order(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.of_type("rental_agreement"):
        start, end = d.date("lease_start"), d.date("lease_end")
        if start is not None and end is not None and end <= start:
            yield Hit(
                f"{d.label}的租赁截止日期{end:%Y年%m月%d日}不晚于起始日期{start:%Y年%m月%d日}，请核对",
                (d.ref("lease_start"), d.ref("lease_end")),
            )


@rule(
    "dates.lease_covers_business_date",
    Severity.ERROR,
    "业务日期在租期内",
    """For rental withdrawal the business date falls inside the lease (start and end days included): rent is
    withdrawn for a lease that is running.""",
    businesses=[Business.RENTAL_WITHDRAWAL],
)
def lease_covers(ctx: CaseContext) -> Iterator[Hit]:
    day = ctx.business_date
    for d in ctx.of_type("rental_agreement"):
        start, end = d.date("lease_start"), d.date("lease_end")
        if start is None or end is None or end <= start:
            continue
        refs = (d.ref("lease_start"), d.ref("lease_end"))
        if day < start:
            yield Hit(f"业务日期{day:%Y年%m月%d日}早于{d.label}的租期起始日期{start:%Y年%m月%d日}，租期尚未开始", refs)
        elif day > end:
            yield Hit(f"{d.label}的租期已于{end:%Y年%m月%d日}结束，业务日期{day:%Y年%m月%d日}不在租期内", refs)
