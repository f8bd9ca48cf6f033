"""Template styles for purchase contracts (商品房买卖合同 GF-2014-0171-like chapters, resale prose, party table)
and rental agreements (city template with 出租人（甲方）, party table, free-form), each printing the same facts
in its own wording. ``hard`` adds the traps real files hold: a value pushed onto the next page, an empty blank
next to a label, a second date beside the signing date.
"""

from __future__ import annotations

import datetime as dt
import random

from samples.generator.contract_pdf import Block, Break, Gap, Para, Table, Title
from samples.generator.contract_values import PurchaseFacts, RentalFacts, print_date, print_money, rmb_words

# Boilerplate that carries label words without being a filled-in label (as the model text does).
PURCHASE_CLAUSES = (
    "出卖人应当在本合同约定的交付期限内将该商品房交付买受人，逾期交付的，按照本合同约定承担违约责任。",
    "买受人应当按照本合同约定的时间和方式付款，逾期付款超过九十日的，出卖人有权解除合同。",
    "该商品房的房屋坐落、面积以不动产登记机构登记的为准，双方对面积差异按照本合同约定的方式处理。",
    "出卖人保证该商品房没有产权纠纷，因出卖人原因造成该商品房不能办理产权登记的，由出卖人承担相应责任。",
    "本合同所称总价款包括房屋价款及应当计入的公共部位与公用房屋分摊建筑面积价款，不含契税及其他税费。",
    "买受人采取贷款方式付款的，应当在签订本合同后及时向贷款机构提出申请，贷款机构未批准的按照约定处理。",
    "出卖人应当在交付该商品房之日起六十日内，将办理不动产登记需由出卖人提供的资料报送不动产登记机构备案。",
    "双方因履行本合同发生争议的，应当协商解决；协商不成的，依法向该商品房所在地人民法院起诉。",
    "该商品房交付时，出卖人应当出示竣工验收备案证明、房屋面积实测技术报告书及住宅质量保证书。",
    "本合同自双方签字或盖章之日起生效。本合同的变更与解除，应当采用书面形式。",
    "买受人在签订本合同前，已认真阅读出卖人提供的商品房预售许可证明及相关说明，并对该商品房的情况予以认可。",
    "出卖人不得将已出售的商品房再行出售或者设定抵押，否则应当承担由此给买受人造成的全部损失。",
)
RENTAL_CLAUSES = (
    "甲方应保证出租房屋及其附属设施处于适用和安全状态，乙方应合理使用并爱护房屋及其附属设施。",
    "租赁期内，乙方未经甲方书面同意，不得将房屋转租、转借他人，不得擅自改变房屋用途或结构。",
    "租金支付方式为按月支付，乙方应于每月五日前将当月租金支付至甲方指定账户。",
    "租赁期间发生的水费、电费、燃气费、物业管理费及网络费由乙方承担，房屋维修费用由甲方承担。",
    "租赁期满，乙方如需续租，应提前三十日书面通知甲方，同等条件下乙方享有优先承租权。",
    "任何一方违反本合同约定的，应向守约方支付相当于一个月租金的违约金，给对方造成损失的应予赔偿。",
    "甲方收取押金人民币贰个月租金，租赁期满乙方结清各项费用并交还房屋后，甲方应将押金无息退还乙方。",
    "本合同未尽事宜，双方可另行签订补充协议，补充协议与本合同具有同等法律效力。",
    "因不可抗力导致本合同无法继续履行的，本合同自行解除，双方互不承担责任。",
    "本合同一式两份，甲乙双方各执一份，自双方签字之日起生效。",
)


def _clauses(pool: tuple[str, ...], rng: random.Random, n: int, *, start: int = 1) -> list[Block]:
    picked = [pool[i % len(pool)] for i in rng.sample(range(len(pool) * 8), n)]
    return [Para(f"{start + i}. {c}", indent=True) for i, c in enumerate(picked)]


def _signing(label: str, date_text: str, rng: random.Random, hard: bool, signed: dt.date) -> str:
    if hard and rng.random() < 0.6:
        # A second date beside the label: the one after a different label must not be taken.
        other = signed + dt.timedelta(days=rng.randint(1, 30))
        other_label = rng.choice(("备案日期", "生效日期", "交付日期"))
        if rng.random() < 0.5:
            return f"{label}：{date_text}（{other_label}：{other.year}年{other.month}月{other.day}日）"
        return f"{other_label}：{other.isoformat()}　　{label}：{date_text}"
    return f"{label}：{date_text}"


# --- purchase contracts ---------------------------------------------------------------------------------
def purchase_gf2014(f: PurchaseFacts, rng: random.Random, hard: bool) -> list[Block]:
    """The national model text: cover, 说明, 第一章 parties, 第二章 property, 第三章 price, signature page."""
    kind = rng.choice(("预售", "现售"))
    code = "GF—2014—0171" if kind == "预售" else "GF—2014—0172"
    blocks: list[Block] = [
        Gap(120),
        Title(f"商品房买卖合同（{kind}）示范文本", 22),
        Gap(16),
        Title(code, 12),
        Gap(40),
        Title(f"合同编号：⟦{f.contract_number}⟧", 12),
        Gap(160),
        Title("中华人民共和国住房和城乡建设部\n中华人民共和国国家工商行政管理总局　制定", 12),
        Break(),
        Title("说　明", 15),
        *_clauses(PURCHASE_CLAUSES, rng, rng.randint(4, 7)),
        Break(),
        Title("第一章　合同当事人", 13, "left"),
    ]
    blocks.append(Para(f"出卖人：⟦{f.seller}⟧"))
    blocks.append(Para("通讯地址：⟦⟧　　邮政编码：⟦⟧"))
    blocks.append(Para("法定代表人：⟦⟧　　联系电话：⟦⟧"))
    for b in f.buyers:
        blocks.append(Para(f"买受人：⟦{b.name}⟧"))
        blocks.append(Para(f"【证件类型】居民身份证　证件号码：⟦{b.id_number}⟧"))
        blocks.append(
            Para(f"出生日期：⟦{b.birth_date.year}年{b.birth_date.month}月{b.birth_date.day}日⟧　性别：⟦{b.sex}⟧")
        )
    if hard:
        blocks.append(Para("买受人：⟦⟧\n【证件类型】⟦⟧　证件号码：⟦⟧"))
    blocks.append(Title("第二章　商品房基本状况", 13, "left"))
    blocks.append(Para(f"1. 该商品房坐落于⟦{f.address}⟧。", indent=True))
    blocks.append(
        Para(f"2. 该商品房的用途为⟦住宅⟧，建筑面积为⟦{f.floor_area:.2f}⟧平方米，层高为⟦2.9⟧米。", indent=True)
    )
    blocks.extend(_clauses(PURCHASE_CLAUSES, rng, rng.randint(1, 3), start=3))
    blocks.append(Title("第三章　商品房价款", 13, "left"))
    price_line = (
        f"1. 该商品房按照建筑面积计算，单价为每平方米⟦{print_money(f.unit_price, rng)}⟧元，"
        f"总价款为⟦{print_money(f.total_price, rng)}⟧元（大写⟦{rmb_words(f.total_price)}⟧）。"
    )
    if hard and rng.random() < 0.5:
        # The label closes one page and its value opens the next.
        blocks.extend(
            [
                Para(f"1. 该商品房按照建筑面积计算，单价为每平方米⟦{print_money(f.unit_price, rng)}⟧元，总价款为："),
                Break(),
                Para(f"⟦{print_money(f.total_price, rng)}⟧元（大写⟦{rmb_words(f.total_price)}⟧）。"),
            ]
        )
    else:
        blocks.append(Para(price_line, indent=True))
    blocks.extend(_clauses(PURCHASE_CLAUSES, rng, rng.randint(2, 40), start=2))
    blocks.append(Gap(20))
    blocks.append(Para("出卖人（签字或盖章）：　　　　　　　　　买受人（签字或盖章）："))
    blocks.append(Para("【法定代表人】（签字或盖章）：　　　　　【委托代理人】（签字或盖章）："))
    blocks.append(Para(_signing("签订时间", print_date(f.signing_date, rng), rng, hard, f.signing_date)))
    blocks.append(Para("签订地点：⟦售楼处⟧"))
    if rng.random() < 0.25 and not hard:  # no cover page: the title and number open the first page
        return [
            Title(f"商品房买卖合同（{kind}）", 20),
            Para(f"合同编号：⟦{f.contract_number}⟧", align="right"),
            *blocks[9:],
        ]
    return blocks


def purchase_resale_prose(f: PurchaseFacts, rng: random.Random, hard: bool) -> list[Block]:
    """A city second-hand template: 卖方（甲方）/买方（乙方）, prose paragraphs."""
    title = rng.choice(("存量房买卖合同", "二手房买卖合同", "房屋买卖合同"))
    seller_label, buyer_label = rng.choice((("卖方（甲方）", "买方（乙方）"), ("出卖人（甲方）", "买受人（乙方）")))
    blocks: list[Block] = [Title(title, 20), Para(f"合同编号：⟦{f.contract_number}⟧", align="right"), Gap(6)]
    seller_id = f.seller_person.id_number if f.seller_person else "⟦⟧"
    blocks.append(Para(f"{seller_label}：⟦{f.seller}⟧　身份证号码：⟦{seller_id}⟧"))
    for b in f.buyers:
        blocks.append(Para(f"{buyer_label}：⟦{b.name}⟧　身份证号码：⟦{b.id_number}⟧"))
    blocks.append(
        Para(
            "根据《中华人民共和国民法典》《城市房地产管理法》及有关规定，甲乙双方在平等、自愿、协商一致的基础上，"
            "就乙方购买甲方房屋事宜达成如下协议：",
            indent=True,
        )
    )
    address_label = rng.choice(("房屋坐落", "房屋地址", "房屋座落"))
    blocks.append(Para("第一条　房屋基本情况", size=12))
    blocks.append(Para(f"{address_label}：⟦{f.address}⟧", indent=True))
    blocks.append(Para(f"建筑面积：⟦{f.floor_area:.2f}⟧平方米，房屋用途：⟦住宅⟧。", indent=True))
    blocks.append(Para("第二条　成交价格", size=12))
    price_label = rng.choice(("成交价", "房屋总价", "总价款"))
    blocks.append(
        Para(
            f"经双方协商，该房屋{price_label}为人民币⟦{print_money(f.total_price, rng)}⟧元"
            f"（大写：人民币⟦{rmb_words(f.total_price)}⟧），单价⟦{print_money(f.unit_price, rng)}⟧元/平方米。",
            indent=True,
        )
    )
    blocks.extend(_clauses(PURCHASE_CLAUSES, rng, rng.randint(5, 60), start=3))
    blocks.append(Gap(16))
    blocks.append(Para("甲方（签章）：　　　　　　　　　　　　　乙方（签章）："))
    blocks.append(
        Para(_signing("签订日期", print_date(f.signing_date, rng, split=rng.random() < 0.4), rng, hard, f.signing_date))
    )
    return blocks


def purchase_party_table(f: PurchaseFacts, rng: random.Random, hard: bool) -> list[Block]:
    """An online-signing e-contract: parties and the property in tables."""
    blocks: list[Block] = [
        Title("商品房买卖合同", 20),
        Title("（网签备案版）", 12),
        Para(f"网签合同编号：{f.contract_number}", align="right"),
        Para("一、合同当事人", size=12),
    ]
    rows: list[tuple[str, ...]] = [("当事人", "姓名／名称", "证件类型", "证件号码")]
    rows.append(("出卖人", f.seller, "营业执照" if not f.seller_person else "居民身份证", "⟦⟧"))
    for b in f.buyers:
        rows.append(("买受人", b.name, "居民身份证", b.id_number))
    if hard:
        rows.append(("买受人", "", "", ""))
    blocks.append(Table(tuple(rows), (0.16, 0.34, 0.18, 0.32)))
    blocks.append(Para("二、房屋基本情况", size=12))
    blocks.append(
        Table(
            (
                ("房屋坐落", f.address),
                ("建筑面积", f"{f.floor_area:.2f}平方米"),
                ("单价", f"{print_money(f.unit_price, rng)}元/平方米"),
                ("房屋总价", f"¥{print_money(f.total_price, rng)}元（大写：{rmb_words(f.total_price)}）"),
            ),
            (0.2, 0.8),
        )
    )
    blocks.append(Para("三、其他约定", size=12))
    blocks.extend(_clauses(PURCHASE_CLAUSES, rng, rng.randint(4, 60)))
    blocks.append(Gap(16))
    blocks.append(Para("出卖人（盖章）：　　　　　　　　　　　　买受人（签字）："))
    blocks.append(Para(_signing("签订日期", f.signing_date.strftime("%Y年%m月%d日"), rng, hard, f.signing_date)))
    return blocks


# --- rental agreements ----------------------------------------------------------------------------------
def _lease_term(r: RentalFacts, rng: random.Random) -> str:
    start = print_date(r.lease_start, rng, split=True)
    end = print_date(r.lease_end, rng, split=True)
    return f"租赁期限自{start}起至{end}止，共计⟦{r.lease_months}⟧个月。"


def rental_city_template(r: RentalFacts, rng: random.Random, hard: bool) -> list[Block]:
    """A city housing bureau model text: 出租人（甲方）/承租人（乙方）, numbered articles."""
    city = rng.choice(("北京市", "上海市", "武汉市", "深圳市", "成都市"))
    blocks: list[Block] = [Title(f"{city}住房租赁合同", 20), Title("（示范文本）", 11), Gap(8)]
    blocks.append(Para(f"出租人（甲方）：⟦{r.lessor.name}⟧　证件号码：⟦{r.lessor.id_number}⟧"))
    if hard:
        blocks.append(Para("委托代理人：⟦⟧　证件号码：⟦⟧"))
    blocks.append(Para(f"承租人（乙方）：⟦{r.lessee.name}⟧　证件号码：⟦{r.lessee.id_number}⟧"))
    blocks.append(Para("甲乙双方根据有关法律法规，就房屋租赁事宜达成如下协议：", indent=True))
    blocks.append(Para("第一条　房屋基本情况", size=12))
    blocks.append(Para(f"甲方出租的房屋坐落于⟦{r.address}⟧，用途为⟦居住⟧。", indent=True))
    blocks.append(Para("第二条　租赁期限", size=12))
    blocks.append(Para(_lease_term(r, rng), indent=True))
    blocks.append(Para("第三条　租金及支付方式", size=12))
    blocks.append(
        Para(
            f"月租金为人民币⟦{print_money(r.monthly_rent, rng)}⟧元（大写：⟦{rmb_words(r.monthly_rent)}⟧），"
            "按⟦月⟧支付。",
            indent=True,
        )
    )
    blocks.extend(_clauses(RENTAL_CLAUSES, rng, rng.randint(4, 60), start=4))
    blocks.append(Gap(16))
    blocks.append(Para("出租人（签章）：　　　　　　　　　　　　承租人（签章）："))
    blocks.append(Para(_signing("签订日期", print_date(r.signing_date, rng), rng, hard, r.signing_date)))
    return blocks


def rental_party_table(r: RentalFacts, rng: random.Random, hard: bool) -> list[Block]:
    blocks: list[Block] = [Title(rng.choice(("房屋租赁合同", "租房合同")), 20), Gap(6)]
    rows = [
        ("", "姓名", "身份证号码", "联系电话"),
        ("出租方（甲方）", r.lessor.name, r.lessor.id_number, f"1{rng.randint(3000000000, 9999999999)}"),
        (
            "承租方（乙方）",
            r.lessee.name,
            r.lessee.id_number,
            "⟦⟧" if hard else f"1{rng.randint(3000000000, 9999999999)}",
        ),
    ]
    blocks.append(Table(tuple(rows), (0.2, 0.17, 0.37, 0.26)))
    blocks.append(
        Table(
            (
                ("房屋地址", r.address),
                ("租金标准", f"每月{print_money(r.monthly_rent, rng)}元（大写：{rmb_words(r.monthly_rent)}）"),
                ("租赁期限", f"{r.lease_start:%Y年%m月%d日}至{r.lease_end:%Y年%m月%d日}（{r.lease_months}个月）"),
            ),
            (0.2, 0.8),
        )
    )
    blocks.extend(_clauses(RENTAL_CLAUSES, rng, rng.randint(5, 60)))
    blocks.append(Gap(16))
    blocks.append(Para("甲方（签字）：　　　　　　　　　　　　　乙方（签字）："))
    blocks.append(Para(_signing("签约日期", print_date(r.signing_date, rng), rng, hard, r.signing_date)))
    return blocks


def rental_freeform(r: RentalFacts, rng: random.Random, hard: bool) -> list[Block]:
    """A home-made agreement: parties and terms in running prose."""
    blocks: list[Block] = [Title("租房协议", 20), Gap(6)]
    blocks.append(Para(f"甲方（出租方）：⟦{r.lessor.name}⟧，身份证号：⟦{r.lessor.id_number}⟧"))
    blocks.append(Para(f"乙方（承租方）：⟦{r.lessee.name}⟧，身份证号：⟦{r.lessee.id_number}⟧"))
    rent_label = rng.choice(("月租金", "租金标准", "每月租金"))
    blocks.append(
        Para(
            f"经甲乙双方协商一致，甲方将位于⟦{r.address}⟧的房屋出租给乙方居住使用。"
            f"租期自{r.lease_start.year}年{r.lease_start.month}月{r.lease_start.day}日起至"
            f"{r.lease_end.year}年{r.lease_end.month}月{r.lease_end.day}日止。"
            f"{rent_label}：人民币⟦{print_money(r.monthly_rent, rng)}⟧元整（大写：⟦{rmb_words(r.monthly_rent)}⟧），"
            "押一付三。",
            indent=True,
        )
    )
    blocks.extend(_clauses(RENTAL_CLAUSES, rng, rng.randint(6, 60)))
    blocks.append(Gap(16))
    blocks.append(Para("甲方签字：　　　　　　　　　　　　　　　乙方签字："))
    blocks.append(Para(_signing("日期", print_date(r.signing_date, rng), rng, hard, r.signing_date)))
    return blocks


PURCHASE_TEMPLATES = {
    "gf2014": purchase_gf2014,
    "resale_prose": purchase_resale_prose,
    "party_table": purchase_party_table,
}
RENTAL_TEMPLATES = {
    "city_template": rental_city_template,
    "party_table": rental_party_table,
    "freeform": rental_freeform,
}
