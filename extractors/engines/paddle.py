"""PaddleOCR 3.x on ONNX Runtime with the PP-OCRv6 small models: the default engine."""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from config.settings import OcrSettings
from domain.errors import ModelsMissing
from domain.models import OcrPage
from extractors.engines.base import OcrEngine, line_from_polygon, reading_order
from extractors.engines.ctc_candidates import CandidateRecorder
from extractors.engines.model_store import model_paths
from extractors.engines.onnx_ocr import OcrRuntime, SessionConfig

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


def record_candidates(ocr) -> bool:  # type: ignore[no-untyped-def]
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


MAX_DEFAULT_SESSIONS = 4


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class PaddleOcrEngine(OcrEngine):
    """PP-OCRv6 det/rec on ONNX Runtime sessions driven directly (``onnx_ocr.OcrRuntime``), with PaddleOCR's
    own pre/post-processing: the same lines as ``PaddleOCR.predict``. Up to ``ocr.sessions`` readers run at
    once, each on its own session pair (made on first need), so concurrent counters never wait on a lock."""

    name = "paddle"

    def __init__(self, settings: OcrSettings) -> None:
        self._paths = model_paths(settings.model_dir)  # ModelsMissing with instructions, before any import cost
        os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"
        # Each session pair keeps its own memory arena: a few, each with several threads, on a big machine.
        self.max_sessions = settings.sessions or min(cores(), MAX_DEFAULT_SESSIONS)
        self._session = SessionConfig(
            intra_op_threads=settings.threads or max(1, cores() // self.max_sessions),
            inter_op_threads=1,
            spin=settings.spin_threads,
        )
        self._det_limit = settings.det_limit_side_len
        self._rec_batch = settings.rec_batch
        self._rec_box_scale = settings.rec_box_scale
        self._idle: queue.LifoQueue[OcrRuntime] = queue.LifoQueue()
        self._made = 0
        self._lock = threading.Lock()  # guards session creation only
        self._idle.put(self._new_runtime())  # load now: a broken model fails at start-up, not at the first frame
        route_paddle_logs()  # after the first runtime: importing paddlex installs its own handler
        self._version = f"paddleocr-onnx/{self._paths.det_name}+{self._paths.rec_name}@{self._paths.version}" + (
            f"/box{settings.rec_box_scale:g}" if settings.rec_box_scale != 1.0 else ""
        )

    def _new_runtime(self) -> OcrRuntime:
        self._made += 1
        return OcrRuntime(
            self._paths,
            det_limit_side_len=self._det_limit,
            session=self._session,
            rec_batch=self._rec_batch,
            rec_box_scale=self._rec_box_scale,
        )

    @property
    def sessions(self) -> int:
        """Session pairs made so far (at most ``max_sessions``)."""
        return self._made

    @contextmanager
    def _runtime(self) -> Iterator[OcrRuntime]:
        try:
            runtime = self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                fresh = self._made < self.max_sessions
                if fresh:
                    runtime = self._new_runtime()
            if not fresh:
                runtime = self._idle.get()  # all sessions busy: wait for one
        try:
            yield runtime
        finally:
            self._idle.put(runtime)

    def version(self) -> str:
        return self._version

    def recognize(self, image: np.ndarray) -> OcrPage:
        h, w = image.shape[:2]
        with self._runtime() as runtime:
            read = runtime.read(image)
        lines = [ln for r in read if (ln := line_from_polygon(r.text, r.score, r.polygon, r.candidates)) is not None]
        return OcrPage(tuple(reading_order(lines)), float(w), float(h), self.name)
