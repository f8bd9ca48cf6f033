"""Addresses read again with what an address must be: real divisions first, a unit after every house number.

Two repairs, each made only where the reading leaves one answer:

- **Divisions.** An address begins with its province, city and county as the national division table spells
  them (湖北省武汉市武昌区). Under glare OCR misreads one of those characters (玄式区 for 玄武区). A reading whose
  leading divisions are one character away from exactly one real spelling, and match none exactly, is
  repaired to it; where two spellings could fit, nothing is changed.
  The table is python-stdnum's ``stdnum/cn/loc.dat``, the one its ID-number check uses; divisions that have
  been abolished are left out.
- **Units.** A number in an address is followed by what it counts: 号, 栋, 单元, 室… A character after a digit
  that is none of these, where the recogniser's candidates for it hold one, takes the likeliest such
  candidate (1201宝 → 1201室: 室 at 0.30 under 宝 at 0.69; 4季元 → 4单元).

A repaired address is never silent: the caller lowers its confidence and says what changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from domain.models import Candidates

# What may follow a number inside an address (单 starts 单元); anything else right after a digit is a misreading
# when the recogniser offered one of these for it.
UNIT_CHARS = frozenset("号栋幢楼层单室座弄期区组排户门村巷街路里院栋甲乙丙丁之附-#")
MIN_CANDIDATE = 0.01
_SKIP_MIDDLE = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"}
_ENTRY = re.compile(r'^(\s*)(\d+) \w+="(.*)"$')
_PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


def _current_name(history: str) -> str | None:
    """The name a division has now, from loc.dat's ``[1983-1989]A,[1990-]B`` history; None when abolished."""
    last = history.split(",")[-1]
    m = _PERIOD.match(last)
    if m is None:
        return last or None
    return None if m.group(2) else (m.group(3) or None)


@lru_cache(maxsize=1)
def division_prefixes() -> frozenset[str]:
    """Every way an address may begin with its divisions: province + city + county, province + city, city +
    county (municipalities: province + district)."""
    text = (resources.files("stdnum.cn") / "loc.dat").read_text(encoding="utf-8")
    out: set[str] = set()
    province = city = ""
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if m is None:
            continue
        indent, code, history = m.groups()
        name = _current_name(history)
        if not indent:
            province, city = name or "", ""
            continue
        if name is None or code.endswith("0000") or name in _SKIP_MIDDLE:
            if code.endswith("00") and not code.endswith("0000"):
                city = ""
            continue
        if code.endswith("00"):
            city = name
            out.update({province + city})
            continue
        out.update({province + city + name, city + name} if city else {province + name})
    return frozenset(p for p in out if len(p) >= 4)


@lru_cache(maxsize=1)
def _index() -> dict[tuple[int, int, str], tuple[str, ...]]:
    """Prefixes by (length, position, character) for positions 0 and 1: a spelling one character away from
    what was read agrees with it on at least one of its first two characters."""
    groups: dict[tuple[int, int, str], list[str]] = {}
    for p in division_prefixes():
        for k in (0, 1):
            groups.setdefault((len(p), k, p[k]), []).append(p)
    return {key: tuple(sorted(ps)) for key, ps in groups.items()}


def _divisions(text: str) -> str | None:
    """The repaired start of ``text`` (same length), or None when it needs none or no single one fits."""
    index = _index()
    lengths = sorted({n for n, _, _ in index if n <= len(text)})
    exact = 0
    near: set[str] = set()
    for n in lengths:
        head = text[:n]
        for p in {*index.get((n, 0, head[0]), ()), *index.get((n, 1, head[1]), ())}:
            diff = sum(a != b for a, b in zip(head, p, strict=True))
            if diff == 0:
                exact = max(exact, n)
            elif diff == 1:
                near.add(p)
    fits = [p for p in near if len(p) > exact]
    if not fits:
        return None
    longest = max(fits, key=len)
    # Shorter fits must agree with the longest one (武汉市 inside 湖北省武汉市武昌区), or the reading is ambiguous.
    if any(not longest.startswith(p) for p in fits) or sum(len(p) == len(longest) for p in fits) > 1:
        return None
    return longest


@dataclass(frozen=True)
class AddressReading:
    value: str
    changed: tuple[tuple[int, str, str], ...] = ()  # (position, as read, as repaired)

    def describe(self) -> str:
        return "、".join(f"{was}→{now}" for _, was, now in self.changed)


def repair_address(text: str, candidates: Sequence[Candidates | None] | None = None) -> AddressReading:
    """``text`` with its divisions and its units repaired (see the module's docstring). ``candidates`` (one entry
    per character of ``text``, best first) are needed for units only."""
    out = list(text)
    fixed = _divisions(text)
    if fixed is not None:
        out[: len(fixed)] = fixed
    if candidates is not None and len(candidates) == len(text):
        for i in range(1, len(text)):
            cands = candidates[i]
            if not out[i - 1].isdigit() or out[i] in UNIT_CHARS or not "\u4e00" <= out[i] <= "\u9fff" or not cands:
                continue
            unit = next((c for c, p in cands if c in UNIT_CHARS and p >= MIN_CANDIDATE), None)
            if unit is not None:
                out[i] = unit
    changed = tuple((i, a, b) for i, (a, b) in enumerate(zip(text, out, strict=True)) if a != b)
    return AddressReading("".join(out), changed)
