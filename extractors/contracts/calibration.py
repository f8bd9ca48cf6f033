"""A contract field's confidence as the probability that the field is right.

The recogniser's score says how surely the characters were read, not whether they are the right value: a land
parcel taken for the house is read at 0.99. The confidence of a contract field therefore combines the
recogniser's score with how the value was found (``choose.Evidence``: label tier, beside or below its label,
competing values, candidates dropped as of the wrong kind, agreement checks, repairs) through a table fitted on
generated documents of held-out families (bench/contract_accuracy.py --fit-calibration) and committed as
``calibration.json``. Without the table the recogniser's score is kept as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from domain.models import Field
from extractors.contracts.choose import Evidence

TABLE = Path(__file__).with_name("calibration.json")
# Recogniser-score bins (lower edges): a value read below 0.9 is already on the reshoot list.
SCORE_BINS = (0.0, 0.8, 0.9, 0.95, 0.98)


def evidence_class(ev: Evidence) -> str:
    """The evidence of a field as one of a few classes the table is fitted over."""
    if ev.agreement < 0:
        return "disagrees"
    if ev.repaired:
        return "repaired"
    if ev.competitors:
        return "contested"
    if ev.tier > 0 or ev.where != "row":
        return "weak_label"
    return "agrees" if ev.agreement > 0 else "plain"


def score_bin(score: float) -> int:
    return max(i for i, edge in enumerate(SCORE_BINS) if score >= edge)


@cache
def _table() -> Mapping[str, Mapping[str, float]] | None:
    if not TABLE.is_file():
        return None
    return json.loads(TABLE.read_text(encoding="utf-8"))["table"]


# A value found in a way the table has never seen is sent to review: at most this confidence.
UNSEEN = 0.85


def probability(score: float, ev: Evidence) -> float | None:
    """The fitted probability that a value found this way is right; None without a table."""
    table = _table()
    if table is None:
        return None
    return lookup(table, evidence_class(ev), score)


def lookup(table: Mapping[str, float], cls: str, score: float) -> float:
    """The table's probability for a value of evidence class ``cls`` read at ``score`` (the bench's
    leave-one-family-out measurement calls this with tables fitted on the other families)."""
    cell = table.get(f"{cls}/{score_bin(score)}")
    if cell is None:
        return min(score, UNSEEN)
    # Below 0.8 are the values the reading rules flagged (check digit, surname, a repair, a disagreement) or the
    # recogniser barely read; the few of them a fit sees must not lift one out of review: lower only.
    return min(score, float(cell)) if score_bin(score) == 0 else float(cell)


def calibrated(fields: Mapping[str, Field], evidence: Mapping[str, Evidence]) -> dict[str, Field]:
    """``fields`` with each confidence replaced by the calibrated probability of being right."""
    out = dict(fields)
    for name, f in fields.items():
        ev = evidence.get(name)
        if ev is None:
            continue
        p = probability(f.confidence, ev)
        if p is not None:
            out[name] = replace(f, confidence=round(p, 4))
    return out


def fit_table(rows: Sequence[tuple[str, float, bool]], *, prior: float = 0.5) -> dict[str, float]:
    """A table cell per evidence class and score bin: the share of right values in it, with ``prior`` pseudo
    right and wrong values (so a cell is never certain from few values), made non-decreasing in the score
    within each class (pool adjacent violators, weighted by the number of values)."""
    counts: dict[str, list[int]] = {}
    for cls, score, right in rows:
        cell = counts.setdefault(f"{cls}/{score_bin(score)}", [0, 0])
        cell[0] += int(right)
        cell[1] += 1
    table: dict[str, float] = {}
    for cls in sorted({k.split("/")[0] for k in counts}):
        blocks: list[list[float]] = []  # [sum of p × n, n, first bin, last bin]
        for b in range(len(SCORE_BINS)):
            if (c := counts.get(f"{cls}/{b}")) is None:
                continue
            p = (c[0] + prior) / (c[1] + 2 * prior)
            blocks.append([p * c[1], c[1], b, b])
            while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
                last = blocks.pop()
                blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2], last[3]]
        for total, n, lo, hi in blocks:
            for b in range(int(lo), int(hi) + 1):
                if f"{cls}/{b}" in counts:
                    table[f"{cls}/{b}"] = round(total / n, 6)
    return table
