"""Field accuracy of the real default engine, end to end (JPEG bytes → capture → OCR → classify → extract),
on a deterministic set of generated ID-card camera captures across the three difficulties.

60 frames: 20 per difficulty, fronts and backs alternating, every 8th frame both sides side by side
(about 34 fronts and 34 backs). Thresholds are the targets of the issue; with ~34 fronts, 99% means no
error at all for id_number and birth_date, and at most one wrong address.
"""

from __future__ import annotations

import json

import pytest

from config.settings import get_settings
from samples.generator.idcard import GROUND_TRUTH, generate_set
from samples.generator.idcard_eval import Tally

COUNT = 60
SEED = 20260601

OVERALL = {
    "id_number": 0.99,
    "name": 0.98,
    "birth_date": 0.99,
    "address": 0.95,
    "sex": 0.98,
    "ethnicity": 0.95,
    "issuing_authority": 0.95,
    "valid_from": 0.95,
    "valid_until": 0.95,
}
# Each difficulty on its own (about 11 documents per side): one miss is allowed on hard frames.
PER_DIFFICULTY_FLOOR = {"easy": 1.0, "medium": 0.9, "hard": 0.85}


@pytest.fixture(scope="module")
def tally(tmp_path_factory) -> Tally:
    from extractors.engines import get_engine
    from pipeline.documents.extract import InputFile, extract_files

    folder = tmp_path_factory.mktemp("idcards")
    truth = generate_set(folder, count=COUNT, seed=SEED)
    assert json.loads((folder / GROUND_TRUTH).read_text(encoding="utf-8")) == truth
    engine = get_engine(settings=get_settings().ocr)
    result = Tally()
    for cap in truth["captures"]:
        data = (folder / cap["file"]).read_bytes()
        docs = [d.to_json() for d in extract_files([InputFile(cap["file"], data)], engine=engine)]
        result.add_capture(cap, docs)
    print("\nID-card field accuracy (generated captures, default engine):\n" + result.table())
    for miss in result.misses:
        print("  miss:", *miss)
    return result


@pytest.mark.slow
def test_overall_field_accuracy(tally):
    report = tally.table()
    for name, threshold in OVERALL.items():
        right, total = tally.counts(name)
        assert total >= 30, f"{name}: only {total} documents in the set"
        assert right / total >= threshold, f"{name}: {right}/{total} < {threshold:.0%}\n{report}\n{tally.misses}"


@pytest.mark.slow
def test_accuracy_per_difficulty(tally):
    for difficulty, floor in PER_DIFFICULTY_FLOOR.items():
        for name in ("id_number", "name", "birth_date", "address", "valid_from", "valid_until"):
            acc = tally.accuracy(name, difficulty)
            assert acc >= floor, f"{difficulty} {name}: {acc:.1%} < {floor:.0%}\n{tally.table()}"


@pytest.mark.slow
def test_every_card_found_including_both_sides_in_one_frame(tally):
    for difficulty in tally.difficulties():
        assert tally.docs_found[difficulty] == tally.docs_total[difficulty], (
            f"{difficulty}: {tally.docs_found[difficulty]}/{tally.docs_total[difficulty]} documents\n{tally.misses}"
        )
