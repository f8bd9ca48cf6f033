"""Parsers for the values contracts hold: each reads one value at the start of a candidate text and returns
(normalised value, start, end) in that text, or None. Text is already NFKC-normalised (half-width digits and
punctuation, no spaces)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from domain.models import Candidates
from extractors.id_number import IdNumberReading, repair_id_number

_CJK = r"\u4e00-\u9fff"
_NAME = re.compile(rf"[{_CJK}]{{1,4}}(?:·[{_CJK}]{{1,8}})?")
_COMPANY = re.compile(rf"[{_CJK}()A-Za-z0-9]{{4,40}}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|中心|合作社)")
_LEAD = re.compile(r"^[\s:_]*")
_ID = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9Oo]{16}[0-9Xx×])(?![0-9])")
# 年 and 月 may come with a stray separator that blur or a filled blank left beside them (2019年-07月01日).
_DATE = re.compile(
    r"((?:19|20)\d{2})\s*(?:年\s*[\-/.]?|[\-/.])\s*(\d{1,2})\s*(?:月\s*[\-/.]?|[\-/.])\s*(\d{1,2})\s*日?"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "o": 0}
_CN_DATE = re.compile(
    r"([〇零一二三四五六七八九Oo]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_AREA = re.compile(r"(\d{1,5}(?:\.\d{1,4})?)\s*(?:平\s*方\s*米|平\s*米|㎡|m2|m²|M2)")
_CONTRACT_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]{4,30}")
# An address ends at punctuation, at 的房屋 (…室的房屋出租给乙方), or at any 的 right after its unit: on camera pages
# the noun after it is often misread or cut (…902室的胸屋, …1603室的房出租), and no address goes on after 室的.
_ADDRESS_END = re.compile(
    r"[。;, ]|的(?:房屋|住房|房产|商品房|住宅)|(?<=[室号户栋幢座层])的|\(|(?:房屋|该房屋)?用途|出租给|出售给|$"
)
_ADDRESS_HINT = re.compile(r"[省市区县镇乡村路街道巷号楼栋幢室弄里]")


# Common Chinese surnames, most frequent first: the first hundred in the order of the Ministry of Public
# Security's 2020 ranking (傅 and 阎 beside their common forms 付 and 闫), then others of 百家姓 roughly by
# frequency. A short word found in a weak position (under a blank label) is taken for a name only when it
# starts with one; extractors.names uses the order as a frequency prior.
SURNAMES_BY_FREQUENCY = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖"
    "漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹"
    "诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
SURNAMES = frozenset(SURNAMES_BY_FREQUENCY)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
)


def plausible_name(name: str) -> bool:
    return name[:1] in SURNAMES or name[:2] in COMPOUND_SURNAMES or "·" in name


def _skip(text: str) -> int:
    return _LEAD.match(text).end()


def parse_person_name(text: str, *, whole: bool = False) -> tuple[str, int, int] | None:
    s = _skip(text)
    m = _NAME.match(text, s)
    if m is None or len(m.group(0)) < 2:
        return None
    end = m.end()
    if end < len(text) and re.match(rf"[{_CJK}]", text[end]):
        return None  # a longer run of characters is a phrase, not a name
    if whole and text[end:].strip(" \n。,.;:") != "":
        return None
    return m.group(0), m.start(), end


def parse_party_name(text: str, *, whole: bool = False) -> tuple[str, int, int] | None:
    """A company (…有限公司) or a person."""
    s = _skip(text)
    m = _COMPANY.match(text.replace("\n", " "), s)
    if m is not None and "\n" not in text[s : m.end()]:
        return m.group(0), m.start(), m.end()
    return parse_person_name(text, whole=whole)


def parse_id_number(
    text: str, *, max_skip: int = 40, candidates: Sequence[Candidates | None] = ()
) -> tuple[IdNumberReading, int, int] | None:
    """The ID number, checked (GB 11643) and repaired as on the ID card: a contract's number is typed or
    hand-filled in the same digits, and a wrong one must not pass with the line's confidence. ``candidates``,
    per character of ``text`` when known, let a digit the recogniser nearly read otherwise be put right."""
    m = _ID.search(text)
    if m is None or m.start() > max_skip:
        return None
    alternatives = candidates[m.start(1) : m.end(1)] if len(candidates) == len(text) else None
    return repair_id_number(m.group(1), candidates=alternatives), m.start(1), m.end(1)


def _date(y: int, mo: int, d: int) -> str | None:
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def _cn_number(s: str) -> int:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(s, 0)


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """All dates in ``text`` as (ISO date, start, end), in order of appearance."""
    found = []
    for m in _DATE.finditer(text):
        iso = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            found.append((iso, m.start(), m.end()))
    for m in _CN_DATE.finditer(text):
        year = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
        iso = _date(year, _cn_number(m.group(2)), _cn_number(m.group(3)))
        if iso:
            found.append((iso, m.start(), m.end()))
    return sorted(found, key=lambda t: t[1])


def parse_date(text: str, *, max_skip: int = 6) -> tuple[str, int, int] | None:
    dates = find_dates(text)
    if not dates or dates[0][1] > max_skip + _skip(text):
        return None
    return dates[0]


# The verb that makes a date after 本合同于 the signing date (…于2023年5月8日在售楼处签订), not the start of a term
# or a delivery date (…于2024年6月30日前交付).
_SIGNING_VERB = re.compile(r"^[^。;；\n]{0,16}?(?:签订|签署|签约|订立|签字)")


def parse_signed_date(text: str) -> tuple[str, int, int] | None:
    """A date right at the start of ``text`` that the verb of signing follows."""
    found = parse_date(text, max_skip=2)
    if found is None or not _SIGNING_VERB.match(text[found[2] :]):
        return None
    return found


def parse_area(text: str, *, max_skip: int = 12) -> tuple[str, int, int] | None:
    m = _AREA.search(text)
    if m is None or m.start() > max_skip:
        return None
    return f"{float(m.group(1)):.2f}", m.start(1), m.end()


def parse_contract_number(text: str) -> tuple[str, int, int] | None:
    s = _skip(text)
    m = _CONTRACT_NO.match(text, s)
    if m is None or not re.search(r"\d{3}", m.group(0)):
        return None
    return m.group(0).upper().strip("-"), m.start(), m.end()


def parse_address(text: str) -> tuple[str, int, int] | None:
    s = _skip(text)
    # Where the address ends may straddle a line wrap: look for it in the text without line breaks. A space
    # is a gap between two boxes on one row (the next cell or column), never part of an address.
    kept = [i for i in range(s, len(text)) if text[i] != "\n"]
    flat = "".join(text[i] for i in kept)
    end = _ADDRESS_END.search(flat)
    stop = kept[end.start()] if end and end.start() < len(kept) else len(text)
    raw = text[s:stop]
    value = raw.replace("\n", "").strip(" ,，。")
    if len(value) < 6 or not _ADDRESS_HINT.search(value):
        return None
    return value, s, s + len(raw.rstrip(" \n"))


def parse_months(text: str) -> tuple[str, int, int] | None:
    m = re.search(r"(\d{1,3})\s*个月", text)
    return (str(int(m.group(1))), m.start(1), m.end()) if m else None
