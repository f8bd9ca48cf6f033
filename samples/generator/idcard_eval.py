"""Scoring extractions of generated ID-card captures against their ground truth (tests and bench/ share it).

A field counts as right when its value equals the truth after whitespace is removed (CJK text has no word
spaces, and a missing field is wrong). Documents are paired with the truth by type, in frame order, so a frame
holding both sides must yield both documents to score on both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_WS = re.compile(r"\s+")

FRONT_FIELDS = ("name", "sex", "ethnicity", "birth_date", "address", "id_number")
BACK_FIELDS = ("issuing_authority", "valid_from", "valid_until")


def same_value(expected: str, got: object) -> bool:
    return got is not None and _WS.sub("", str(expected)) == _WS.sub("", str(got))


@dataclass
class Tally:
    """Right/total per (difficulty, field), documents found per difficulty, and what went wrong."""

    right: dict = field(default_factory=lambda: defaultdict(int))
    total: dict = field(default_factory=lambda: defaultdict(int))
    docs_found: dict = field(default_factory=lambda: defaultdict(int))
    docs_total: dict = field(default_factory=lambda: defaultdict(int))
    misses: list = field(default_factory=list)

    def add_capture(self, truth: Mapping, extracted: Iterable[Mapping]) -> None:
        """``truth`` is one capture of ground_truth.json; ``extracted`` the documents' ``to_json()`` for its frame."""
        difficulty = truth["difficulty"]
        pool = list(extracted)
        for doc in truth["documents"]:
            self.docs_total[difficulty] += 1
            got = next((d for d in pool if d.get("doc_type") == doc["doc_type"]), None)
            if got is not None:
                pool.remove(got)
                self.docs_found[difficulty] += 1
            else:
                found = [d.get("doc_type") for d in pool]
                self.misses.append((truth["file"], doc["doc_type"], "document", f"not returned (got {found})"))
            fields = (got or {}).get("fields", {})
            for name, expected in doc["fields"].items():
                value = fields.get(name, {}).get("value")
                ok = same_value(expected, value)
                self.total[(difficulty, name)] += 1
                self.right[(difficulty, name)] += ok
                if not ok and got is not None:
                    self.misses.append((truth["file"], doc["doc_type"], name, "wrong" if value else "missing"))

    def accuracy(self, name: str, difficulty: str | None = None) -> float:
        keys = [k for k in self.total if k[1] == name and (difficulty is None or k[0] == difficulty)]
        total = sum(self.total[k] for k in keys)
        return sum(self.right[k] for k in keys) / total if total else float("nan")

    def counts(self, name: str) -> tuple[int, int]:
        keys = [k for k in self.total if k[1] == name]
        return sum(self.right[k] for k in keys), sum(self.total[k] for k in keys)

    def difficulties(self) -> list[str]:
        order = {"easy": 0, "medium": 1, "hard": 2}
        return sorted({k[0] for k in self.total}, key=lambda d: order.get(d, 9))

    def summary(self) -> dict:
        names = [n for n in (*FRONT_FIELDS, *BACK_FIELDS) if any(k[1] == n for k in self.total)]
        return {
            "overall": {n: round(self.accuracy(n), 4) for n in names},
            "per_difficulty": {
                d: {n: round(self.accuracy(n, d), 4) for n in names if self.total.get((d, n))}
                for d in self.difficulties()
            },
            "documents_found": {d: f"{self.docs_found[d]}/{self.docs_total[d]}" for d in self.difficulties()},
        }

    def table(self) -> str:
        """Per-field accuracy by difficulty, as a fixed-width text table."""
        names = [n for n in (*FRONT_FIELDS, *BACK_FIELDS) if any(k[1] == n for k in self.total)]
        diffs = self.difficulties()
        rows = [f"{'field':<18}" + "".join(f"{d:>10}" for d in [*diffs, "overall"])]
        for n in names:
            cells = [self.accuracy(n, d) for d in diffs] + [self.accuracy(n)]
            rows.append(f"{n:<18}" + "".join(f"{c * 100:>9.1f}%" for c in cells))
        rows.append(
            f"{'documents found':<18}" + "".join(f"{self.docs_found[d]:>5}/{self.docs_total[d]:<4}" for d in diffs)
        )
        return "\n".join(rows)
