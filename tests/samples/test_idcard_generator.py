import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from stdnum.cn import ric

from samples.generator.camera import DIFFICULTIES, shoot
from samples.generator.idcard import GROUND_TRUTH, make_capture, plan
from samples.generator.identities import validity_years

ROOT = Path(__file__).resolve().parents[2]


def test_same_seed_same_bytes_other_index_other_frame():
    a = make_capture(3, seed=11, difficulty="medium", sides="front")
    b = make_capture(3, seed=11, difficulty="medium", sides="front")
    c = make_capture(4, seed=11, difficulty="medium", sides="front")
    assert a.shot.jpeg == b.shot.jpeg and a.ground_truth() == b.ground_truth()
    assert c.shot.jpeg != a.shot.jpeg and c.person != a.person


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_ground_truth_is_a_consistent_fake_identity(difficulty):
    cap = make_capture(0, seed=5, difficulty=difficulty, sides="both")
    truth = cap.ground_truth()
    assert truth["difficulty"] == difficulty
    front, back = truth["documents"]
    assert (front["doc_type"], back["doc_type"]) == ("id_card_front", "id_card_back")
    f, b = front["fields"], back["fields"]
    assert ric.is_valid(f["id_number"]) and f["id_number"] == f["id_number"].upper()
    assert ric.get_birth_date(f["id_number"]).isoformat() == f["birth_date"]
    assert (int(f["id_number"][16]) % 2 == 1) == (f["sex"] == "男")
    issued = dt.date.fromisoformat(b["valid_from"])
    age = (issued - dt.date.fromisoformat(f["birth_date"])).days // 365
    years = validity_years(age)
    assert (b["valid_until"] == "长期") == (years is None) or abs(age - 46) <= 1  # leap-day rounding at the boundary


@pytest.mark.parametrize("sides", ["front", "back", "both"])
def test_card_corners_lie_in_the_frame_and_side_by_side(sides):
    cap = make_capture(1, seed=2, difficulty="hard", sides=sides)
    img = cap.shot.decode()
    assert img.shape[:2] == (cap.shot.height, cap.shot.width)
    quads = [np.array(d["quad"]) for d in cap.ground_truth()["documents"]]
    for q in quads:
        assert (q[:, 0] >= 0).all() and (q[:, 0] <= cap.shot.width).all()
        assert (q[:, 1] >= 0).all() and (q[:, 1] <= cap.shot.height).all()
        w = np.linalg.norm(q[1] - q[0])
        h = np.linalg.norm(q[3] - q[0])
        assert 1.3 < w / h < 1.9  # an ID-1 card (1.585) seen at a slant
    if sides == "both":
        assert quads[0][:, 0].max() < quads[1][:, 0].min()  # front on the left, back on the right


def test_card_is_brighter_than_a_dark_desk_where_the_quad_says():
    cap = make_capture(2, seed=9, difficulty="easy", sides="front")
    img = cv2.cvtColor(cap.shot.decode(), cv2.COLOR_BGR2GRAY)
    q = np.array(cap.ground_truth()["documents"][0]["quad"], np.float32)
    mask = np.zeros(img.shape, np.uint8)
    cv2.fillConvexPoly(mask, q.astype(np.int32), 1)
    inside = img[mask == 1].mean()
    assert inside > 150  # the pale card, whatever the desk


def test_plan_mixes_difficulties_sides_and_pairs():
    p = plan(24)
    assert {d for d, _ in p} == set(DIFFICULTIES)
    assert {s for _, s in p} == {"front", "back", "both"}
    assert sum(s == "both" for _, s in p) == 3


def test_shoot_rejects_unknown_difficulty():
    with pytest.raises(ValueError):
        shoot([Image.new("RGB", (100, 60), "white")], seed=1, difficulty="extreme")


def test_cli_writes_frames_and_ground_truth(tmp_path):
    out = tmp_path / "set"
    cmd = [sys.executable, "-m", "samples.generator", "idcards", "--out", str(out), "--count", "3", "--seed", "4"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    truth = json.loads((out / GROUND_TRUTH).read_text(encoding="utf-8"))
    assert truth["seed"] == 4 and len(truth["captures"]) == 3
    for cap in truth["captures"]:
        assert (out / cap["file"]).read_bytes()[:3] == b"\xff\xd8\xff"


def test_committed_samples_are_small_and_described():
    folder = ROOT / "samples" / "idcards"
    truth = json.loads((folder / GROUND_TRUTH).read_text(encoding="utf-8"))
    files = {c["file"] for c in truth["captures"]}
    assert files == {p.name for p in folder.glob("*.jpg")}
    assert any(len(c["documents"]) == 2 for c in truth["captures"])  # one frame with both sides
    for name in files:
        assert (folder / name).stat().st_size < 150_000


def test_camera_keeps_a_minimum_document_resolution_and_is_deterministic():
    page = Image.new("RGB", (1370, 864), (240, 240, 236))
    a = shoot([page], seed=3, difficulty="hard", frame_size=(1600, 1200), fill=(0.1, 0.1), min_long_side=600)
    b = shoot([page], seed=3, difficulty="hard", frame_size=(1600, 1200), fill=(0.1, 0.1), min_long_side=600)
    assert a.jpeg == b.jpeg and a.settings == b.settings
    q = np.array(a.placements[0].quad)
    assert max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[3] - q[0])) >= 590
    small = shoot([page], seed=3, difficulty="hard", frame_size=(1600, 1200), fill=(0.1, 0.1))
    qs = np.array(small.placements[0].quad)
    assert np.linalg.norm(qs[1] - qs[0]) < 300


def test_committed_samples_regenerate_from_their_own_ground_truth(tmp_path):
    folder = ROOT / "samples" / "idcards"
    truth = json.loads((folder / GROUND_TRUTH).read_text(encoding="utf-8"))
    first = truth["captures"][0]
    cap = make_capture(
        0,
        seed=truth["seed"],
        difficulty=first["difficulty"],
        sides="both" if len(first["documents"]) == 2 else first["documents"][0]["doc_type"].removeprefix("id_card_"),
        frame_size=tuple(truth["frame_size"]),
        jpeg_quality=truth["jpeg_quality"],
    )
    assert cap.file_name == first["file"]
    assert json.loads(json.dumps(cap.ground_truth(), ensure_ascii=False)) == first
