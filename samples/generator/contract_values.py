"""The facts of one fake contract (parties, property, money, dates) and the printed forms they take.

Values are chosen first and become the ground truth; templates then print them in one of several ways (with or
without thousands separators, dates as 年月日 or ISO, 大写 amounts via cn2an), the way real contracts vary.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

import cn2an

from samples.generator.identities import COMMUNITIES, REGIONS, STREETS, Person, make_person

DEVELOPER_WORDS = ("锦绣", "恒达", "城投", "万合", "华远", "金地", "保利", "中建", "招商", "绿城", "融信", "龙湖")
DEVELOPER_KINDS = ("置业有限公司", "房地产开发有限公司", "地产有限公司", "实业发展有限公司")


def _city(region_text: str) -> str:
    """'湖北省武汉市武昌区' → '武汉市'; '北京市朝阳区' → '北京市'."""
    if "省" in region_text:
        region_text = region_text.split("省", 1)[1]
    return region_text.split("市", 1)[0] + "市"


def make_property_address(rng: random.Random) -> str:
    _, region_text, _ = rng.choice(REGIONS)
    street, community = rng.choice(STREETS), rng.choice(COMMUNITIES)
    floor, room = rng.randint(2, 32), rng.randint(1, 4)
    return (
        f"{region_text}{street}{rng.randint(1, 888)}号{community}{rng.randint(1, 28)}栋"
        f"{rng.randint(1, 4)}单元{floor}{room:02d}室"
    )


def make_developer(rng: random.Random, address: str) -> str:
    return f"{_city(address)}{rng.choice(DEVELOPER_WORDS)}{rng.choice(DEVELOPER_KINDS)}"


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def rmb_words(value: Decimal) -> str:
    """The 大写 form as cn2an writes it: 壹佰贰拾叁万肆仟伍佰陆拾柒元整."""
    return cn2an.an2cn(money(value), "rmb")


def print_money(value: Decimal, rng: random.Random) -> str:
    """A figure as people write it: 1,234,567.00 / 1234567.00 / 1234567 (integers only)."""
    q = value.quantize(Decimal("0.01"))
    styles = ["comma2", "plain2"] + (["plain0", "comma0"] if q == q.to_integral_value() else [])
    style = rng.choice(styles)
    if style == "comma2":
        return f"{q:,.2f}"
    if style == "plain2":
        return f"{q:.2f}"
    return f"{int(q):,}" if style == "comma0" else f"{int(q)}"


def print_date(d: dt.date, rng: random.Random, *, split: bool = False) -> str:
    """A date as printed or hand-filled. ``split`` fills 年/月/日 into three blanks of a template."""
    if split:
        return f"⟦{d.year}⟧年⟦{d.month}⟧月⟦{d.day}⟧日"
    style = rng.choice(("cn", "cn", "cn0", "iso"))
    if style == "cn":
        return f"⟦{d.year}年{d.month}月{d.day}日⟧"
    if style == "cn0":
        return f"⟦{d.year}年{d.month:02d}月{d.day:02d}日⟧"
    return f"⟦{d.isoformat()}⟧"


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return d.replace(year=d.year + y, month=m + 1)


@dataclass(frozen=True)
class PurchaseFacts:
    contract_number: str
    seller: str  # a developer (new home) or a person (resale)
    seller_person: Person | None
    buyers: tuple[Person, ...]
    address: str
    floor_area: Decimal
    unit_price: Decimal
    total_price: Decimal
    signing_date: dt.date

    def truth(self) -> dict:
        return {
            "contract_number": self.contract_number,
            "seller_name": self.seller,
            "buyer_name": self.buyers[0].name,
            "buyer_id_number": self.buyers[0].id_number,
            "buyers": [{"name": b.name, "id_number": b.id_number} for b in self.buyers],
            "property_address": self.address,
            "floor_area": money(self.floor_area),
            "total_price": money(self.total_price),
            "total_price_in_words": rmb_words(self.total_price),
            "unit_price": money(self.unit_price),
            "signing_date": self.signing_date.isoformat(),
        }


@dataclass(frozen=True)
class RentalFacts:
    lessor: Person
    lessee: Person
    address: str
    monthly_rent: Decimal
    lease_start: dt.date
    lease_months: int
    signing_date: dt.date

    @property
    def lease_end(self) -> dt.date:
        return add_months(self.lease_start, self.lease_months) - dt.timedelta(days=1)

    def truth(self) -> dict:
        return {
            "lessor_name": self.lessor.name,
            "lessor_id_number": self.lessor.id_number,
            "lessee_name": self.lessee.name,
            "lessee_id_number": self.lessee.id_number,
            "property_address": self.address,
            "monthly_rent": money(self.monthly_rent),
            "monthly_rent_in_words": rmb_words(self.monthly_rent),
            "lease_start": self.lease_start.isoformat(),
            "lease_end": self.lease_end.isoformat(),
            "lease_term_months": str(self.lease_months),
            "signing_date": self.signing_date.isoformat(),
        }


def _distinct_people(rng: random.Random, n: int) -> tuple[Person, ...]:
    people: list[Person] = []
    while len(people) < n:
        p = make_person(rng)
        if all(p.name != q.name and p.id_number != q.id_number for q in people):
            people.append(p)
    return tuple(people)


def make_purchase_facts(rng: random.Random, *, resale: bool, buyers: int = 1) -> PurchaseFacts:
    address = make_property_address(rng)
    people = _distinct_people(rng, buyers + 1)
    seller_person = people[-1] if resale else None
    area = Decimal(rng.randint(4500, 18000)) / 100
    unit = Decimal(rng.randrange(6000, 48000, 10))
    year = rng.randint(2019, 2026)
    signing = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    prefix = rng.choice(("YS", "XS", "WQ", "GF", "ESF" if resale else "SP"))
    number = rng.choice(
        (f"{prefix}{year}{rng.randint(100000, 999999)}", f"{year}-{prefix}-{rng.randint(10000, 99999)}")
    )
    return PurchaseFacts(
        contract_number=number,
        seller=seller_person.name if seller_person else make_developer(rng, address),
        seller_person=seller_person,
        buyers=people[:buyers],
        address=address,
        floor_area=area,
        unit_price=unit,
        total_price=(area * unit).quantize(Decimal("0.01")),
        signing_date=signing,
    )


def make_rental_facts(rng: random.Random) -> RentalFacts:
    lessor, lessee = _distinct_people(rng, 2)
    start = dt.date(rng.randint(2019, 2026), rng.randint(1, 12), rng.choice((1, 1, 1, 5, 10, 15, 20)))
    return RentalFacts(
        lessor=lessor,
        lessee=lessee,
        address=make_property_address(rng),
        monthly_rent=Decimal(rng.randrange(800, 9500, 50)),
        lease_start=start,
        lease_months=rng.choice((6, 12, 12, 12, 24, 36)),
        signing_date=start - dt.timedelta(days=rng.randint(0, 20)),
    )
