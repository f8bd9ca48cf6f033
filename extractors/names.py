"""A person's name read again from the recogniser's per-character candidates, with what real names are made of.

A greedy reading takes, for each character, the class the recogniser liked best. For a hand-filled name under
blur and glare that is often a character no one is named with (于柱号 for 于桂婷, 董注 for 董涛), while the right
one is its second or third candidate. Names are not free text: the first character is a surname, and given names
draw on a few thousand characters with a very uneven frequency. This module re-reads a name with both:

- the surname, when it is not one or the recogniser was not sure of it (below ``DOUBTFUL``), is the
  surname among its candidates with the best ``log p(candidate) + PRIOR_WEIGHT · log f(candidate)``, f
  following the surname's rank in a frequency-ordered list (Zipf: f ∝ 1 / rank);
- a given-name character the recogniser was not sure of is chosen by the same score, f being how often real
  given names use it.

The given-name frequencies are the character counts of a large set of real Chinese names shipped in the
``ngender`` package (MIT, 9,442 characters, about 32 million occurrences); the surname ranks come from the
caller (extractors.contracts.values). No data of our own sample generator is used. A replaced character is
never silent: the caller lowers the value's confidence and says which characters changed, so the clerk checks
it against the ID card.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from domain.models import Candidates

DOUBTFUL = 0.9  # a character read at or above this probability is kept as read
MIN_CANDIDATE = 0.01  # below this a candidate is noise, however common a name character it is
PRIOR_WEIGHT = 0.5  # how far the name-character frequencies may outweigh the recogniser (log scale)


@lru_cache(maxsize=1)
def given_name_log_frequencies() -> tuple[dict[str, float], float]:
    """log f(c) for every character in the ngender table, and log f for one it does not hold (add-one)."""
    counts: dict[str, int] = {}
    text = (resources.files("ngender") / "charfreq.csv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        char, male, female = line.split(",")
        counts[char] = int(male) + int(female)
    total = sum(counts.values()) + len(counts) + 1
    return {c: math.log((n + 1) / total) for c, n in counts.items()}, math.log(1 / total)


@dataclass(frozen=True)
class NameReading:
    value: str
    changed: tuple[tuple[int, str, str], ...] = ()  # (position, as read, as re-read)

    def describe(self) -> str:
        return "、".join(f"{was}→{now}" for _, was, now in self.changed)


def _choose(cands: Candidates, log_prior: dict[str, float], unseen: float | None) -> str | None:
    """The candidate with the best recogniser-plus-prior score; ``unseen`` is the prior of a character the
    table does not hold, or None to leave such characters out."""
    usable = [
        (c, math.log(p) + PRIOR_WEIGHT * log_prior.get(c, unseen or 0.0))
        for c, p in cands
        if p >= MIN_CANDIDATE and "\u4e00" <= c <= "\u9fff" and (c in log_prior or unseen is not None)
    ]
    return max(usable, key=lambda cs: cs[1])[0] if usable else None


@lru_cache(maxsize=8)
def _surname_log_prior(by_frequency: str) -> dict[str, float]:
    prior: dict[str, float] = {}
    for rank, c in enumerate(by_frequency, start=1):
        prior.setdefault(c, -math.log(rank))
    return prior


def reread_name(
    name: str,
    candidates: Sequence[Candidates | None],
    *,
    surnames_by_frequency: str,
    compound_surnames: Sequence[str] = (),
) -> NameReading:
    """``name`` as read, re-read from ``candidates`` (one entry per character of ``name``, best first, or None
    where the recogniser gave none). Unchanged when there are no candidates or nothing is in doubt."""
    if len(candidates) != len(name) or "·" in name:  # transliterated names (买买提·艾力) follow no such rules
        return NameReading(name)
    out = list(name)
    surnames = _surname_log_prior(surnames_by_frequency)
    surname_length = 2 if name[:2] in compound_surnames else 1
    first = candidates[0]
    if surname_length == 1 and first and (name[0] not in surnames or first[0][1] < DOUBTFUL):
        out[0] = _choose(first, surnames, None) or name[0]
    given, unseen = given_name_log_frequencies()
    for i in range(surname_length, len(name)):
        cands = candidates[i]
        if cands and cands[0][1] < DOUBTFUL:
            out[i] = _choose(cands, given, unseen) or name[i]
    changed = tuple((i, was, now) for i, (was, now) in enumerate(zip(name, out, strict=True)) if was != now)
    return NameReading("".join(out), changed)
