"""Per-frame latency and peak memory of ``docintel extract`` on generated ID-card captures, contract camera
pages and scanned contract PDFs, side by side with a raw PaddleOCR call and Tesseract chi_sim on the same full
frames. Prints one JSON object.

    python bench/extract.py [--count 30] [--contracts 4] [--seed 11] [--cores 2] [--tesseract-count N] [--data DIR]

``--contracts N`` adds N generated contracts per form (purchase and rental alternately, easy and medium): each
camera page is one frame, each scanned PDF one item (its latency is reported per page). For a PDF the raw peer
rasterises the pages as docintel does (same DPI) and reads each whole page.

Each variant runs in its own process (so peak RSS is its own), loads its models first (not timed) and reads one
warm-up frame (not timed). The driver then hands the same frame to each variant in turn, frame by frame (so a
machine shared with other work slows every variant alike), and each times the frame from its JPEG bytes to its
result:
- ``docintel``: ``pipeline.documents.extract.extract_files`` (decode, localise and crop the card, OCR, classify, extract);
- ``paddle_raw``: JPEG decode + ``PaddleOCR.predict`` on the full frame, constructed as the paddle engine does
  (same ONNX model folders, same detection size limit);
- ``tesseract``: JPEG decode + ``pytesseract.image_to_data(lang="chi_sim+eng")`` on the full frame.
Field accuracy of the raw engines is what docintel's own ID-card extractors make of their full-frame lines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
os.environ.setdefault("DOCINTEL_OCR__MODEL_DIR", str(ROOT / "var" / "models"))

VARIANTS = ("docintel", "paddle_raw", "tesseract")


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# --- one variant, in its own process ---------------------------------------------------------------------
def _raw_paddle():
    from config.settings import get_settings
    from extractors.engines.paddle import build_paddleocr

    return build_paddleocr(get_settings().ocr)


def _paddle_page(result, w: int, h: int):
    import numpy as np

    from domain.models import OcrPage, TextLine
    from extractors.engines.base import reading_order

    lines = []
    for text, score, poly in zip(result["rec_texts"], result["rec_scores"], result["rec_polys"], strict=False):
        if str(text).strip():
            pts = np.asarray(poly, dtype=float).reshape(-1, 2)
            bbox = (pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max())
            lines.append(TextLine(str(text), float(score), tuple(float(v) for v in bbox)))
    return OcrPage(tuple(reading_order(lines)), float(w), float(h), "paddle_raw")


def _extract_from_page(page) -> list[dict]:
    """What docintel's classifier and extractors make of one full-frame OCR page (for the raw engines)."""
    from extractors.registry import classify, extractor_for

    doc_type, _ = classify([page])
    if doc_type == "unknown":
        return []
    ex = extractor_for(doc_type).extract([page])
    return [{"doc_type": doc_type, "fields": {k: {"value": f.value} for k, f in ex.fields.items()}}]


def _images(name: str, blob: bytes) -> list:
    """The full frames a raw engine reads: a decoded camera frame, or a PDF's pages rasterised."""
    import cv2
    import numpy as np

    if name.endswith(".pdf"):
        from capture.pdf import load_pdf_pages
        from config.settings import get_settings

        return [p.image for p in load_pdf_pages(blob, name, get_settings().capture)]
    return [cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_COLOR)]


def _reader(variant: str):
    """Loads the variant's models and returns ``frame bytes → outputs``."""
    import cv2
    import numpy as np

    if variant == "docintel":
        from config.settings import get_settings
        from extractors.engines import get_engine
        from pipeline.documents.extract import InputFile, extract_files

        engine = get_engine(settings=get_settings().ocr)

        def one(name: str, blob: bytes) -> list:
            return [d.to_json() for d in extract_files([InputFile(name, blob)], engine=engine)]

        return one
    if variant == "paddle_raw":
        ocr = _raw_paddle()

        def one(name: str, blob: bytes) -> list:
            out = []
            for img in _images(name, blob):
                result = ocr.predict(img)[0]
                out.append(_paddle_page(result, img.shape[1], img.shape[0]))
            return out

        return one
    if variant == "tesseract":
        from config.settings import get_settings
        from extractors.engines.tesseract import TesseractEngine

        tess = TesseractEngine(get_settings().ocr)

        def one(name: str, blob: bytes) -> list:
            img = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_COLOR)
            return [tess.recognize(img)]

        return one
    raise SystemExit(f"unknown variant {variant!r}")


def serve_variant(variant: str, data: Path) -> None:
    """Worker: loads models, reads one warm-up frame, then times each frame named on stdin, answering one JSON
    line per frame; at end of input a summary with its own peak RSS. The driver interleaves workers frame by
    frame, so a machine shared with other work slows every variant alike."""
    truth = {c["file"]: c for c in json.loads((data / "ground_truth.json").read_text(encoding="utf-8"))["captures"]}
    t_load = time.perf_counter()
    one = _reader(variant)
    load_s = time.perf_counter() - t_load
    first = next(iter(truth))
    one(first, (data / first).read_bytes())  # warm-up: first-call allocations and lazy imports
    print(json.dumps({"ready": True, "model_load_s": round(load_s, 2)}), flush=True)

    from samples.generator.idcard_eval import Tally

    tally = Tally()
    for line in sys.stdin:
        name = line.strip()
        blob = (data / name).read_bytes()
        t0 = time.perf_counter()
        out = one(name, blob)
        ms = (time.perf_counter() - t0) * 1000
        if name in truth:  # an ID-card capture: field accuracy too
            docs = out if variant == "docintel" else [d for page in out for d in _extract_from_page(page)]
            tally.add_capture(truth[name], docs)
        print(json.dumps({"ms": ms}), flush=True)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps({"peak_rss_mb": round(peak_rss_mb, 1), "accuracy": tally.summary()}), flush=True)


class _Worker:
    def __init__(self, variant: str, data: Path, cores: int | None) -> None:
        env = dict(os.environ)
        if cores:
            env.update(OMP_NUM_THREADS=str(cores), DOCINTEL_OCR__THREADS=str(cores))
        preexec = None
        if cores and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > cores:
            preexec = lambda: os.sched_setaffinity(0, set(range(cores)))  # noqa: E731 - same cores for all
        self.variant = variant
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", variant, "--data", str(data)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            preexec_fn=preexec,
            cwd=ROOT,
        )
        self.latencies: dict[str, list[float]] = {}
        self.info: dict = {}

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.variant} worker stopped (exit {self.proc.wait()})")
        return json.loads(line)

    def ready(self) -> None:
        self.info.update(self._answer())

    def read(self, name: str, kind: str, pages: int) -> None:
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        self.latencies.setdefault(kind, []).append(self._answer()["ms"] / pages)

    def finish(self) -> dict:
        self.proc.stdin.close()
        self.info.update(self._answer())
        self.proc.wait()
        out = {
            **_stats(self.latencies.get("id_card", [])),
            "model_load_s": self.info.get("model_load_s"),
            "peak_rss_mb": self.info.get("peak_rss_mb"),
            "accuracy": self.info.get("accuracy"),
        }
        for kind in CONTRACT_KINDS:
            if self.latencies.get(kind):
                out[kind] = _stats(self.latencies[kind])
        return out


def _stats(lat: list[float]) -> dict:
    return {
        "frames": len(lat),
        "p50_ms": round(_percentile(lat, 0.5), 1),
        "p95_ms": round(_percentile(lat, 0.95), 1),
        "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
    }


CONTRACT_KINDS = ("contract_camera_page", "contract_scanned_page")


def _add_contracts(data: Path, per_form: int, seed: int) -> list[tuple[str, str, int]]:
    """Writes contract camera frames and scanned PDFs into ``data``; (file, kind, pages) per item."""
    import random

    from samples.generator.contracts import TEMPLATES, make_contract

    items = []
    for i in range(per_form):
        doc_type = ("purchase_contract", "rental_agreement")[i % 2]
        template = sorted(TEMPLATES[doc_type])[(i // 2) % len(TEMPLATES[doc_type])]
        difficulty = ("easy", "medium")[(i // 2) % 2]
        for form in ("camera", "scanned_pdf"):
            rng = random.Random(f"{seed}/bench-extract/{form}/{i}")
            name = f"bench_{doc_type}_{form}_{i:02d}"
            sample = make_contract(
                rng, doc_type=doc_type, template=template, form=form, difficulty=difficulty, name=name
            )
            kind = "contract_camera_page" if form == "camera" else "contract_scanned_page"
            for fname, blob in sample.files:
                (data / fname).write_bytes(blob)
                items.append((fname, kind, 1 if form == "camera" else sample.pages))
    return items


# --- the driver -----------------------------------------------------------------------------------------------
def _ratio(a: dict, b: dict, key: str) -> float | None:
    try:
        return round(a[key] / b[key], 3)
    except (KeyError, ZeroDivisionError, TypeError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=30, help="generated captures (ignored with --data)")
    ap.add_argument("--contracts", type=int, default=4, help="generated contracts per form (camera, scanned PDF)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--data", type=Path, default=None, help="a folder with ground_truth.json (default: generate)")
    ap.add_argument("--cores", type=int, default=2, help="ONNX Runtime threads and CPU affinity per variant")
    ap.add_argument("--tesseract-count", type=int, default=10, help="frames for Tesseract (about 4 s each); 0: all")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        serve_variant(args.worker, args.data)
        return 0

    with tempfile.TemporaryDirectory(prefix="docintel-bench-") as tmp:
        data = args.data
        if data is None:
            from samples.generator.idcard import generate_set

            data = Path(tmp)
            generate_set(data, count=args.count, seed=args.seed)
        cards = [c["file"] for c in json.loads((data / "ground_truth.json").read_text(encoding="utf-8"))["captures"]]
        items = [(n, "id_card", 1) for n in cards]
        if args.contracts:
            contracts = _add_contracts(data, args.contracts, args.seed)
            # Contract items spread among the cards, so a slow spell of the machine hits every kind.
            step = max(1, len(items) // max(len(contracts), 1))
            for k, item in enumerate(contracts):
                items.insert(min(len(items), (k + 1) * (step + 1) - 1), item)
        variants = [v for v in args.variants.split(",") if v]
        workers = {v: _Worker(v, data, args.cores) for v in variants}
        for w in workers.values():
            w.ready()
        n_cards = 0
        for i, (name, kind, pages) in enumerate(items):
            order = variants[i % len(variants) :] + variants[: i % len(variants)]  # no variant always goes first
            for v in order:
                if v == "tesseract" and (
                    kind != "id_card" or (args.tesseract_count and n_cards >= args.tesseract_count)
                ):
                    continue
                workers[v].read(name, kind, pages)
            n_cards += kind == "id_card"
            print(f"bench: item {i + 1}/{len(items)} ({kind})", file=sys.stderr)
        results = {v: w.finish() for v, w in workers.items()}

    d, p, t = (results.get(v, {}) for v in VARIANTS)
    for kind in CONTRACT_KINDS:
        ratios_kind = _ratio(d.get(kind, {}), p.get(kind, {}), "p50_ms")
        d.setdefault(kind, {})["p50_over_paddle_raw_p50"] = ratios_kind
    ratios = {
        "contract_camera_page_p50_over_paddle_raw": d["contract_camera_page"]["p50_over_paddle_raw_p50"],
        "contract_scanned_page_p50_over_paddle_raw": d["contract_scanned_page"]["p50_over_paddle_raw_p50"],
        "docintel_p50_over_paddle_raw_p50": _ratio(d, p, "p50_ms"),
        "docintel_p95_over_paddle_raw_p95": _ratio(d, p, "p95_ms"),
        "docintel_rss_over_paddle_raw_rss": _ratio(d, p, "peak_rss_mb"),
        "tesseract_p50_over_docintel_p50": _ratio(t, d, "p50_ms"),
        "tesseract_rss_over_docintel_rss": _ratio(t, d, "peak_rss_mb"),
    }
    report = {
        "bench": "extract",
        "frames": args.count if args.data is None else None,
        "seed": args.seed if args.data is None else None,
        "cores": args.cores,
        "cpu_count": os.cpu_count(),
        "variants": results,
        "ratios": ratios,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "target": {
            "docintel_p50_at_most_1.2x_paddle_raw": (
                ratios["docintel_p50_over_paddle_raw_p50"] is not None
                and ratios["docintel_p50_over_paddle_raw_p50"] <= 1.2
            ),
            "contract_pages_at_most_0.5x_paddle_raw": all(
                ratios[k] is not None and ratios[k] <= 0.5
                for k in ("contract_camera_page_p50_over_paddle_raw", "contract_scanned_page_p50_over_paddle_raw")
            ),
        },
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
