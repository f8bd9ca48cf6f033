"""Calibration of the 0-100 page quality score (capture/score.py): score bucket → field accuracy and N, read by
the real OCR through ``docintel extract`` (pipeline.documents.extract.extract_files). Prints one JSON object.

    python bench/quality_score.py [--count 120] [--seed 5] [--rows ROWS.json]

Frames are generated ID-card sides (samples.generator.idcard, easy/medium/hard in turn) and, so that low
scores are populated too, the same kind of frame made worse after the camera: more blur, under- or
over-exposed, shrunk (fewer pixels per mm), part of the card outside the frame, a finger over a field
(samples.generator.attacks). A field is right when it equals the truth (samples.generator.idcard_eval); a
document not returned counts all its fields wrong. The page's score is the one on the card's page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
os.environ.setdefault("DOCINTEL_OCR__MODEL_DIR", str(ROOT / "var" / "models"))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

DIFFICULTIES = ("easy", "medium", "hard")
DEGRADATIONS = ("none", "none", "blur", "dark", "bright", "small", "outside_frame", "finger")


def _degrade(jpeg: bytes, how: str, rng: random.Random) -> bytes:
    if how == "none":
        return jpeg
    img = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR).astype(np.float32)
    if how == "blur":
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(1.2, 4.0))
    elif how == "dark":
        img = img * rng.uniform(0.2, 0.55)
    elif how == "bright":
        img = img * rng.uniform(1.2, 1.9) + rng.uniform(0, 40)
    elif how == "small":
        f = rng.uniform(0.3, 0.7)
        img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return buf.tobytes()


def frames(count: int, seed: int):
    """(name, jpeg, doc_type, expected fields, degradation) per frame."""
    from samples.generator.attacks import make_frame
    from samples.generator.idcard import DOC_TYPE, back_fields, front_fields, make_capture

    for i in range(count):
        difficulty = DIFFICULTIES[i % 3]
        how = DEGRADATIONS[(i // 3) % len(DEGRADATIONS)]
        rng = random.Random(f"qs:{seed}:{i}")
        if how in ("outside_frame", "finger"):
            kind = "border_incomplete" if how == "outside_frame" else "occluded"
            f = make_frame(i, seed=seed, difficulty=difficulty, kind=kind, variant=how)
            yield f"q{i}.jpg", f.shot.jpeg, "id_card_front", front_fields(f.person), how, difficulty
            continue
        side = ("front", "back")[i % 2]
        cap = make_capture(i, seed=seed, difficulty=difficulty, sides=side)
        truth = front_fields(cap.person) if side == "front" else back_fields(cap.person)
        yield f"q{i}.jpg", _degrade(cap.shot.jpeg, how, rng), DOC_TYPE[side], truth, how, difficulty


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--rows", type=Path, help="also write one row per frame here")
    args = ap.parse_args()
    from config.settings import Settings
    from extractors.engines import get_engine
    from pipeline.documents.extract import InputFile, extract_files
    from samples.generator.idcard_eval import same_value

    settings = Settings()
    engine = get_engine(settings=settings.ocr)
    rows = []
    for name, jpeg, doc_type, truth, how, difficulty in frames(args.count, args.seed):
        docs = list(extract_files([InputFile(name, jpeg)], engine=engine, settings=settings))
        doc = next((d for d in docs if d.doc_type == doc_type), None)
        # The card's page: the document of the expected type, else the best-scored page found.
        pages = [p for d in docs for p in d.pages if p.quality.score is not None]
        page = doc.pages[0] if doc is not None else max(pages, key=lambda p: p.quality.score or 0, default=None)
        score = page.quality.score if page is not None and page.quality.score is not None else 0
        right = sum(
            doc is not None and k in doc.fields and same_value(v, doc.fields[k].value) for k, v in truth.items()
        )
        rows.append(
            {
                "frame": name,
                "how": how,
                "difficulty": difficulty,
                "score": score,
                "right": right,
                "total": len(truth),
                "metrics": dict(page.quality.metrics) if page is not None else {},
                "issues": [[i.code, str(i.severity)] for i in page.quality.issues] if page is not None else [],
            }
        )
    if args.rows:
        args.rows.write_text(json.dumps(rows))
    table = []
    for lo in range(0, 100, 10):
        sel = [r for r in rows if lo <= r["score"] < lo + 10 or (lo == 90 and r["score"] == 100)]
        right, total = sum(r["right"] for r in sel), sum(r["total"] for r in sel)
        table.append(
            {
                "score": f"{lo}-{lo + 9 if lo < 90 else 100}",
                "pages": len(sel),
                "fields": total,
                "field_accuracy": round(right / total, 4) if total else None,
            }
        )
    above = [r for r in rows if r["score"] >= 60]
    below = [r for r in rows if r["score"] < 60]

    def acc(sel):
        t = sum(r["total"] for r in sel)
        return round(sum(r["right"] for r in sel) / t, 4) if t else None

    print(
        json.dumps(
            {
                "seed": args.seed,
                "pages": len(rows),
                "table": table,
                "score_ge_60": {"pages": len(above), "field_accuracy": acc(above)},
                "score_lt_60": {"pages": len(below), "field_accuracy": acc(below)},
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
