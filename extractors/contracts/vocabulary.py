"""How contracts name their fields: one table per field, as head nouns and the modifiers that may stand before them.

A city's form, a developer's edition and a stationer's lease name the same field many ways (房屋坐落, 坐落, 房屋地址,
详细地址, 房屋所在地址; 总价款, 总价, 总金额, 成交价, 合同总价, 房款总额; 签订日期, 签约时间, 签署日期 …). Listing each
spelling misses the next city's. These tables describe a label by its structure instead — a head noun (…地址,
…坐落; …价款/…金额 with 总/成交/合计; 签订/签署/签约 + 日期/时间) with any of a few modifiers before it — so a
label no rule lists by its exact string is still found. A modifier outside the table makes another field's label
(通讯地址 is a party's address, 首付金额 a part payment, 单价 a price per m²): the label must begin after a
non-CJK character (extractors.anchors.label_pattern), so 首付总额 never matches as 总额. The tables are written
from the national model texts GF-2014-0171/0172 and common city forms (docs/contracts.md), not from our generator's
families.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Where a structured label may begin: after a non-CJK character (so 首付总额 never matches as 总额), or right after an
# article or chapter number that the text layer or OCR ran into it (第二条详细地址：).
LABEL_START = r"(?:(?<![\u4e00-\u9fff])|(?<=[条章]))"
# A note in brackets between a label and its colon: 房屋坐落（详细地址）：, 成交价（元）：.
LABEL_NOTE = r"(?:[(【][^)】:]{1,8}[)】])?"


def _alt(words: Sequence[str]) -> str:
    """An alternation, longest first so a regex takes 商品房 before 商."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def structured(modifiers: Sequence[str], heads: Sequence[str], *, bare: Sequence[str] = (), most: int = 3) -> str:
    """A regex for one field's labels: up to ``most`` modifiers then a head noun, or one of ``bare`` (the heads
    that are a label by themselves)."""
    out = f"(?:{_alt(modifiers)}){{1,{most}}}(?:{_alt(heads)})"
    return f"{out}|(?:{_alt(bare)})" if bare else out


# --- property address ---------------------------------------------------------------------------------------
# The house's location: 坐落 (座落 in older texts) alone is its label in the model text; 地址 and 位置 need a word
# saying whose (a bare 地址 under a party is the party's). 通讯/联系/户籍/注册/送达/住所 are not modifiers.
ADDRESS_HEADS = ("坐落", "座落", "地址", "位置", "坐落地点", "坐落地址", "坐落位置", "座落地址", "所在地")
ADDRESS_MODIFIERS = (
    "房屋", "房产", "房地产", "不动产", "商品房", "该商品房", "该房屋", "物业", "标的", "标的物", "住宅", "租赁",
    "出租", "承租", "详细", "具体", "门牌", "所在", "买卖",
)  # fmt: skip
ADDRESS_BARE = ("坐落", "座落", "坐落地点", "坐落地址", "坐落位置", "座落地址")
ADDRESS_LABEL = structured(ADDRESS_MODIFIERS, ADDRESS_HEADS, bare=ADDRESS_BARE)
# The modifier says whose, so an address label may follow other words (所购房屋地址：, 本合同项下房屋坐落：); what
# stands right before it must not make it a party's (choose.is_dwelling reads ADDRESS_NOT_OURS on the left).
ADDRESS_START = ""
ADDRESS_NOT_OURS = ("通讯", "联系", "户籍", "注册", "送达", "住所", "居住", "家庭", "办公", "经营", "公司", "单位")
# In prose: 坐落于/坐落在, 位于, or a label of the table followed by 为/是 (该商品房详细地址为…).
# 于 is misread as 手 or 干 on camera pages (位手, seen on generated frames); neither makes a word after 位.
ADDRESS_PROSE = rf"[坐座].?[于在]|位[于手干]|(?:{ADDRESS_LABEL})(?:为|是)"

# --- total price --------------------------------------------------------------------------------------------
# The whole price: a money noun (价款, 价格, 价, 金额, 房款) marked as the whole by 总, 成交 or 合计 (总价款, 总金额,
# 成交价, 合同总价, 购房总价款), or followed by 总额/总计/合计 (房款总额, 价款合计); 转让价款 and 房屋价款 of resale texts
# are the whole price by themselves. 单价, 首期/首付, 定金, 余款, 贷款 are no modifiers: those amounts are parts.
TOTAL_HEADS = ("价款", "价格", "价", "金额", "房款", "房价款", "房价", "售价")
TOTAL_MARKS = ("总", "总计", "成交", "合计")
TOTAL_MODIFIERS = (
    "房屋",
    "房产",
    "商品房",
    "该商品房",
    "该房屋",
    "合同",
    "购房",
    "交易",
    "买卖",
    "转让",
    "本合同",
    "房地产",
)
TOTAL_AFTER = ("总额", "总计", "合计")
TOTAL_BARE = ("转让价款", "转让价格", "房屋价款", "房屋售价")
TOTAL_LABEL = (
    rf"(?:{_alt(TOTAL_MODIFIERS)}){{0,2}}(?:{_alt(TOTAL_MARKS)})(?:{_alt(TOTAL_MODIFIERS)})?(?:{_alt(TOTAL_HEADS)})"
    rf"|(?:{_alt(TOTAL_MODIFIERS)})?(?:{_alt(TOTAL_HEADS)})(?:{_alt(TOTAL_AFTER)})"
    rf"|(?:{_alt(TOTAL_BARE)})"
)

# --- signing date -------------------------------------------------------------------------------------------
# When the contract was signed: a verb of signing (签订, 签署, 签约, 订立, 签字, 签章) and 日期/时间/日, with 合同 or
# 本合同 before it at most. 补充协议's own 签署 date is not ours: 补充 is no modifier, and an isolated label cannot
# start inside 补充协议签署日期.
SIGNING_VERBS = ("签订", "签署", "签约", "订立", "签字", "签章")
SIGNING_HEADS = ("日期", "时间", "日")
SIGNING_MODIFIERS = ("合同", "本合同", "买卖合同")
SIGNING_LABEL = rf"(?:{_alt(SIGNING_MODIFIERS)})?(?:{_alt(SIGNING_VERBS)})(?:{_alt(SIGNING_HEADS)})"
# The date in prose: 本合同于 2023年5月8日（在…）签订. Only the contract itself (本合同, 本协议, 双方) is the subject:
# 本补充协议于…签署 does not begin with 本协议. The verb must follow the date (values.parse_signed_date).
SIGNED_IN_PROSE = r"(?:本合同|本协议|合同双方|甲乙双方|双方)(?:于|在)"

# --- floor area ---------------------------------------------------------------------------------------------
# The floor area is 建筑面积 (预测/实测/房屋 … before it) or, in city forms, 房屋面积, 产权面积, 登记面积. 套内, 分摊,
# 使用, 土地, 占地, 阳台 are no modifiers: those areas are parts of it or of the land.
AREA_HEADS = ("面积", "建筑面积")
AREA_MODIFIERS = ("房屋", "产权", "实测", "预测", "登记", "该商品房", "该房屋", "商品房", "房产", "不动产")
AREA_LABEL = structured(AREA_MODIFIERS, AREA_HEADS, bare=("建筑面积",), most=2)

# --- contract number ----------------------------------------------------------------------------------------
# 合同编号 and its kin: the online-signing system's or the filing's number (网签编号, 备案号, 合同备案号, 网上签约
# 编号). A bare 编号 or 证号 is a certificate's.
CONTRACT_NO_HEADS = ("编号", "号码", "序号", "号")
CONTRACT_NO_MODIFIERS = ("合同", "网签", "网上签约", "备案", "网签合同", "合同备案", "买卖合同", "登记", "合同登记")
CONTRACT_NO_LABEL = structured(CONTRACT_NO_MODIFIERS, CONTRACT_NO_HEADS, most=2)

# --- parties of a purchase ----------------------------------------------------------------------------------
# Who sells and who buys: the model text's 出卖人/买受人; city and agency texts 卖方/买方, 出售方/购买方 (or 人),
# 售房人/购房人, 转让方/受让方 (or 人) for a resale; 共有人 for a co-buyer. 甲方/乙方 are only believed when none of
# these gives a name (they are the parties of any contract).
SELLER_ROLES = ("出卖人", "出卖方", "卖方", "出售方", "出售人", "售房人", "售房方", "转让方", "转让人")
BUYER_ROLES = ("买受人", "买受方", "买方", "购买方", "购买人", "购房人", "购房方", "受让方", "受让人", "共有人")
