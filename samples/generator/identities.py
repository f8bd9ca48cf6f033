"""Fake identities: plausible names, addresses and GB 11643 ID numbers that belong to nobody.

Deterministic for a given ``random.Random``. Region codes are real county-level codes (so python-stdnum accepts
them) and the address text matches the region, but the people, streets and numbers are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from stdnum.cn import ric

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅鑫波斌宇浩凯健俊帆帅旭宁婷雪琳晨阳"
    "欣怡子涵梓轩思远嘉怡佳琪雨泽一诺浩然梦琪晓东建国志强海燕春梅文博俊杰子豪欣然雅静"
)
ETHNICITIES = ["汉"] * 14 + ["回", "满", "壮", "土家", "苗", "蒙古", "维吾尔", "朝鲜"]

# (region code, province+city+county text, authority that issues ID cards there)
REGIONS = [
    ("110105", "北京市朝阳区", "北京市公安局朝阳分局"),
    ("110108", "北京市海淀区", "北京市公安局海淀分局"),
    ("310104", "上海市徐汇区", "上海市公安局徐汇分局"),
    ("320102", "江苏省南京市玄武区", "南京市公安局玄武分局"),
    ("330106", "浙江省杭州市西湖区", "杭州市公安局西湖分局"),
    ("420106", "湖北省武汉市武昌区", "武汉市公安局武昌分局"),
    ("430104", "湖南省长沙市岳麓区", "长沙市公安局岳麓分局"),
    ("440106", "广东省广州市天河区", "广州市公安局天河分局"),
    ("440305", "广东省深圳市南山区", "深圳市公安局南山分局"),
    ("510107", "四川省成都市武侯区", "成都市公安局武侯区分局"),
    ("610113", "陕西省西安市雁塔区", "西安市公安局雁塔分局"),
    ("370202", "山东省青岛市市南区", "青岛市公安局市南分局"),
]
STREETS = [
    "建设路",
    "人民路",
    "解放大道",
    "中山路",
    "和平街",
    "长江路",
    "学府路",
    "光明巷",
    "新华街",
    "滨江大道",
    "文化路",
    "幸福里",
    "东风路",
    "友谊大街",
    "科技园路",
]
COMMUNITIES = ["阳光花园", "锦绣小区", "翠苑", "金色家园", "书香苑", "滨江明珠", "紫荆公寓", "和谐家园"]


@dataclass(frozen=True)
class Person:
    name: str
    sex: str  # 男/女
    ethnicity: str
    birth_date: dt.date
    address: str
    id_number: str
    issuing_authority: str
    valid_from: dt.date
    valid_until: dt.date | None  # None = 长期

    @property
    def valid_until_text(self) -> str:
        return "长期" if self.valid_until is None else self.valid_until.isoformat()


def make_id_number(region: str, birth: dt.date, sex: str, rng: random.Random) -> str:
    seq = rng.randrange(0, 100)
    sex_digit = rng.choice("13579" if sex == "男" else "02468")
    body = f"{region}{birth:%Y%m%d}{seq:02d}{sex_digit}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def validity_years(age_at_issue: int) -> int | None:
    """GB rules: under 16 → 5 years, 16–25 → 10, 26–45 → 20, 46 and over → 长期."""
    if age_at_issue < 16:
        return 5
    if age_at_issue <= 25:
        return 10
    if age_at_issue <= 45:
        return 20
    return None


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def make_address(rng: random.Random, region_text: str) -> str:
    street = rng.choice(STREETS)
    if rng.random() < 0.5:
        return f"{region_text}{street}{rng.randint(1, 999)}号{rng.choice(COMMUNITIES)}{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 33):d}{rng.randint(1, 4):02d}室"
    return f"{region_text}{street}{rng.randint(1, 999)}号"


def make_person(rng: random.Random, *, today: dt.date = dt.date(2026, 6, 1)) -> Person:
    sex = rng.choice("男女")
    while True:
        # stdnum knows when each county code came into use; a birth before that is not a valid number.
        region, region_text, authority = rng.choice(REGIONS)
        birth = dt.date(rng.randint(1960, 2002), rng.randint(1, 12), rng.randint(1, 28))
        id_number = make_id_number(region, birth, sex, rng)
        if ric.is_valid(id_number):
            break
    issue = dt.date(
        rng.randint(max(birth.year + 16, today.year - 19), today.year - 1), rng.randint(1, 12), rng.randint(1, 28)
    )
    age = issue.year - birth.year - ((issue.month, issue.day) < (birth.month, birth.day))
    years = validity_years(age)
    return Person(
        name=make_name(rng),
        sex=sex,
        ethnicity=rng.choice(ETHNICITIES),
        birth_date=birth,
        address=make_address(rng, region_text),
        id_number=id_number,
        issuing_authority=authority,
        valid_from=issue,
        valid_until=None if years is None else _add_years(issue, years),
    )
