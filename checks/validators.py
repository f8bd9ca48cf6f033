"""Pure validators the rules are built on: GB 11643 ID numbers, 大写 amounts, dates, money, addresses, names.

No I/O and no knowledge of documents or rules, so each can be property-tested on its own.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

# --- ID numbers (GB 11643-1999) ------------------------------------------------------------------------

_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


@dataclass(frozen=True)
class IdNumberFacts:
    """What an 18-character ID number says about its holder, and what is wrong with it.

    ``problems`` holds codes: ``format`` (not 17 digits + digit/X), ``check_digit``, ``birth_date`` (the
    embedded date does not exist), ``region`` (unknown county code, or not in use in the birth year).
    """

    number: str
    problems: tuple[str, ...]
    expected_check_digit: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None  # 男 / 女 from the parity of the 17th digit

    @property
    def ok(self) -> bool:
        return not self.problems


def normalise_id_number(value: str) -> str:
    """Upper-case, without blanks; full-width digits and letters folded to ASCII."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character over the first 17 digits (stdnum takes a placeholder 18th)."""
    return ric.calc_check_digit(first17 + "0")


def inspect_id_number(value: str) -> IdNumberFacts:
    number = normalise_id_number(value)
    if not _ID_SHAPE.match(number):
        return IdNumberFacts(number, ("format",))
    problems: list[str] = []
    expected = id_check_digit(number[:17])
    if number[17] != expected:
        problems.append("check_digit")
    birth: dt.date | None = None
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:
        problems.append("birth_date")
    if birth is not None:
        try:
            ric.get_birth_place(number)
        except (ValidationError, KeyError):  # stdnum 2.2 raises KeyError for a code naming a city, not a county
            problems.append("region")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdNumberFacts(number, tuple(problems), expected, birth, sex)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def expected_validity_years(age_at_issue: int) -> int | None:
    """Resident ID Card Law art. 5: under 16 → 5 years, 16–25 → 10, 26–45 → 20, 46 and over → 长期 (None)."""
    if age_at_issue < 16:
        return 5
    if age_at_issue <= 25:
        return 10
    if age_at_issue <= 45:
        return 20
    return None


def whole_years_between(start: dt.date, end: dt.date) -> int | None:
    """``end - start`` in whole years when both fall on the same day of the year (29 Feb may land on 28 Feb or
    1 Mar), else None."""
    years = end.year - start.year
    same_day = (start.month, start.day) == (end.month, end.day)
    leap_shift = (start.month, start.day) == (2, 29) and (end.month, end.day) in ((2, 28), (3, 1))
    return years if years > 0 and (same_day or leap_shift) else None


# --- amounts in Chinese capitals (大写) ---------------------------------------------------------------

_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
# Variants seen on real forms and in OCR output, folded before parsing.
_CAPITAL_FOLD = str.maketrans(
    {"圆": "元", "正": "整", "两": "贰", "〇": "零", "O": "零", "o": "零", "萬": "万", "億": "亿"}
)
_CAPITAL_NOISE = re.compile(r"[\s:：()（）\[\]【】¥￥,，。.、]|人民币|大写|小写|金额|合计|计")
_FRACTION = re.compile(rf"^(?:零)?(?:([{_CAPITAL_DIGITS}])角)?(?:零)?(?:([{_CAPITAL_DIGITS}])分)?$")


class CapitalAmountError(ValueError):
    """The text is not an amount in 大写."""


def parse_capital_amount(text: str) -> Decimal:
    """``人民币壹拾万零伍佰元整`` → ``Decimal("100500.00")``; ``壹佰元零伍分`` → ``Decimal("100.05")``.

    The integer part is parsed by cn2an in strict mode (大写 numerals only); 角 and 分 by hand because cn2an
    rejects forms such as ``元零伍分``. Raises ``CapitalAmountError`` when the text is not a well-formed amount.
    """
    s = _CAPITAL_NOISE.sub("", unicodedata.normalize("NFKC", text or "")).translate(_CAPITAL_FOLD)
    s = s.removesuffix("整")
    if not s:
        raise CapitalAmountError("empty")
    if "元" in s:
        integer_text, _, fraction_text = s.partition("元")
    elif s[-1] in "角分":
        integer_text, fraction_text = "", s
    else:
        integer_text, fraction_text = s, ""
    integer = 0
    if integer_text:
        if any(ch in "0123456789一二三四五六七八九十百千" for ch in integer_text):
            raise CapitalAmountError(f"not 大写 numerals: {integer_text}")
        try:
            integer = int(cn2an.cn2an(integer_text, "strict"))
        except (ValueError, KeyError) as exc:
            raise CapitalAmountError(str(exc)) from None
    m = _FRACTION.match(fraction_text)
    if m is None:
        raise CapitalAmountError(f"bad fraction: {fraction_text}")
    jiao = _CAPITAL_DIGITS.index(m.group(1)) if m.group(1) else 0
    fen = _CAPITAL_DIGITS.index(m.group(2)) if m.group(2) else 0
    if not integer_text and not fraction_text:
        raise CapitalAmountError("no amount")
    return Decimal(integer) + Decimal(jiao) / 10 + Decimal(fen) / 100


def capital_amount(value: Decimal) -> str:
    """``Decimal("100500")`` → ``壹拾万零伍佰元整`` (cn2an's rmb mode), for messages and tests."""
    return cn2an.an2cn(f"{value:.2f}", "rmb")


# --- plain values as the extractors write them ------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})[./年](\d{1,2})[./月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: object) -> dt.date | None:
    """ISO ``YYYY-MM-DD`` (what extractors emit), or the printed forms ``2020.01.02``/``2020年1月2日``."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def parse_decimal(value: object) -> Decimal | None:
    """``"1,234,567.00"``, ``"¥1234567元"`` → ``Decimal``; None when there is no number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    s = re.sub(r"[\s,，¥￥元]|平方米|㎡|m²|m2", "", unicodedata.normalize("NFKC", value))
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months a lease covers: 2024-03-01 → 2025-02-28 is 12 (the end day is inclusive)."""
    nxt = end + dt.timedelta(days=1)
    months = (nxt.year - start.year) * 12 + (nxt.month - start.month)
    return months - (1 if nxt.day < start.day else 0)


# --- addresses ---------------------------------------------------------------------------------------

_CN_NUMERALS = str.maketrans("零〇一二三四五六七八九", "00123456789")
_ADDRESS_NOISE = re.compile(r"[\s,，.。、:：;；()（）\"'“”‘’]")
_ADDRESS_UNITS = (
    (re.compile(r"(\d+)(?:号楼|幢|座|栋)"), r"\1栋"),
    (re.compile(r"(\d+)[-－—](\d+)[-－—](\d+)(?:室|房|号)?$"), r"\1栋\2单元\3室"),
    (re.compile(r"(\d+)(?:房|号房)$"), r"\1室"),
    (re.compile(r"(单元\d+)$"), r"\1室"),
    (re.compile(r"號"), "号"),
)
# Province, city, district at the very start; digits and street words stop it eating into the street part.
_ADMIN_PREFIX = re.compile(
    r"^(?:[^省市区县\d]{2,8}?(?:省|自治区))?(?:[^省市区县\d]{2,8}?市)?(?:[^省市区县\d号路街道巷]{1,7}?(?:区|县))?"
)


def normalise_address(value: str) -> str:
    """A comparison key for an address: width-folded, no blanks or punctuation, small Chinese numerals as digits
    (``十`` forms are left alone: they are rare in house numbers), ``3-2-1502`` ≡ ``3栋2单元1502室``."""
    s = _ADDRESS_NOISE.sub("", unicodedata.normalize("NFKC", value or ""))
    s = re.sub(r"([一二三四五六七八九零〇]+)(?=[栋幢座单元号楼层室])", lambda m: m.group(1).translate(_CN_NUMERALS), s)
    for pattern, repl in _ADDRESS_UNITS:
        s = pattern.sub(repl, s)
    return s


def strip_admin_prefix(key: str) -> str:
    """The part after province/city/district, so ``湖北省武汉市武昌区X路1号`` ≡ ``武昌区X路1号`` ≡ ``X路1号``."""
    return _ADMIN_PREFIX.sub("", key, count=1)


def addresses_agree(a: str, b: str) -> bool:
    ka, kb = normalise_address(a), normalise_address(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    # One side may leave out the province/city/district the other spells out.
    ta, tb = strip_admin_prefix(ka), strip_admin_prefix(kb)
    if not ta or not tb:
        return False
    return ta == tb or (ka.endswith(tb) and len(tb) >= 6) or (kb.endswith(ta) and len(ta) >= 6)


def similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio()


# --- names -------------------------------------------------------------------------------------------

# Characters OCR engines confuse on printed documents; a name differing only by these may be the same name.
_CONFUSABLE_GROUPS = (
    "己已巳",
    "未末",
    "土士",
    "戊戌戍",
    "日曰",
    "人入八",
    "大太犬",
    "天夭",
    "千干于",
    "王玉壬",
    "木本术",
    "白自",
    "刀力",
    "贝见",
    "今令",
    "侯候",
    "杨扬",
    "晴睛",
    "微徽",
    "辨辩辫",
    "崇祟",
    "拔拨",
    "折拆析",
    "免兔",
    "鸟乌",
    "母毋",
    "间问",
    "茶荼",
    "汩汨",
    "祥样",
    "埸场",
    "苟荀",
    "冶治",
)
_CONFUSABLE: dict[str, int] = {ch: i for i, group in enumerate(_CONFUSABLE_GROUPS) for ch in group}
_NAME_DOTS = re.compile(r"[·•・.．‧∙]")


def normalise_name(value: str) -> str:
    """Width-folded, without blanks; the middle dots of transliterated names (阿卜杜·热合曼) made one kind."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))
    return _NAME_DOTS.sub("·", s)


def names_equal(a: str, b: str) -> bool:
    return bool(a) and normalise_name(a) == normalise_name(b)


def names_ocr_equivalent(a: str, b: str) -> bool:
    """Same length and every differing character pair is a known OCR confusion. Equal names are equivalent."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or len(na) != len(nb):
        return False
    return all(
        x == y or (x in _CONFUSABLE and _CONFUSABLE.get(y) == _CONFUSABLE[x]) for x, y in zip(na, nb, strict=True)
    )
