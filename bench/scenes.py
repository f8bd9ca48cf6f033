"""Field accuracy per real-world scene kind, end to end. Prints one JSON object.

    python bench/scenes.py [--count 20] [--seed 20] [--kinds desk_white,a4_grey,...] [--misses]

Each scene (samples.generator.scenes: light desks, phone photos at 1–3 MP, A4 photocopy scans grey and colour,
turned 0/90/180/270°, some stamped 仅供…使用) goes through the pipeline as an upload would
(pipeline.documents.extract.extract_files: decode → capture → OCR → classify → extract) and every ground-truth field of
every card side is scored (samples.generator.idcard_eval: equal after whitespace removal; a side not returned
scores all its fields wrong). Kinds the capture rules were tuned on and kinds held out of tuning are summed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
os.environ.setdefault("DOCINTEL_OCR__MODEL_DIR", str(ROOT / "var" / "models"))


def _fields_right(tally, kinds) -> tuple[int, int]:
    right = sum(v for (k, _), v in tally.right.items() if k in kinds)
    total = sum(v for (k, _), v in tally.total.items() if k in kinds)
    return right, total


def main(argv: list[str] | None = None) -> int:
    from samples.generator.scenes import HELD_OUT_KINDS, SCENE_KINDS, TUNED_KINDS

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=20, help="scenes per kind")
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--kinds", default=",".join(SCENE_KINDS))
    p.add_argument("--misses", action="store_true", help="list every wrong or missing field (values masked)")
    args = p.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    bad = sorted(set(kinds) - set(SCENE_KINDS))
    if bad or args.count < 1:
        print(f"bad arguments: kinds from {','.join(SCENE_KINDS)}, --count ≥ 1", file=sys.stderr)
        return 2

    from config.settings import get_settings
    from extractors.engines import get_engine
    from pipeline.documents.extract import InputFile, extract_files
    from samples.generator.idcard_eval import Tally
    from samples.generator.scenes import make_scene

    engine = get_engine(settings=get_settings().ocr)
    tally = Tally()
    by_turn = Tally()  # A4 copies by how far the page was turned, all A4 kinds together
    per_kind: dict[str, dict] = {}
    t0 = time.perf_counter()
    for kind in kinds:
        k0 = time.perf_counter()
        docs_total = docs_found = 0
        for i in range(args.count):
            scene = make_scene(kind, i, seed=args.seed)
            got = [d.to_json() for d in extract_files([InputFile(scene.name, scene.data)], engine=engine)]
            before = tally.docs_found[kind]
            tally.add_capture(scene.truth(), got)
            if "rotation_deg" in scene.variant:
                by_turn.add_capture({**scene.truth(), "difficulty": f"a4_turned_{scene.variant['rotation_deg']}"}, got)
            docs_found += tally.docs_found[kind] - before
            docs_total += len(scene.docs)
        right, total = _fields_right(tally, {kind})
        per_kind[kind] = {
            "held_out": kind in HELD_OUT_KINDS,
            "scenes": args.count,
            "field_accuracy": round(right / total, 4) if total else None,
            "fields": f"{right}/{total}",
            "card_sides_found": f"{docs_found}/{docs_total}",
            "seconds": round(time.perf_counter() - k0, 1),
        }
    groups = {}
    for name, group in (("tuned", TUNED_KINDS), ("held_out", HELD_OUT_KINDS)):
        right, total = _fields_right(tally, set(group) & set(kinds))
        groups[name] = {
            "kinds": [k for k in group if k in kinds],
            "field_accuracy": round(right / total, 4) if total else None,
            "fields": f"{right}/{total}",
        }
    out = {
        "bench": "scenes",
        "seed": args.seed,
        "count_per_kind": args.count,
        "engine": engine.version(),
        "per_kind": per_kind,
        "per_field": tally.summary()["overall"],
        **groups,
        "a4_by_rotation": {
            turn: f"{sum(v for (k, _), v in by_turn.right.items() if k == turn)}/"
            f"{sum(v for (k, _), v in by_turn.total.items() if k == turn)}"
            for turn in sorted({k for k, _ in by_turn.total})
        },
        "seconds": round(time.perf_counter() - t0, 1),
    }
    if args.misses:
        # File, side and field name only: the values are personal data even when invented.
        out["misses"] = [list(m) for m in tally.misses]
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
