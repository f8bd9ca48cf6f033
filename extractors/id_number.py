"""Reading GB 11643 resident ID numbers from OCR text, with repair of typical misreadings.

python-stdnum (``stdnum.cn.ric``) knows the check digit, valid birth dates and which county codes existed in
which year. A misread number almost never passes all three, so a single look-alike digit, one dropped or
doubled digit, or a birth-date section that disagrees with the printed birth date can be put right — but only
when exactly one repair yields a valid number consistent with what else the document says. Where the
recogniser's own alternatives for each digit are known, they are tried before the blind look-alike swaps: the
digits it nearly read otherwise are where a misreading most likely is, so up to two of them may be changed, when
one valid number is clearly likelier than any other. Every repair is reported, never silent. Shared by the
ID-card and contract extractors.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from stdnum.cn import ric

from domain.models import Candidates
from extractors.normalize import DIGIT_LOOKALIKES, X_LOOKALIKES, clean_text

# Printed digits that OCR mistakes for one another (symmetric); a repair only swaps within these pairs.
_CONFUSABLE_PAIRS = ("08", "06", "09", "17", "14", "27", "38", "35", "56", "68", "89", "49", "13")
CONFUSABLE: dict[str, str] = {d: "" for d in "0123456789X"}
for _a, _b in _CONFUSABLE_PAIRS:
    CONFUSABLE[_a] += _b
    CONFUSABLE[_b] += _a
CONFUSABLE["X"] = "148"
for _d in "148":
    CONFUSABLE[_d] += "X"

_DIGITS = "0123456789"
_IDISH = set(_DIGITS) | set(DIGIT_LOOKALIKES) | X_LOOKALIKES
_RUN_MIN, _RUN_MAX = 15, 21

# Repairs from the recogniser's alternatives: at most this many digits changed, chosen among this many of the
# likeliest alternatives in the whole number; the best fitting number must be this many times likelier than
# the next, or two numbers fit about as well and neither is chosen.
_ALTERNATIVE_SWAPS = 2
_ALTERNATIVES_TRIED = 8
_ALTERNATIVE_MARGIN = math.log(10)


@dataclass(frozen=True)
class IdNumberReading:
    value: str  # 18 characters with an uppercase X when it could be made so; else the best reading
    raw: str  # the characters as OCR printed them
    valid: bool  # passes stdnum.cn.ric: length, check digit, birth date, region code at that date
    lookalikes: tuple[str, ...] = ()  # letters read as the digits they resemble ('O'→'0')
    repairs: tuple[str, ...] = ()  # digits changed, dropped or inserted to make the number valid
    ambiguous: bool = False  # more than one valid repair was possible, so none was made

    @property
    def corrections(self) -> tuple[str, ...]:
        return self.lookalikes + self.repairs

    @property
    def birth_date(self) -> dt.date | None:
        return birth_date_of(self.value) if self.valid else None

    @property
    def sex(self) -> str | None:
        return sex_of(self.value) if self.valid else None


# A field's confidence is scaled by these when its number was corrected or could not be made valid, so a
# reviewer sorting by confidence sees it first.
REPAIRED = 0.7
LOOKALIKE = 0.95
INVALID = 0.3


def review(reading: IdNumberReading, field: str) -> tuple[float, list[str]]:
    """How far to trust ``reading`` as a factor on its OCR confidence, and the warnings to show for ``field``."""
    warnings = []
    factor = 1.0
    if reading.corrections:
        factor = REPAIRED if reading.repairs else LOOKALIKE
        warnings.append(
            f"{field}: OCR misreading repaired (" + "; ".join(reading.corrections) + "); no other repair passes "
            "the GB 11643 check digit, birth date and region code as well / 公民身份号码已按校验规则纠正，请核对"
        )
    if not reading.valid:
        factor = INVALID
        why = "several repairs would fit" if reading.ambiguous else "no single repair fits"
        warnings.append(f"{field}: fails the GB 11643 check ({why}); left as read / 公民身份号码校验未通过，请人工核对")
    return factor, warnings


def is_valid(number: str) -> bool:
    if len(number) != 18:
        return False
    try:
        return ric.is_valid(number)
    except (KeyError, ValueError):  # stdnum 2.2 raises KeyError for a region code that names no county
        return False


def birth_date_of(number: str) -> dt.date | None:
    try:
        return ric.get_birth_date(number)
    except Exception:  # stdnum raises its own ValidationError subclasses and ValueError on bad digits
        return None


def sex_of(number: str) -> str:
    """The 17th digit: odd for men, even for women."""
    return "男" if int(number[16]) % 2 else "女"


def id_runs(text: str) -> list[str]:
    """Runs of digit-like characters long enough to be an ID number, as OCR printed them (spaces removed)."""
    t = clean_text(text)
    runs, current = [], []
    for ch in t:
        if ch in _IDISH:
            current.append(ch)
            continue
        if len(current) >= _RUN_MIN:
            runs.append("".join(current))
        current = []
    if len(current) >= _RUN_MIN:
        runs.append("".join(current))
    return [r for r in runs if len(r) <= _RUN_MAX and sum(c.isdigit() for c in r) >= _RUN_MIN - 2]


def _map_lookalikes(raw: str) -> tuple[str, list[str]]:
    out, notes = [], []
    for i, ch in enumerate(raw):
        last = i == len(raw) - 1
        if ch.isdigit() and ch.isascii():
            out.append(ch)
        elif last and ch in X_LOOKALIKES:
            out.append("X")
            if ch != "X":
                notes.append(f"'{ch}'→'X' at position {i + 1}")
        elif ch in DIGIT_LOOKALIKES:
            out.append(DIGIT_LOOKALIKES[ch])
            notes.append(f"'{ch}'→'{DIGIT_LOOKALIKES[ch]}' at position {i + 1}")
        else:  # an X inside the number: nothing it could stand for is certain
            out.append("?")
    return "".join(out), notes


def _fits(number: str, birth_date: dt.date | None, sex: str | None) -> bool:
    if not is_valid(number):
        return False
    if birth_date is not None and birth_date_of(number) != birth_date:
        return False
    return not (sex is not None and sex_of(number) != sex)


def _repairs(s: str) -> dict[str, str]:
    """Candidate numbers one edit away from ``s`` (look-alike swap, dropped or doubled digit) → the edit."""
    out: dict[str, str] = {}
    if len(s) == 18:
        for i, ch in enumerate(s):
            options = (_DIGITS + "X") if ch == "?" else CONFUSABLE.get(ch, "")
            for alt in options:
                if alt == "X" and i != 17:
                    continue
                out.setdefault(s[:i] + alt + s[i + 1 :], f"'{ch}'→'{alt}' at position {i + 1}")
    elif len(s) == 19:
        for i in range(19):
            out.setdefault(s[:i] + s[i + 1 :], f"dropped a doubled '{s[i]}' at position {i + 1}")
    elif len(s) == 17:
        for i in range(18):
            for alt in _DIGITS + ("X" if i == 17 else ""):
                out.setdefault(s[:i] + alt + s[i:], f"inserted a missing '{alt}' at position {i + 1}")
    return out


def read_id_number(text: str, *, birth_date: dt.date | None = None, sex: str | None = None) -> IdNumberReading | None:
    """The ID number in ``text`` (the longest plausible run), repaired when exactly one valid repair agrees with the
    printed ``birth_date`` and ``sex`` (either may be None when it could not be read). None when no run is there."""
    runs = id_runs(text)
    if not runs:
        return None
    raw = min(runs, key=lambda r: (abs(len(r) - 18), -len(r)))
    return repair_id_number(raw, birth_date=birth_date, sex=sex)


def _from_alternatives(
    mapped: str, candidates: Sequence[Candidates | None], birth_date: dt.date | None, sex: str | None
) -> tuple[str, str] | None:
    """The valid number made by putting the recogniser's alternatives in at most two places, with what was
    changed, when it is clearly likelier than any other such number; None when none fits or two fit alike."""
    swaps = []  # (log of how much less likely than what was read, position, digit)
    for i, cands in enumerate(candidates):
        if not cands:
            continue
        read = cands[0][1]
        for alt, p in cands[1:]:
            alt = alt.upper()
            if p > 0 and alt != mapped[i] and (alt in _DIGITS or (alt == "X" and i == 17)):
                swaps.append((math.log(p / read) if read > 0 else 0.0, i, alt))
    swaps = sorted(swaps, reverse=True)[:_ALTERNATIVES_TRIED]
    fits: list[tuple[float, str, str]] = []
    for k in range(1, _ALTERNATIVE_SWAPS + 1):
        for combo in itertools.combinations(swaps, k):
            if len({i for _, i, _ in combo}) < k:
                continue
            digits = list(mapped)
            for _, i, alt in combo:
                digits[i] = alt
            number = "".join(digits)
            if _fits(number, birth_date, sex):
                how = "; ".join(
                    f"'{mapped[i]}'→'{alt}' at position {i + 1}, the recogniser's alternative there"
                    for _, i, alt in sorted(combo, key=lambda c: c[1])
                )
                fits.append((sum(score for score, _, _ in combo), number, how))
    fits.sort(reverse=True)
    if not fits or (len(fits) > 1 and fits[0][0] - fits[1][0] < _ALTERNATIVE_MARGIN):
        return None
    return fits[0][1], fits[0][2]


def repair_id_number(
    raw: str,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    candidates: Sequence[Candidates | None] | None = None,
) -> IdNumberReading:
    """``raw`` as a valid number where one repair makes it so (see the module's docstring). ``candidates``: per
    character of ``raw``, what the recogniser also considered there, best first (None where it gave none)."""
    mapped, notes = _map_lookalikes(raw)
    if len(mapped) == 18 and is_valid(mapped):
        return IdNumberReading(mapped, raw, True, tuple(notes))
    # The printed birth date is independent evidence for digits 7–14: try it before anything blind.
    if birth_date is not None and len(mapped) == 18:
        with_date = mapped[:6] + f"{birth_date:%Y%m%d}" + mapped[14:]
        changed = sum(a != b for a, b in zip(with_date, mapped, strict=True))
        if 0 < changed <= 2 and _fits(with_date, birth_date, sex):
            note = f"birth-date digits {mapped[6:14]}→{birth_date:%Y%m%d} from the printed birth date"
            return IdNumberReading(with_date, raw, True, tuple(notes), (note,))
    if candidates is not None and len(candidates) == len(mapped) == 18:
        found = _from_alternatives(mapped, candidates, birth_date, sex)
        if found is not None:
            return IdNumberReading(found[0], raw, True, tuple(notes), (found[1],))
    matches = {c: how for c, how in _repairs(mapped).items() if _fits(c, birth_date, sex)}
    if len(matches) == 1:
        ((number, how),) = matches.items()
        return IdNumberReading(number, raw, True, tuple(notes), (how,))
    best = mapped.replace("?", "X") if len(mapped) == 18 else mapped
    return IdNumberReading(best, raw, False, tuple(notes), ambiguous=len(matches) > 1)


_ID_LIKE_RE = re.compile(r"[0-9]{17}[0-9X]")


def looks_like_id_number(text: str) -> bool:
    """Cheap test for the classifier: an 18-character run after look-alike mapping."""
    return any(_ID_LIKE_RE.fullmatch(_map_lookalikes(r)[0]) for r in id_runs(text) if len(r) == 18)
