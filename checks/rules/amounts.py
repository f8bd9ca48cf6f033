"""Money and areas: figures equal their 大写, prices multiply out, values are positive and plausible."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checks.context import CaseContext
from checks.rules.base import Hit, rule
from checks.validators import CapitalAmountError, capital_amount, months_between, parse_capital_amount
from domain.fields import FIELD_LABELS_ZH
from domain.models import Severity

# figure field → its 大写 field
IN_WORDS: dict[str, str] = {"total_price": "total_price_in_words", "monthly_rent": "monthly_rent_in_words"}

# Plausible ranges for a provident-fund counter (yuan, m²). Outside them is a warning, not an error: the
# figure is more likely misread than false, and a clerk can confirm it against the paper in seconds.
BOUNDS: dict[str, tuple[Decimal, Decimal, str]] = {
    "floor_area": (Decimal("5"), Decimal("2000"), "平方米"),
    "total_price": (Decimal("10000"), Decimal("200000000"), "元"),
    "unit_price": (Decimal("300"), Decimal("500000"), "元/平方米"),
    "monthly_rent": (Decimal("100"), Decimal("200000"), "元"),
}

# Lease law (民法典 art. 705): a lease term may not exceed 20 years.
MAX_LEASE_MONTHS = 240


def _label(field: str) -> str:
    return FIELD_LABELS_ZH.get(field, field)


@rule(
    "amounts.in_words",
    Severity.ERROR,
    "大写金额与小写一致",
    """On contracts the figure (小写) equals the amount in Chinese capitals (大写): total price, monthly rent.
    The 大写 is parsed by cn2an with 角/分 handled separately. A 大写 that cannot be parsed is a warning.""",
)
def in_words(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.docs:
        for figure_field, words_field in IN_WORDS.items():
            figure, words = d.decimal(figure_field), d.text(words_field)
            if figure is None or words is None:
                continue
            refs = (d.ref(figure_field), d.ref(words_field))
            try:
                spelled = parse_capital_amount(words)
            except CapitalAmountError:
                yield Hit(f"{d.label}的{_label(words_field)}无法识别，请人工核对大写金额", refs, Severity.WARNING)
                continue
            if spelled != figure:
                yield Hit(
                    f"{d.label}的{_label(figure_field)}小写为{figure:,.2f}元，大写为{spelled:,.2f}元"
                    f"（应为{capital_amount(figure)}），两者不一致",
                    refs,
                )


@rule(
    "amounts.unit_price",
    Severity.WARNING,
    "总价款＝面积×单价",
    """When a purchase contract states a unit price, the total price is the floor area times the unit price, to
    within rounding (the larger of 1 yuan and 1 fen per m² of area).""",
)
def unit_price(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.of_type("purchase_contract"):
        area, price, total = d.decimal("floor_area"), d.decimal("unit_price"), d.decimal("total_price")
        if area is None or price is None or total is None or area <= 0 or price <= 0:
            continue
        product = (area * price).quantize(Decimal("0.01"))
        tolerance = max(Decimal(1), area * Decimal("0.01"))
        if abs(product - total) > tolerance:
            yield Hit(
                f"{d.label}的建筑面积{area}平方米×单价{price:,.2f}元＝{product:,.2f}元，与总价款{total:,.2f}元不符",
                (d.ref("floor_area"), d.ref("unit_price"), d.ref("total_price")),
            )


@rule(
    "amounts.positive",
    Severity.ERROR,
    "金额和面积为正数",
    """Floor area, prices and rent, where stated, are greater than zero.""",
)
def positive(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.docs:
        for field in BOUNDS:
            value = d.decimal(field)
            if value is not None and value <= 0:
                yield Hit(f"{d.label}的{_label(field)}应大于零，请核对", (d.ref(field),))


@rule(
    "amounts.range",
    Severity.WARNING,
    "金额和面积在合理范围",
    """Floor area 5–2000 m², total price 10 thousand–200 million yuan, unit price 300–500 thousand yuan/m²,
    monthly rent 100–200 thousand yuan. Outside is a warning: most likely a misread figure.""",
)
def in_range(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.docs:
        for field, (low, high, unit) in BOUNDS.items():
            value = d.decimal(field)
            if value is not None and value > 0 and not low <= value <= high:
                yield Hit(
                    f"{d.label}的{_label(field)}{value:,.2f}{unit}超出常见范围（{low:,}–{high:,}{unit}），请核对",
                    (d.ref(field),),
                )


@rule(
    "amounts.rent_term",
    Severity.WARNING,
    "租金与租期合理",
    """The lease term is at least one month and at most 20 years (民法典 art. 705), and where the agreement
    states a total rent it is the monthly rent times the months of the lease (to within one month's rent).""",
)
def rent_term(ctx: CaseContext) -> Iterator[Hit]:
    for d in ctx.of_type("rental_agreement"):
        start, end, rent = d.date("lease_start"), d.date("lease_end"), d.decimal("monthly_rent")
        if start is None or end is None or end <= start:
            continue  # dates.lease_order reports a reversed lease
        months = months_between(start, end)
        refs = (d.ref("lease_start"), d.ref("lease_end"))
        if months < 1:
            yield Hit(f"{d.label}的租期不足一个月，请核对租赁起止日期", refs)
        elif months > MAX_LEASE_MONTHS:
            yield Hit(f"{d.label}的租期为{months}个月，超过法定最长二十年，请核对", refs)
        total = d.decimal("total_rent")
        if total is not None and rent is not None and months >= 1:
            expected = rent * months
            if abs(expected - total) > rent:
                yield Hit(
                    f"{d.label}的租金总额{total:,.2f}元与月租金{rent:,.2f}元×{months}个月＝{expected:,.2f}元不符",
                    (*refs, d.ref("monthly_rent"), d.ref("total_rent")),
                )
