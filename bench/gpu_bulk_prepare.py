"""Prepares what ``bench/gpu_bulk.py`` needs on a GPU machine that reaches no registry: the page images a bulk
reprocess hands the OCR engine (generated cases' camera frames after capture: ID-card sides and contract pages,
plus scanned contract pages), the two ONNX models with their ``inference.yml``, and the wheels of the few pure or
small packages the engine needs beyond that machine's own PyTorch/ONNX/OpenCV stack.

    .venv/bin/python bench/gpu_bulk_prepare.py --cases 12 --out .gpu

Writes ``OUT/pages/*.jpg``, ``OUT/models/…`` and ``OUT/wheels/*.whl`` (keep OUT ignored: it is not committed).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What the engine imports that the GPU image lacks (KINDS.md lists its packages); cp312 wheels for x86-64.
WHEELS = [
    "onnx2torch==1.5.15",  # not in requirements.lock: only the gpu extra needs it
    "pyclipper",
    "pydantic",
    "pydantic-core",
    "pydantic-settings",
    "annotated-types",
    "typing-inspection",
    "python-dotenv",
]
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"]


def _pinned(name: str) -> str:
    """The version requirements.lock pins, so the GPU run uses what CI uses."""
    if "==" in name:
        return name
    key = name.lower().replace("_", "-")
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        pkg, _, version = line.strip().partition("==")
        if version and pkg.lower().replace("_", "-") == key:
            return line.strip()
    raise SystemExit(f"{name} is not pinned in requirements.lock")


def _pages(cases: int, out: Path) -> int:
    from config.settings import get_settings
    from pipeline.documents.extract import InputFile, capture_pages

    settings = get_settings()
    n = 0
    for seed in range(cases):
        business = "purchase_withdrawal" if seed % 2 == 0 else "rental_withdrawal"
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [sys.executable, "-m", "samples.generator", "case", "--out", tmp, "--seed", str(1000 + seed),
                 "--business", business, "--contract-form", "camera"],
                cwd=ROOT, check=True, capture_output=True,
            )  # fmt: skip
            for path in sorted(Path(tmp).rglob("*")):
                if path.suffix.lower() not in (".jpg", ".jpeg", ".png", ".pdf"):
                    continue
                for page in capture_pages(InputFile(path.name, path.read_bytes()), settings):
                    if page.image is None:
                        continue
                    cv2.imwrite(str(out / f"{seed:03d}_{n:04d}.jpg"), page.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
                    n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=12)
    ap.add_argument("--out", type=Path, default=ROOT / ".gpu")
    args = ap.parse_args()
    from config.settings import get_settings

    out = args.out
    (out / "pages").mkdir(parents=True, exist_ok=True)
    pages = _pages(args.cases, out / "pages")
    model_dir = get_settings().ocr.model_dir
    for sub in ("PP-OCRv6_small_det", "PP-OCRv6_small_rec"):
        (out / "models" / sub).mkdir(parents=True, exist_ok=True)
        for f in ("inference.onnx", "inference.yml"):
            shutil.copyfile(model_dir / sub / f, out / "models" / sub / f)
    shutil.copyfile(model_dir / "manifest.json", out / "models" / "manifest.json")
    wheels = out / "wheels"
    wheels.mkdir(exist_ok=True)
    platform_args = [a for p in PLATFORMS for a in ("--platform", p)]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--python-version", "3.12",
         "--implementation", "cp", *platform_args, "-d", str(wheels), *(_pinned(w) for w in WHEELS)],
        check=True,
    )  # fmt: skip
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(json.dumps({"pages": pages, "out": str(out), "mib": round(size / 2**20, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
