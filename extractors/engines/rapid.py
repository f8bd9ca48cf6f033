"""RapidOCR over the same PP-OCRv6 ONNX models: a second engine with its own pre/post-processing."""

from __future__ import annotations

import logging
import threading

import numpy as np

from config.settings import OcrSettings
from domain.errors import ModelsMissing
from domain.models import OcrPage
from extractors.engines.base import OcrEngine, line_from_polygon, reading_order
from extractors.engines.model_store import DET_MODEL, REC_MODEL, model_paths


class RapidOcrEngine(OcrEngine):
    name = "rapidocr"

    def __init__(self, settings: OcrSettings) -> None:
        paths = model_paths(settings.model_dir)
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover
            raise ModelsMissing("rapidocr is not installed") from exc
        threads = settings.threads or -1
        # Explicit model paths: RapidOCR would otherwise resolve (and possibly fetch) models by name.
        self._ocr = RapidOCR(
            params={
                "Global.use_cls": False,
                "Global.log_level": "warning",
                "Det.model_path": str(paths.det_dir / "inference.onnx"),
                "Rec.model_path": str(paths.rec_dir / "inference.onnx"),
                "Det.limit_side_len": settings.det_limit_side_len,
                "Det.limit_type": "max",
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1 if settings.threads else -1,
            }
        )
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._version = f"rapidocr/{DET_MODEL}+{REC_MODEL}@{paths.version}"
        self._lock = threading.Lock()

    def version(self) -> str:
        return self._version

    def recognize(self, image: np.ndarray) -> OcrPage:
        h, w = image.shape[:2]
        with self._lock:
            out = self._ocr(image)
        lines = []
        if out.boxes is not None:
            readings = zip(out.txts, out.scores, out.boxes, strict=False)
            lines = [ln for t, sc, poly in readings if (ln := line_from_polygon(t, sc, poly)) is not None]
        return OcrPage(tuple(reading_order(lines)), float(w), float(h), self.name)
