"""Real-world scenes end to end (bytes → capture → OCR → classify → extract) with the default engine: an A4 scan of
an ID-card photocopy, front and back side by side and turned 180°, as bank loan packages carry them."""

from __future__ import annotations

import pytest

from samples.generator.idcard_eval import Tally
from samples.generator.scenes import HELD_OUT_KINDS, SCENE_KINDS, make_scene


@pytest.fixture(scope="module")
def engine():
    from config.settings import get_settings
    from extractors.engines import get_engine

    return get_engine(settings=get_settings().ocr)


def _extract(scene, engine) -> list[dict]:
    from pipeline.documents.extract import InputFile, extract_files

    return [d.to_json() for d in extract_files([InputFile(scene.name, scene.data)], engine=engine)]


def test_id_number_read_from_an_a4_copy_turned_180(engine):
    scene = make_scene("a4_grey", 3, seed=20, sides=("front", "back"), layout="side_by_side", rotation_deg=180)
    docs = _extract(scene, engine)
    assert sorted(d["doc_type"] for d in docs) == ["id_card_back", "id_card_front"]
    front = next(d for d in docs if d["doc_type"] == "id_card_front")
    assert front["fields"]["id_number"]["value"] == scene.docs[0].fields["id_number"]
    back = next(d for d in docs if d["doc_type"] == "id_card_back")
    assert back["fields"]["valid_from"]["value"] == scene.docs[1].fields["valid_from"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", SCENE_KINDS)
def test_field_accuracy_per_scene_kind(kind, engine):
    # Six scenes per kind, a seed bench/scenes.py does not use by default. Kinds held out of tuning have lower
    # floors: on bench/scenes.py (20 per kind) a patterned desk lost one card back in 26, and a stamp across the
    # address costs the address on about half the stamped fronts.
    tally = Tally()
    for i in range(6):
        scene = make_scene(kind, i, seed=31)
        tally.add_capture(scene.truth(), _extract(scene, engine))
    right = sum(tally.right.values())
    total = sum(tally.total.values())
    floor = 0.85 if kind.endswith("_stamped") else 0.9 if kind in HELD_OUT_KINDS else 0.97
    assert right / total >= floor, f"{kind}: {right}/{total}\n{tally.table()}\n{tally.misses}"
