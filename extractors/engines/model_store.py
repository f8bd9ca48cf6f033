"""Local OCR model folders, assembled from the ONNX files inside the installed ``rapidocr`` wheel.

Nothing is ever downloaded. ``assemble_models`` writes one folder per model holding ``inference.onnx`` and the
``inference.yml`` that PaddleOCR expects; it is idempotent (a manifest of source hashes makes a second run a no-op).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ModelsMissing

DET_MODEL = "PP-OCRv6_small_det"
REC_MODEL = "PP-OCRv6_small_rec"
_WHEEL_FILES = {DET_MODEL: "PP-OCRv6_det_small.onnx", REC_MODEL: "PP-OCRv6_rec_small.onnx"}
_MANIFEST = "manifest.json"

HOW_TO_FIX = "run `make models` (or `docintel models assemble`) to assemble them from the installed rapidocr wheel"


@dataclass(frozen=True)
class ModelPaths:
    det_name: str
    det_dir: Path
    rec_name: str
    rec_dir: Path
    version: str  # short hash of both ONNX files: changes when the models change


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def wheel_model_dir() -> Path:
    try:
        import rapidocr
    except ImportError as exc:  # pragma: no cover - the lock file installs it
        raise ModelsMissing("the rapidocr package is not installed; it carries the PP-OCRv6 ONNX models") from exc
    return Path(rapidocr.__file__).parent / "models"


def model_paths(model_dir: Path) -> ModelPaths:
    """The assembled folders, or ModelsMissing with how to assemble them."""
    manifest = model_dir / _MANIFEST
    missing = [
        str(model_dir / name / f)
        for name in (DET_MODEL, REC_MODEL)
        for f in ("inference.onnx", "inference.yml")
        if not (model_dir / name / f).is_file()
    ]
    if missing or not manifest.is_file():
        raise ModelsMissing(
            f"OCR models are not assembled in {model_dir} (missing: {', '.join(missing) or _MANIFEST}); {HOW_TO_FIX}",
            message_zh="OCR 模型尚未就绪，请先运行 make models",
        )
    version = json.loads(manifest.read_text())["version"]
    return ModelPaths(DET_MODEL, model_dir / DET_MODEL, REC_MODEL, model_dir / REC_MODEL, version)


def assemble_models(model_dir: Path) -> ModelPaths:
    """Builds the PaddleOCR model folders from the rapidocr wheel. A no-op when they are already current."""
    src = wheel_model_dir()
    sources = {name: src / fname for name, fname in _WHEEL_FILES.items()}
    for name, path in sources.items():
        if not path.is_file():
            raise ModelsMissing(f"{path} is not in the installed rapidocr wheel (needed for {name})")
    hashes = {name: _sha256(p) for name, p in sources.items()}
    version = hashlib.sha256("".join(hashes[n] for n in sorted(hashes)).encode()).hexdigest()[:12]
    manifest = model_dir / _MANIFEST
    if manifest.is_file() and json.loads(manifest.read_text()).get("sources") == hashes:
        try:
            return model_paths(model_dir)
        except ModelsMissing:
            pass  # a folder was removed by hand: rebuild

    # paddlex's metadata builder is the source of truth for the pre/post-processing config.
    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
    import onnxruntime as ort
    import yaml
    from paddlex.modules.base.utils.pdparams2safetensors.inference_meta import build_inference_meta

    model_dir.mkdir(parents=True, exist_ok=True)
    for name, path in sources.items():
        folder = model_dir / name
        tmp = model_dir / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        shutil.copyfile(path, tmp / "inference.onnx")
        meta = build_inference_meta(name)
        if name == REC_MODEL:
            # The bundled dictionary differs in length from the one the network was trained with; the true
            # one is stored in the ONNX metadata, and decoding crashes without it.
            session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            chars = session.get_modelmeta().custom_metadata_map["character"].split("\n")
            meta["PostProcess"]["character_dict"] = chars
        (tmp / "inference.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    manifest.write_text(json.dumps({"version": version, "sources": hashes}, indent=2))
    return model_paths(model_dir)
