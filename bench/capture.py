"""Capture speed and what cropping does for OCR, on generated ID-card captures. Prints one JSON object.

    python bench/capture.py [--count 24] [--seed 3] [--sizes 1600x1200,2448x3264] [--card-widths 1000]
                            [--no-ocr]

Per frame (JPEG bytes from samples.generator.idcard): ``decode`` (capture.load.load_pages) and ``prepare``
(capture.frame.prepare_frame: localise, rectify, orient, quality, phash) in milliseconds; the corner error of
the localised cards against the generator's ground truth (max over the four corners, px); then the OCR engine
(extractors.engines.get_engine) on the full frame and on the crops, timed in turn on the same frame so a busy
machine slows both alike, with the share of ground-truth field values found in the text read. With several
``--card-widths`` the crops are re-rendered at each width to see what resolution OCR needs.

Every time is reported twice: wall-clock ``ms`` and ``cpu_ms`` (process CPU time, all threads). On a machine
shared with other work the wall clock swells with the load average; CPU time stays close to the work done.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
os.environ.setdefault("DOCINTEL_OCR__MODEL_DIR", str(ROOT / "var" / "models"))

import numpy as np  # noqa: E402


def _p(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 2)


def _summary(values: list[float]) -> dict[str, float]:
    return {"p50": _p(values, 0.5), "p90": _p(values, 0.9), "max": round(max(values), 2) if values else float("nan")}


class _Clock:
    """Wall and CPU milliseconds of one block."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall_ms = (time.perf_counter() - self.wall) * 1000
        self.cpu_ms = (time.process_time() - self.cpu) * 1000


class _Series:
    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, clock: _Clock) -> None:
        self.wall.append(clock.wall_ms)
        self.cpu.append(clock.cpu_ms)

    def summary(self) -> dict:
        return {"ms": _summary(self.wall), "cpu_ms": _summary(self.cpu)}


def _corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    from capture.geometry import order_corners

    truth = order_corners(np.asarray(truth, np.float32))
    return float(min(np.max(np.linalg.norm(np.roll(found, k, axis=0) - truth, axis=1)) for k in range(4)))


def _found_share(text: str, values: list[str]) -> float:
    flat = "".join(text.split())
    vals = ["".join(v.split()) for v in values if v]
    return sum(v in flat for v in vals) / max(len(vals), 1)


def _field_values(doc: dict) -> list[str]:
    # Values as printed on the card (dates as ISO are not printed; compare the rest).
    return [v for k, v in doc["fields"].items() if k not in ("birth_date", "valid_from", "valid_until")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=24)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--sizes", default="1600x1200,2448x3264")
    ap.add_argument("--card-widths", default="1000", help="comma-separated ID-card output widths to compare")
    ap.add_argument("--no-ocr", action="store_true")
    args = ap.parse_args(argv)

    import capture.geometry as geometry
    from capture.frame import prepare_frame
    from capture.load import load_pages
    from capture.locate import find_documents
    from config.settings import get_settings
    from samples.generator.camera import DIFFICULTIES
    from samples.generator.idcard import make_capture

    settings = get_settings()
    engine = None
    if not args.no_ocr:
        from extractors.engines import get_engine

        engine = get_engine(settings=settings.ocr)
    widths = [int(w) for w in args.card_widths.split(",")]
    sizes = [tuple(int(v) for v in s.lower().split("x")) for s in args.sizes.split(",")]
    out: dict = {"count_per_size": args.count, "seed": args.seed, "cores": os.cpu_count(), "sizes": {}}
    for size in sizes:
        decode, prepare, locate, ocr_full = _Series(), _Series(), _Series(), _Series()
        errors: list[float] = []
        missed = 0
        ocr_full_acc: list[float] = []
        ocr_crop = {w: _Series() for w in widths}
        ocr_crop_acc: dict[int, list[float]] = {w: [] for w in widths}
        issues: dict[str, int] = {}
        for i in range(args.count):
            difficulty = DIFFICULTIES[i % len(DIFFICULTIES)]
            sides = "both" if i % 6 == 5 else ("front", "back")[i % 2]
            cap = make_capture(i, seed=args.seed, difficulty=difficulty, sides=sides, frame_size=size)
            truth = cap.ground_truth()["documents"]
            geometry.ID_CARD_WIDTH_PX = widths[0]
            with _Clock() as c:
                (raw,) = load_pages(cap.shot.jpeg, cap.file_name, settings.capture)
            decode.add(c)
            with _Clock() as c:
                pages = prepare_frame(raw, settings.capture)
            prepare.add(c)
            with _Clock() as c:
                found = find_documents(raw.image)
            locate.add(c)
            for doc in truth:
                if not found:
                    missed += 1
                    continue
                errors.append(min(_corner_error(d.quad, doc["quad"]) for d in found))
            for p in pages:
                for issue in p.quality.issues:
                    issues[issue.code] = issues.get(issue.code, 0) + 1
            if engine is None:
                continue
            values = [v for doc in truth for v in _field_values(doc)]
            with _Clock() as c:
                full = engine.recognize(raw.image)
            ocr_full.add(c)
            ocr_full_acc.append(_found_share(full.text, values))
            for w in widths:
                geometry.ID_CARD_WIDTH_PX = w
                crops = pages if w == widths[0] else prepare_frame(raw, settings.capture)
                with _Clock() as c:
                    texts = [engine.recognize(p.image).text for p in crops]
                ocr_crop[w].add(c)
                ocr_crop_acc[w].append(_found_share("\n".join(texts), values))
        geometry.ID_CARD_WIDTH_PX = widths[0]
        entry: dict = {
            "decode": decode.summary(),
            "prepare_frame": prepare.summary(),
            "find_documents": locate.summary(),
            "corner_error_px": _summary(errors),
            "cards_missed": missed,
            "quality_issues": issues,
        }
        if engine is not None:
            entry["ocr_full_frame"] = {**ocr_full.summary(), "field_share": round(statistics.mean(ocr_full_acc), 3)}
            entry["ocr_crops"] = {
                str(w): {**ocr_crop[w].summary(), "field_share": round(statistics.mean(ocr_crop_acc[w]), 3)}
                for w in widths
            }
            first = ocr_crop[widths[0]]
            entry["ocr_crop_over_full_p50"] = {
                "wall": round(_p(first.wall, 0.5) / _p(ocr_full.wall, 0.5), 3),
                "cpu": round(_p(first.cpu, 0.5) / _p(ocr_full.cpu, 0.5), 3),
            }
        out["sizes"][f"{size[0]}x{size[1]}"] = entry
    out["load_average"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
