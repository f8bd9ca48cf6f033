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
from collections.abc import Mapping
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


def probability(field: str, score: float, ev: Evidence) -> float | None:
    """The fitted probability that a value found this way is right; None when the table has no cell for it."""
    table = _table()
    if table is None:
        return None
    cell = table.get(f"{evidence_class(ev)}/{score_bin(score)}")
    return None if cell is None else float(cell)


def calibrated(fields: Mapping[str, Field], evidence: Mapping[str, Evidence]) -> dict[str, Field]:
    """``fields`` with each confidence replaced by the calibrated probability, never above the recogniser's
    score where that was lowered on purpose (repairs and disagreements already pull it down)."""
    out = dict(fields)
    for name, f in fields.items():
        ev = evidence.get(name)
        if ev is None:
            continue
        p = probability(name, f.confidence, ev)
        if p is not None:
            out[name] = replace(f, confidence=round(p, 4))
    return out
