"""Rental agreement families modelled on city templates and stationers' forms (see docs/contracts.md): parties as
lines with their home addresses and the deposit before the rent, a ruled party table with the ID number written one
digit per box and a second 承租人, a hand-filled agreement, and an agency's three-party lease."""

from __future__ import annotations

import random
from decimal import Decimal

from stdnum.cn import ric

from samples.generator.contract_pdf import Block, Break, Gap, Para, Table, Title
from samples.generator.contract_templates import RENTAL_CLAUSES, _clauses
from samples.generator.contract_values import RentalFacts, print_date, print_money, rmb_words

_CN_NUM = "零壹贰叁肆伍陆柒捌玖"


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"


_RENT_BOILER = (
    "乙方应按时支付租金，逾期支付超过十五日的，甲方有权解除合同，押金不予退还。",
    "租赁期间，房屋及附属设施的自然损耗由甲方负责维修，因乙方使用不当造成的损坏由乙方负责赔偿。",
    "租赁期满或合同解除后，甲方扣除乙方应承担的费用后，剩余押金无息退还乙方。",
    "乙方不得利用该房屋从事违法活动，不得擅自改变房屋结构和用途。",
    "本合同一式两份，甲乙双方各执一份，自双方签字之日起生效。",
)


def _deposit(r: RentalFacts, rng: random.Random) -> Decimal:
    return r.monthly_rent * rng.choice((1, 1, 2, 3))


def rental_lines_deposit(r: RentalFacts, rng: random.Random, hard: bool) -> list[Block]:
    """A city template with parties as lines (with 住址), the house by 坐落于 and its area, the term as a count of
    months, and the deposit stated before the monthly rent."""
    deposit = _deposit(r, rng)
    months = "一二三"[int(deposit / r.monthly_rent) - 1]
    blocks: list[Block] = [
        Title(rng.choice(("房屋租赁合同", "住房租赁合同")), 20),
        Para(f"出租人（甲方）：⟦{r.lessor.name}⟧　身份证号：⟦{r.lessor.id_number}⟧"),
        Para(f"住址：⟦{r.lessor.address}⟧　联系电话：⟦{phone(rng)}⟧"),
        Para(f"承租人（乙方）：⟦{r.lessee.name}⟧　身份证号：⟦{r.lessee.id_number}⟧"),
        Para(f"住址：⟦{r.lessee.address}⟧"),
        Para("第一条　房屋基本情况"),
        Para(
            f"甲方将其合法拥有的坐落于⟦{r.address}⟧的房屋出租给乙方居住使用，建筑面积⟦{rng.randint(40, 140)}.00⟧平方米。",
            indent=True,
        ),
        Para("第二条　租赁期限"),
        Para(
            f"租赁期共⟦{r.lease_months}⟧个月，自{print_date(r.lease_start, rng, split=True)}起至"
            f"{print_date(r.lease_end, rng, split=True)}止。",
            indent=True,
        ),
        Para("第三条　押金与租金"),
        Para(
            f"押金为{months}个月租金，即人民币⟦{print_money(deposit, rng)}⟧元（大写：⟦{rmb_words(deposit)}⟧），"
            f"月租金为人民币⟦{print_money(r.monthly_rent, rng)}⟧元（大写：⟦{rmb_words(r.monthly_rent)}⟧），按⟦季⟧支付。",
            indent=True,
        ),
        *(Para(f"第{4 + i}条　{c}") for i, c in enumerate(rng.sample(_RENT_BOILER, rng.randint(2, 5)))),
        *_clauses(RENTAL_CLAUSES, rng, rng.randint(6, 30), start=9),
        Gap(14),
        Para("甲方（签字）：　　　　　　　　　　　　　乙方（签字）："),
        Para(
            f"签订日期：{print_date(r.signing_date, rng)}　　交房日期："
            f"{r.lease_start.year}年{r.lease_start.month}月{r.lease_start.day}日"
        ),
    ]
    return blocks


def _boxed(id_number: str) -> tuple[str, ...]:
    return tuple(id_number)


def rental_boxed_ids(r: RentalFacts, rng: random.Random, hard: bool) -> list[Block]:
    """A ruled party table whose ID number is written one digit per box, a second 承租人 (共同承租人), the terms
    in a table with the deposit row before the rent row, and the signing date alone on the last page."""
    widths = (0.15, 0.13) + (0.04,) * 18
    rows = [
        ("出租人", r.lessor.name, *_boxed(r.lessor.id_number)),
        ("承租人", r.lessee.name, *_boxed(r.lessee.id_number)),
    ]
    second = f"{r.lessee.name[0]}{rng.choice('晓雨子思')}{rng.choice('涵彤轩')}" if rng.random() < 0.6 else None
    if second:
        body = f"{r.lessee.id_number[:6]}{rng.randint(1975, 2000)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
        body += f"{rng.randint(10, 99)}{rng.randint(0, 9)}"
        rows.append(("共同承租人", second, *_boxed(body + ric.calc_check_digit(body + "0"))))
    deposit = _deposit(r, rng)
    blocks: list[Block] = [
        Title("房屋租赁合同", 20),
        Para("一、当事人（身份证号码请逐格填写）"),
        Table(tuple(rows), widths),
        Para("二、租赁房屋及条件"),
        Table(
            (
                ("房屋地址", r.address),
                ("押金", f"人民币{print_money(deposit, rng)}元（大写：{rmb_words(deposit)}）"),
                ("月租金", f"人民币{print_money(r.monthly_rent, rng)}元（大写：{rmb_words(r.monthly_rent)}）"),
                ("租赁期限", f"{r.lease_start:%Y年%m月%d日}至{r.lease_end:%Y年%m月%d日}，共{r.lease_months}个月"),
            ),
            (0.2, 0.8),
        ),
        Para("三、其他约定"),
        *(Para(f"{i + 1}．{c}") for i, c in enumerate(rng.sample(_RENT_BOILER, rng.randint(3, 5)))),
        *_clauses(RENTAL_CLAUSES, rng, rng.randint(2, 20), start=6),
        Break(),
        Para("出租人（签字）：　　　　　　　　　　　　承租人（签字）："),
        Gap(10),
        Para(f"签订日期：{print_date(r.signing_date, rng)}"),
    ]
    return blocks


def rental_handfilled(r: RentalFacts, rng: random.Random, hard: bool) -> list[Block]:
    """A stationer's 租房合同 filled in by hand: parties as （以下简称甲方）, the term in years or months with
    从…至…, rent and deposit in one sentence, and the date in the closing sentence."""
    years = r.lease_months // 12
    term = f"⟦{_CN_NUM[years]}⟧年" if r.lease_months % 12 == 0 else f"⟦{r.lease_months}⟧个月"
    deposit = _deposit(r, rng)
    return [
        Title("租房合同", 20),
        Gap(6),
        Para(f"出租方（以下简称甲方）：⟦{r.lessor.name}⟧　身份证号码：⟦{r.lessor.id_number}⟧"),
        Para(f"承租方（以下简称乙方）：⟦{r.lessee.name}⟧　身份证号码：⟦{r.lessee.id_number}⟧"),
        Para("甲乙双方经友好协商，就房屋租赁事宜达成如下协议：", indent=True),
        Para(f"一、甲方将位于⟦{r.address}⟧的房屋出租给乙方居住。", indent=True),
        Para(
            f"二、租赁期限为{term}，即从{print_date(r.lease_start, rng, split=True)}至"
            f"{print_date(r.lease_end, rng, split=True)}。",
            indent=True,
        ),
        Para(
            f"三、租金每月人民币⟦{print_money(r.monthly_rent, rng)}⟧元（大写⟦{rmb_words(r.monthly_rent)}⟧），"
            f"押金⟦{print_money(deposit, rng)}⟧元，于签订合同时一次付清。",
            indent=True,
        ),
        *(Para(f"{'四五六七八'[i]}、{c}", indent=True) for i, c in enumerate(rng.sample(_RENT_BOILER, 4))),
        *_clauses(RENTAL_CLAUSES, rng, rng.randint(6, 30), start=8),
        Gap(14),
        Para("甲方（签字）：　　　　　　　　　　　　　乙方（签字）："),
        Para(f"签订日期：{print_date(r.signing_date, rng, split=True)}"),
    ]


def rental_agency(r: RentalFacts, rng: random.Random, hard: bool) -> list[Block]:
    """An agency's three-party lease (居间方 as 丙方): the rent with the deposit and the agency fee (often one
    month's rent) in one line, ISO dates in the term, and 签约日期 beside the agency's stamp."""
    deposit = _deposit(r, rng)
    fee = r.monthly_rent if rng.random() < 0.6 else r.monthly_rent / 2
    agency = f"{rng.choice(('链家', '我爱我家', '中原', '麦田'))}房地产经纪有限公司"
    return [
        Title("房屋租赁合同（居间版）", 18),
        Para(f"合同编号：⟦ZL{r.signing_date:%Y%m%d}{rng.randint(100, 999)}⟧", align="right"),
        Para(f"出租方（甲方）：⟦{r.lessor.name}⟧　证件号码：⟦{r.lessor.id_number}⟧"),
        Para(f"承租方（乙方）：⟦{r.lessee.name}⟧　证件号码：⟦{r.lessee.id_number}⟧"),
        Para(f"居间方（丙方）：⟦{agency}⟧　经纪人：⟦{rng.choice('王李张刘')}{rng.choice('明强静')}⟧"),
        Para(f"一、房屋地址：⟦{r.address}⟧，房屋用途：⟦居住⟧。"),
        Para(f"二、租赁期限：⟦{r.lease_start.isoformat()}⟧至⟦{r.lease_end.isoformat()}⟧，共⟦{r.lease_months}⟧个月。"),
        Para(
            f"三、租金：每月人民币⟦{print_money(r.monthly_rent, rng)}⟧元（大写：⟦{rmb_words(r.monthly_rent)}⟧）；"
            f"押金：⟦{print_money(deposit, rng)}⟧元；中介服务费：⟦{print_money(fee, rng)}⟧元，由乙方支付给丙方。"
        ),
        *_clauses(RENTAL_CLAUSES, rng, rng.randint(6, 30), start=4),
        Gap(14),
        Para("甲方（签字）：　　　　　　乙方（签字）：　　　　　　丙方（盖章）："),
        Para(f"签约日期：{print_date(r.signing_date, rng)}"),
    ]


RENTAL_FAMILIES = {
    "lines_deposit": rental_lines_deposit,
    "boxed_ids": rental_boxed_ids,
    "handfilled": rental_handfilled,
    "agency": rental_agency,
}
