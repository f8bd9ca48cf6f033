"""Amounts as contracts print them: figures (1,234,567.00 / ¥1234567 / 123.5万元) and Chinese capitals
(大写 壹佰贰拾叁万肆仟伍佰陆拾柒元整). Both are kept, so checks can compare one with the other."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import cn2an

# Thousands groups are three digits after "," — or after "." where OCR took the comma for a point (money
# never has three decimals); decimals are one or two digits.
_FIGURE = re.compile(r"[¥￥Y]?\s*(\d{1,3}(?:[,.]\d{3})+(?!\d)|\d+)(?:[.,](\d{1,2})(?!\d))?\s*(万)?(?:元|圆)?")
CAPITALS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正"
_WORDS = re.compile(rf"[{CAPITALS}]{{2,}}")
_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
# One character for one: 参 and 叄 are accepted variants of 叁 in 大写, traditional forms appear in older
# templates, and under glare and blur OCR reads 柒 as 染, 整 as 垫, 仟 as 什 and 佰 as 伯 (seen on generated hard
# frames). None of these can stand in a 大写 amount, and only the text right after an amount in figures is
# read this way, so nothing else is changed.
_VARIANTS = str.maketrans("参叄貳陸萬億圓什伯染垫", "叁叁贰陆万亿元仟佰柒整")


# What a 大写 amount's span may hold: the capitals, their accepted variants, and what is printed around them.
WORDS_ALPHABET = CAPITALS + "参叄貳陸萬億" + "人民币大写:：()（） \n"
_SPAN_END = re.compile(r"[)）,，。;；]")


def constrained_span(text: str, *, max_skip: int = 16) -> tuple[int, int] | None:
    """Where the 大写 words after an amount in figures must be, if anywhere: from its 大写 marker (or the
    start) to the bracket or punctuation that closes it."""
    marker = text.find("大写", 0, max_skip + 2)
    start = marker + 2 if marker >= 0 else 0
    end = _SPAN_END.search(text, start)
    stop = end.start() if end is not None else len(text)
    return (start, stop) if stop > start else None


def two_places(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def parse_figure(text: str, *, max_skip: int = 12) -> tuple[str, int, int] | None:
    """The first amount in figures within ``max_skip`` characters of the start: (value, start, end)."""
    for m in _FIGURE.finditer(text):
        if m.start() > max_skip:
            return None
        if text[max(0, m.start() - 1) : m.start()].isdigit():
            continue
        try:
            value = Decimal(re.sub(r"[,.]", "", m.group(1)) + ("." + m.group(2) if m.group(2) else ""))
        except InvalidOperation:
            continue
        if m.group(3):
            value *= 10000
        return two_places(value), m.start(), m.end()
    return None


def normalise_words(text: str) -> str:
    """大写 as printed → one spelling: no 人民币 or spaces, 圆 → 元, 正 → 整, 整 after a bare 元."""
    t = re.sub(r"[\s:：()（）]|人民币|大写", "", text).replace("圆", "元").replace("正", "整")
    if t.endswith("元"):
        t += "整"
    return t


def words_to_decimal(text: str) -> Decimal | None:
    """壹佰零玖万肆仟捌佰壹拾玖元肆角 → Decimal('1094819.40'); None when it is not a well-formed amount."""
    t = normalise_words(text)
    if "元" not in t:
        return None
    integer, _, fraction = t.partition("元")
    try:
        value = Decimal(cn2an.cn2an(integer, "strict")) if integer else Decimal(0)
    except (ValueError, KeyError):
        return None
    fraction = fraction.rstrip("整").lstrip("零")
    for unit, scale in (("角", Decimal("0.1")), ("分", Decimal("0.01"))):
        if unit in fraction:
            digit, _, fraction = fraction.partition(unit)
            digit = digit.lstrip("零")
            if len(digit) != 1 or digit not in _DIGITS:
                return None
            value += _DIGITS[digit] * scale
    if fraction.strip("零"):
        return None
    return value.quantize(Decimal("0.01"))


def parse_words(text: str, *, max_skip: int = 16) -> tuple[str, int, int] | None:
    """The first 大写 amount near the start: (normalised words, start, end)."""
    text = text.translate(_VARIANTS)  # same length: offsets still index the caller's text
    m = _WORDS.search(text.replace("\n", ""))
    if m is None or m.start() > max_skip:
        return None
    # Offsets must index ``text``: redo the search allowing line breaks inside the run.
    m2 = re.search(rf"[{CAPITALS}][{CAPITALS}\n]*[{CAPITALS}]", text)
    if m2 is None:
        return None
    words = normalise_words(m2.group(0).replace("\n", ""))
    if words_to_decimal(words) is None:
        return None
    return words, m2.start(), m2.end()
