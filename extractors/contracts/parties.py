"""Parties of a contract: a name after a role label, and the ID number that follows it before the next party."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractors.anchors import NEWLINE, Chars, LabelHit, Layout, Value
from extractors.contracts.choose import Evidence
from extractors.contracts.values import (
    COMPOUND_SURNAMES,
    SURNAMES_BY_FREQUENCY,
    parse_id_number,
    parse_party_name,
    parse_person_name,
    plausible_name,
)
from extractors.id_number import IdNumberReading, is_valid, review
from extractors.names import NameReading, reread_name

# A person's name read beside its label but not starting with a known surname is most often a misread
# first character (邮 for 邹 or 郝, 即 for 邵 under blur): it is kept as read, at this factor of its
# confidence and with a warning, never replaced by a guess.
UNLIKELY_NAME = 0.5
# A name with characters re-read from the recogniser's candidates (extractors.names) is more often right than
# as read, but it is still a choice the recogniser did not make: it goes to the reviewer at this factor.
REREAD_NAME = 0.8


@dataclass(frozen=True)
class Party:
    name: Value
    id_number: Value | None
    id_reading: IdNumberReading | None = None
    unlikely_name: bool = False
    reread: NameReading | None = None  # set when characters of the name were re-read from candidates
    where: str = "row"  # where the name stood: beside its label ("row") or under it ("below", "next_page")
    tier: int = 0  # index of the label pattern that found it

    def name_evidence(self) -> Evidence:
        changed = self.reread is not None and self.reread.changed
        return Evidence(self.tier, self.where, 0, 0, -1 if self.unlikely_name else 0, changed)

    def id_evidence(self) -> Evidence:
        repaired = self.id_reading is not None and review(self.id_reading, "")[0] < 1.0
        return Evidence(self.tier, self.where, 0, 0, 0, repaired)

    def id_warnings(self, field: str) -> list[str]:
        """What the clerk must know about this party's ID number, as warnings on ``field``."""
        return review(self.id_reading, field)[1] if self.id_reading is not None else []

    def name_warnings(self, field: str) -> list[str]:
        out = []
        if self.reread is not None and self.reread.changed:
            out.append(
                f"{field}: characters re-read from the recogniser's alternatives ({self.reread.describe()}); "
                f"check against the ID card / 姓名按识别候选字校正（{self.reread.describe()}），请与身份证核对"
            )
        if self.unlikely_name:
            out.append(
                f"{field}: does not begin with a known surname; check the reading / 姓名首字不是常见姓氏，请核对"
            )
        return out

    def warnings(self, name_field: str, id_field: str) -> list[str]:
        return self.name_warnings(name_field) + self.id_warnings(id_field)


def id_after(
    layout: Layout, hit: LabelHit, party_labels: re.Pattern[str], *, rows: int = 3
) -> tuple[Value, IdNumberReading] | None:
    """The first ID number after a party's label, on its row or the next few, before another party begins;
    its confidence is lowered when it had to be repaired or fails the check digit."""
    rest = layout.row_rest(hit)
    m = party_labels.search(rest.text)
    if m:
        rest = rest[: m.start()]
    i = hit.row_index
    while m is None and rows > 0 and i + 1 < len(layout.rows) and layout.rows[i + 1].page == layout.rows[i].page:
        i += 1
        rows -= 1
        row = layout.whole_row(i)
        m = party_labels.search(row.text)
        if m:
            row = row[: m.start()]
        rest = rest + NEWLINE + row
    found = parse_id_number(rest.text, max_skip=len(rest.text), candidates=rest.candidates)
    if found is None:
        rest = _digits_joined(rest)  # an ID number written one digit per box
        found = parse_id_number(rest.text, max_skip=len(rest.text), candidates=rest.candidates) or _one_box_lost(
            rest.text
        )
    if found is None:
        return None
    reading, start, end = found
    page, bbox = rest.bbox(start, end)
    factor, _ = review(reading, "")
    return Value(reading.value, rest.text[start:end], page, bbox, rest.confidence(start, end) * factor), reading


def _digits_joined(chars: Chars) -> Chars:
    """The characters without the gaps between single digits: an ID number written one digit per box of a
    ruled table reads as 4 4 0 3 0 5 …, one cell (or one OCR line) per digit."""
    text = chars.text
    keep = [
        i
        for i, c in enumerate(text)
        if not (c in " \n" and 0 < i < len(text) - 1 and text[i - 1] in _DIGITS and text[i + 1] in _DIGITS)
    ]
    cands = chars.candidates
    return Chars(
        "".join(text[i] for i in keep),
        tuple(chars.origin[i] for i in keep),
        tuple(cands[i] for i in keep) if cands else (),
    )


_DIGITS = set("0123456789Xx×")
_SEVENTEEN = re.compile(r"(?<![0-9Xx])([1-9][0-9]{15}[0-9Xx])(?![0-9Xx])")


def _one_box_lost(text: str) -> tuple[IdNumberReading, int, int] | None:
    """Seventeen digits where boxes hold an ID number: the detector lost one box, most often a thin 1. The
    number is put back only when exactly one place for a 1 gives a valid number (check digit, birth date,
    region code); it is then a repair (lower confidence, a warning)."""
    m = _SEVENTEEN.search(text)
    if m is None:
        return None
    digits = m.group(1).upper()
    valid = {digits[:k] + "1" + digits[k:] for k in range(18) if is_valid(digits[:k] + "1" + digits[k:])}
    if len(valid) != 1:
        return None
    value = valid.pop()
    reading = IdNumberReading(value, digits, True, repairs=("a lost box read as 1",))
    return reading, m.start(1), m.end(1)


def _reread(name: Value) -> NameReading | None:
    """The name re-read from its characters' candidates (extractors.names); None when nothing changed."""
    chars = name.chars
    if chars is None or not chars.candidates or chars.text != name.value:
        return None
    reading = reread_name(
        chars.text, chars.candidates, surnames_by_frequency=SURNAMES_BY_FREQUENCY, compound_surnames=COMPOUND_SURNAMES
    )
    return reading if reading.changed else None


def _weak(layout: Layout, hit: LabelHit) -> bool:
    """Whether the label's value was looked for below it rather than beside it."""
    return layout.candidate(hit)[1] in ("below", "next_page")


def find_parties(
    layout: Layout,
    patterns: Sequence[re.Pattern[str]],
    party_labels: re.Pattern[str],
    *,
    companies: bool = False,
) -> list[Party]:
    """Every filled-in party under the first of ``patterns`` that has one, in reading order, once per name."""
    parse = parse_party_name if companies else parse_person_name
    for tier, pattern in enumerate(patterns):
        parties: dict[str, Party] = {}
        for hit in layout.find_labels(pattern):
            name = layout.value_at(hit, parse, whole_below=True)
            if name is None:
                continue
            person = not re.search(r"公司|集团|中心|合作社", str(name.value))
            if person and not plausible_name(str(name.value)) and _weak(layout, hit):
                continue  # a short word under a blank label is a name only as read, not as re-read
            reading = _reread(name) if person else None
            if reading is not None:
                name = replace(name, value=reading.value, confidence=name.confidence * REREAD_NAME)
            if name.value in parties:
                continue
            unlikely = person and not plausible_name(str(name.value))
            if unlikely:
                name = replace(name, confidence=name.confidence * UNLIKELY_NAME)
            number, id_reading = id_after(layout, hit, party_labels) or (None, None)
            where = layout.candidate(hit)[1]
            parties[str(name.value)] = Party(name, number, id_reading, unlikely, reading, where, tier)
        if parties:
            return list(parties.values())
    return []


def id_without_name(layout: Layout, patterns: Sequence[re.Pattern[str]], party_labels: re.Pattern[str]) -> Party | None:
    """The ID number of a party whose name could not be read (one character of it lost, 董 for 董燕): the first
    label with text beside it and a valid-looking ID number after it, before the next party. The number has its
    own check digit, so it stands without the name; the name stays unread (null, on the review list)."""
    for tier, pattern in enumerate(patterns):
        for hit in layout.find_labels(pattern):
            if layout.candidate(hit)[1] != "row":
                continue  # a blank label: the number below it may be anyone's
            found = id_after(layout, hit, party_labels, rows=0)
            if found is not None:
                blank = Value("", "", found[0].page, found[0].bbox, 0.0)
                return Party(blank, found[0], found[1], where="row", tier=tier)
    return None
