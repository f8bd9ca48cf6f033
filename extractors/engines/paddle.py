"""PaddleOCR 3.x on ONNX Runtime with the PP-OCRv6 small models: the default engine."""

from __future__ import annotations

import logging
import os
import threading

import numpy as np

from config.settings import OcrSettings
from domain.errors import ModelsMissing
from domain.models import OcrPage
from extractors.engines.base import OcrEngine, line_from_polygon, reading_order
from extractors.engines.ctc_candidates import CandidateRecorder
from extractors.engines.model_store import model_paths

log = logging.getLogger(__name__)


def build_paddleocr(settings: OcrSettings, paths=None):
    """The PaddleOCR pipeline as docintel configures it (ONNX Runtime, our det/rec models, no document
    unwarping or orientation models). The engine wraps it; bench/extract.py calls it bare as the raw peer."""
    paths = paths or model_paths(settings.model_dir)
    try:
        from paddleocr import PaddleOCR
    except ImportError as exc:  # pragma: no cover
        raise ModelsMissing("paddleocr is not installed") from exc
    route_paddle_logs()
    ort_config: dict = {}
    if settings.threads:
        ort_config = {"intra_op_num_threads": settings.threads, "inter_op_num_threads": 1}
    return PaddleOCR(
        engine="onnxruntime",
        engine_config=ort_config or None,
        text_detection_model_name=paths.det_name,
        text_detection_model_dir=str(paths.det_dir),
        text_recognition_model_name=paths.rec_name,
        text_recognition_model_dir=str(paths.rec_dir),
        use_doc_orientation_classify=False,
        use_doc_unwarping=False,
        use_textline_orientation=False,
        text_det_limit_side_len=settings.det_limit_side_len,
        text_det_limit_type="max",
    )


def route_paddle_logs() -> None:
    """PaddleX sets up its own logger on import: INFO level, a coloured handler on stderr, not propagating, so
    "Creating model" banners with ANSI colours reach the terminal whatever docintel's log level. Its records
    go through docintel's logging instead (stderr, our format and level; INFO is hidden by default)."""
    for name in ("paddlex", "paddleocr"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
        logger.setLevel(logging.WARNING)


def _record_candidates(ocr) -> bool:  # type: ignore[no-untyped-def]
    """Puts a ``CandidateRecorder`` around the recogniser's CTC decoder. It reaches into PaddleX's pipeline
    (pinned in requirements.lock); if another version is laid out differently, lines simply come without
    candidates, and the test that asks for them fails."""
    try:
        rec = ocr.paddlex_pipeline._pipeline.text_rec_model
        if not isinstance(rec.post_op, CandidateRecorder):
            rec.post_op = CandidateRecorder(rec.post_op)
        return True
    except AttributeError:
        log.warning("PaddleOCR's recogniser is not where docintel expects it: lines come without candidates")
        return False


class PaddleOcrEngine(OcrEngine):
    name = "paddle"

    def __init__(self, settings: OcrSettings) -> None:
        paths = model_paths(settings.model_dir)  # ModelsMissing with instructions, before any import cost
        os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"
        self._ocr = build_paddleocr(settings, paths)
        _record_candidates(self._ocr)
        self._version = f"paddleocr-onnx/{paths.det_name}+{paths.rec_name}@{paths.version}"
        # The paddlex pipeline keeps per-call state; one call at a time per instance.
        self._lock = threading.Lock()

    def version(self) -> str:
        return self._version

    def recognize(self, image: np.ndarray) -> OcrPage:
        h, w = image.shape[:2]
        with self._lock:
            result = self._ocr.predict(image)[0]
        readings = zip(result["rec_texts"], result["rec_scores"], result["rec_polys"], strict=False)
        lines = [
            ln
            for t, sc, poly in readings
            if (ln := line_from_polygon(t, sc, poly, getattr(t, "candidates", None))) is not None
        ]
        return OcrPage(tuple(reading_order(lines)), float(w), float(h), self.name)
