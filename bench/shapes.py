"""How often capture tells an A4 page from an ID card on generated camera frames. Prints one JSON object.

    python bench/shapes.py [--cards 90] [--contracts 18] [--seed 11]

Every document found in a frame (capture.locate.find_documents) is judged twice with
capture.geometry.likely_kind: by its measured long/short ratio alone, and by the ratio together with the
height of its text lines (capture.orientation.text_line_share on a rectified preview). ID cards come from
samples.generator.idcard (fronts, backs and pairs), pages from samples.generator.contracts photographed by
the A4 document camera. A page taken for a card is cut to a 720 px card crop and turned to landscape, which
OCR cannot read; this is the number that decides whether contract pages survive the camera.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cards(count: int, seed: int):
    from samples.generator.camera import DIFFICULTIES
    from samples.generator.idcard import make_capture

    for i in range(count):
        difficulty = DIFFICULTIES[i % len(DIFFICULTIES)]
        sides = ("both", "front", "back")[(i // len(DIFFICULTIES)) % 3]
        yield "id_card", difficulty, make_capture(i, seed=seed, difficulty=difficulty, sides=sides).shot.jpeg


def _pages(count: int, seed: int):
    from samples.generator.camera import DIFFICULTIES
    from samples.generator.contracts import TEMPLATES, camera_frames, make_text_pdf

    for i in range(count):
        rng = random.Random(f"shapes/{seed}/{i}")
        difficulty = DIFFICULTIES[i % len(DIFFICULTIES)]
        doc_type = sorted(TEMPLATES)[i % 2]
        template = sorted(TEMPLATES[doc_type])[(i // 2) % len(TEMPLATES[doc_type])]
        pdf, _, _ = make_text_pdf(rng, doc_type, template, difficulty)
        for frame in camera_frames(pdf, rng, difficulty):
            yield "a4", difficulty, frame


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=90, help="ID-card captures (a third are front+back pairs)")
    ap.add_argument("--contracts", type=int, default=18, help="contracts of 2-6 pages, one frame a page")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)

    import cv2
    import numpy as np

    from capture.frame import quad_line_share
    from capture.geometry import likely_kind, measured_size
    from capture.locate import find_documents

    table: dict[str, dict[str, dict[str, int]]] = {}
    misses: list[dict] = []
    judge_ms: list[float] = []
    for truth, difficulty, jpeg in (*_cards(args.cards, args.seed), *_pages(args.contracts, args.seed)):
        frame = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        row = table.setdefault(truth, {}).setdefault(
            difficulty, {"documents": 0, "ratio_only": 0, "ratio_and_text": 0, "frames_without_document": 0}
        )
        found = find_documents(frame)
        row["frames_without_document"] += not found
        for det in found:
            w, h = measured_size(det.quad)
            ratio = max(w, h) / max(min(w, h), 1e-6)
            t = time.perf_counter()
            share = quad_line_share(frame, det.quad)
            kind = likely_kind(ratio, share)
            judge_ms.append((time.perf_counter() - t) * 1000)
            row["documents"] += 1
            row["ratio_only"] += likely_kind(ratio) == truth
            row["ratio_and_text"] += kind == truth
            if kind != truth:
                misses.append({"truth": truth, "difficulty": difficulty, "ratio": round(ratio, 3), "line_share": share})
    summary = {
        truth: {
            rule: round(sum(r[rule] for r in rows.values()) / max(sum(r["documents"] for r in rows.values()), 1), 4)
            for rule in ("ratio_only", "ratio_and_text")
        }
        for truth, rows in table.items()
    }
    judge_ms.sort()
    print(
        json.dumps(
            {
                "seed": args.seed,
                "cores": os.cpu_count(),
                "accuracy": summary,
                "by_difficulty": table,
                "text_judgement_ms": {
                    "p50": round(judge_ms[len(judge_ms) // 2], 1) if judge_ms else None,
                    "max": round(judge_ms[-1], 1) if judge_ms else None,
                },
                "misses": misses,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
