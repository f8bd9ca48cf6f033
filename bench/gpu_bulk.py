"""Bulk OCR on a GPU: pages per second of the ``torch-cuda`` engine beside the same engine on ONNX Runtime's CPU
(``onnx-batched``, every core of the same machine), and how many lines both decode to the same text.

Run where the pages, models and wheels of ``bench/gpu_bulk_prepare.py`` are (see ``bench/gpu_bulk.sh``):

    python bench/gpu_bulk.py --data .gpu [--variants 4] [--threads 16] [--device cuda]

- pages: every prepared page, and ``--variants - 1`` more of each (slightly rotated, scaled, lighter or darker),
  as a reprocess job meets many documents of the same kinds;
- GPU throughput: ``--threads`` threads each read pages one at a time through ``recognize`` (as a worker reads
  documents), so the engine's micro-batcher puts pages of different documents into one batch; plus the engine's
  ``recognize_many`` over lists of ``--batch-pages`` pages (no waiting at all) as the ceiling;
- identity: the same lists of pages read by both engines with the same batches, lines compared as text.

Prints one JSON object. ``--device cpu`` runs the PyTorch path on the CPU (a dry run of this script anywhere).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _variants(image: np.ndarray, k: int, rng: np.random.Generator) -> list[np.ndarray]:
    out = [image]
    h, w = image.shape[:2]
    for _ in range(k - 1):
        angle = rng.uniform(-2.0, 2.0)
        scale = rng.uniform(0.85, 1.1)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
        v = cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
        out.append(cv2.convertScaleAbs(v, alpha=rng.uniform(0.85, 1.1), beta=rng.uniform(-15, 15)))
    return out


def _engine(kind: str, data: Path, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from config.settings import OcrSettings
    from extractors.engines.batched.backends import TorchBackend
    from extractors.engines.batched.engine import BatchedEngine, OnnxBatchedEngine, TorchCudaEngine

    settings = OcrSettings(
        model_dir=data / "models",
        device=args.device,
        batch_pages=args.batch_pages,
        batch_lines=args.batch_lines,
        batch_wait_ms=args.wait_ms,
        threads=args.cpu_threads if kind == "cpu" else 0,
    )
    if kind == "cpu":
        return OnnxBatchedEngine(settings)
    if args.device.startswith("cuda"):
        return TorchCudaEngine(settings)

    class TorchCpuEngine(BatchedEngine):  # the dry run: the PyTorch path on the CPU
        name = "torch-cpu"

        def _backend(self, onnx_path, settings):  # type: ignore[no-untyped-def]
            return TorchBackend(onnx_path, device="cpu")

    return TorchCpuEngine(settings)


def _chunks(items: list, n: int) -> list[list]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def _lines(pages) -> list[str]:  # type: ignore[no-untyped-def]
    return [ln.text for p in pages for ln in p.lines]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT / ".gpu")
    ap.add_argument("--variants", type=int, default=4)
    ap.add_argument("--threads", type=int, default=16, help="threads reading pages one at a time")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--batch-pages", type=int, default=16)
    ap.add_argument("--batch-lines", type=int, default=256)
    ap.add_argument("--wait-ms", type=float, default=20.0)
    ap.add_argument("--cpu-threads", type=int, default=0)
    ap.add_argument("--identity-pages", type=int, default=96, help="pages read by both engines to compare text")
    ap.add_argument("--limit", type=int, default=0, help="use at most this many pages (dry runs)")
    args = ap.parse_args()

    rng = np.random.default_rng(11)
    sources = sorted((args.data / "pages").glob("*.jpg"))
    base = [cv2.imread(str(p)) for p in sources]
    pages = [v for im in base for v in _variants(im, args.variants, rng)]
    if args.limit:
        pages = pages[: args.limit]
    report: dict = {
        "pages": len(pages),
        "distinct_sources": len(base),
        "mean_megapixels": round(float(np.mean([p.shape[0] * p.shape[1] for p in pages])) / 1e6, 3),
        "device": args.device,
        "cpu_cores": os.cpu_count(),
    }
    try:
        import torch

        report["torch"] = torch.__version__
        if args.device.startswith("cuda"):
            report["gpu"] = torch.cuda.get_device_name(0)
    except ImportError:
        pass

    t0 = time.perf_counter()
    gpu = _engine("gpu", args.data, args)
    report["gpu_load_s"] = round(time.perf_counter() - t0, 2)
    gpu.recognize_many(pages[: args.batch_pages])  # warm-up: kernels chosen, memory pools filled

    # Through the micro-batcher, from many threads, as a worker's documents arrive.
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        threaded = list(pool.map(gpu.recognize, pages))
    elapsed = time.perf_counter() - t0
    report["gpu_threads_pages_per_s"] = round(len(pages) / elapsed, 2)
    report["lines"] = sum(len(p.lines) for p in threaded)
    report["gpu_threads_lines_per_s"] = round(report["lines"] / elapsed, 1)

    # Whole lists at once: the ceiling without any waiting.
    t0 = time.perf_counter()
    for chunk in _chunks(pages, args.batch_pages):
        gpu.recognize_many(chunk)
    report["gpu_lists_pages_per_s"] = round(len(pages) / (time.perf_counter() - t0), 2)

    # The CPU reference on the same machine, and line-for-line identity with identical batches.
    cpu = _engine("cpu", args.data, args)
    same = total = 0
    cpu_s = 0.0
    differing: list[list[str]] = []
    for chunk in _chunks(pages[: args.identity_pages], args.batch_pages):
        t0 = time.perf_counter()
        a = _lines(cpu.recognize_many(chunk))
        cpu_s += time.perf_counter() - t0
        b = _lines(gpu.recognize_many(chunk))
        total += max(len(a), len(b))
        same += sum(x == y for x, y in zip(a, b, strict=False))
        differing += [[x, y] for x, y in zip(a, b, strict=False) if x != y][:3]
    n_identity = min(len(pages), args.identity_pages)
    report["cpu_onnxruntime_pages_per_s"] = round(n_identity / cpu_s, 2) if cpu_s else None
    report["identity_pages"] = n_identity
    report["identity_lines"] = total
    report["identical_line_share"] = round(same / total, 5) if total else None
    report["differing_examples"] = differing[:6]
    if report["cpu_onnxruntime_pages_per_s"]:
        report["gpu_over_cpu_same_machine"] = round(
            report["gpu_threads_pages_per_s"] / report["cpu_onnxruntime_pages_per_s"], 1
        )
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
