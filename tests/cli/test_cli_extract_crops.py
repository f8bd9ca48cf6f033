"""``docintel extract --crops DIR``: each document's crops written as JPEGs and listed in its JSON object; without
the option the objects stay as the contract has them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[2]
BOTH = ROOT / "samples" / "idcards" / "idcard_0002_easy_both.jpg"


def _extract(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "extract", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_crops_are_written_and_listed(tmp_path):
    out = tmp_path / "crops"
    proc = _extract(str(BOTH), "--crops", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    docs = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert [d["doc_type"] for d in docs] == ["id_card_front", "id_card_back"]
    assert [c["kind"] for c in docs[0]["crops"]] == ["document", "portrait"]
    assert [c["kind"] for c in docs[1]["crops"]] == ["document"]
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(Path(c["path"]).name for d in docs for c in d["crops"])
    for c in (c for d in docs for c in d["crops"]):
        assert "data_base64" not in c
        image = cv2.imread(c["path"])
        assert image.shape[:2] == (c["height"], c["width"])


def test_crops_into_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    proc = _extract(str(BOTH), "--crops", str(blocker))
    assert proc.returncode == 2 and "not a directory" in proc.stderr and "Traceback" not in proc.stderr
