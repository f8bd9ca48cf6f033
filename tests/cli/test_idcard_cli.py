"""``docintel extract`` on the committed ID-card samples: JSON Lines with the contract's keys and values."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "idcards"


@pytest.fixture(scope="module")
def jsonl() -> list[dict]:
    files = sorted(str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.jpg"))
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "extract", *files], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_one_object_per_document_with_the_contract_keys(jsonl):
    truth = json.loads((SAMPLES / "ground_truth.json").read_text(encoding="utf-8"))
    assert len(jsonl) == sum(len(c["documents"]) for c in truth["captures"])  # both sides in one frame: two objects
    for doc in jsonl:
        assert {"source", "doc_type", "fields", "quality", "warnings", "timing_ms"} <= doc.keys()
        assert isinstance(doc["source"], list) and doc["doc_type"] in ("id_card_front", "id_card_back")
        for field in doc["fields"].values():
            assert set(field) == {"value", "confidence", "page", "bbox"}
            assert 0.0 <= field["confidence"] <= 1.0 and field["page"] == 0 and len(field["bbox"]) == 4


def test_values_match_the_ground_truth(jsonl):
    truth = json.loads((SAMPLES / "ground_truth.json").read_text(encoding="utf-8"))
    expected = {(c["file"], d["doc_type"]): d["fields"] for c in truth["captures"] for d in c["documents"]}
    got = {(Path(d["source"][0]).name, d["doc_type"]): {k: f["value"] for k, f in d["fields"].items()} for d in jsonl}
    assert got.keys() == expected.keys()
    for key, fields in expected.items():
        assert got[key] == fields, key
