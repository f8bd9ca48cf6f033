"""Value normalisation shared by all extractors: text clean-up, dates to ISO, OCR look-alike characters.

Nothing here knows a document type; ID cards and contracts both read dates, numbers and addresses with it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Characters OCR engines print for digits they saw, in places where only a digit can stand.
DIGIT_LOOKALIKES: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0", "U": "0",
    "I": "1", "l": "1", "|": "1", "i": "1", "!": "1", "L": "1", "J": "1", "丨": "1",
    "Z": "2", "z": "2",
    "B": "8", "&": "8",
    "S": "5", "s": "5",
    "G": "6", "b": "6",
    "T": "7",
    "g": "9", "q": "9",
}  # fmt: skip
# The check character X as OCR sees it.
X_LOOKALIKES = frozenset("Xx×χΧхХ乂义")

_SPACE_RE = re.compile(r"\s+")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[年./\-·,，。、]?\s*(?P<m>\d{1,2})\s*[月./\-·,，。、]?\s*(?P<d>\d{1,2})\s*日?"
)


def clean_text(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), no whitespace at all. CJK text has no word spaces,
    and OCR engines insert them where a card has letter-spacing."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


def squash_spaces(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def cjk_only(text: str, keep: str = "·") -> str:
    return "".join(ch for ch in text if is_cjk(ch) or ch in keep)


def digits_only(text: str, *, lookalikes: bool = True) -> str:
    """The digits of ``text``; with ``lookalikes`` letters OCR confuses with digits count as those digits."""
    out = []
    for ch in text:
        if ch.isdigit() and ch.isascii():
            out.append(ch)
        elif lookalikes and ch in DIGIT_LOOKALIKES:
            out.append(DIGIT_LOOKALIKES[ch])
    return "".join(out)


def make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The first calendar date in ``text``: ``1990年1月5日``, ``2015.03.12``, ``2015-3-12``, ``20150312``."""
    t = clean_text(text)
    m = _DATE_RE.search(t)
    if m:
        return make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    run = re.search(r"(?:19|20)\d{6}", t)
    if run:
        s = run.group(0)
        return make_date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    return None


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def add_years(d: dt.date, years: int) -> dt.date:
    """Same month and day ``years`` later (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def strip_punctuation(text: str) -> str:
    return text.strip(" .,;:·，。；：、-—_|")
