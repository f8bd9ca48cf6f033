"""PP-OCR text detection and recognition driven straight on ONNX Runtime sessions.

PaddleOCR's pipeline object keeps per-call state (its batch sampler, its predictors), so one instance can serve
one call at a time; ONNX Runtime sessions can be run from several threads at once. This runner keeps PaddleX's
own pre- and post-processing operators (resize, normalise, DB box post-processing, box sorting, crops, the CTC
decoder), which hold no per-call state, and calls the two sessions itself. With the default recognition batching
(lines of a page sorted by aspect ratio, six at a time, each padded to the widest of its batch — what PaddleX
does) the decoded texts, scores, boxes and CTC candidates are identical to ``PaddleOCR.predict`` on the same image
(tests/extractors/test_onnx_ocr.py).

What it does differently, without changing any result: the CTC output is reduced (arg-max, max) once and shared
by the decoder and the candidate extraction instead of copied and reduced twice.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from extractors.engines.ctc_candidates import candidates_from_peaks
from extractors.engines.line_boxes import taller_quad
from extractors.engines.model_store import ModelPaths


@dataclass(frozen=True)
class SessionConfig:
    """ONNX Runtime session options (0 or None: ONNX Runtime's own default)."""

    intra_op_threads: int = 0
    inter_op_threads: int = 0
    graph_optimization: str = "all"  # disable | basic | extended | all
    cpu_arena: bool = True
    # Off: with input shapes that change every call, the cached allocation plans only hold memory (about 225 MB
    # less per session after a few contract pages, no slower).
    mem_pattern: bool = False
    sequential: bool = True
    spin: bool | None = None  # intra-op threads spin while waiting for work (ONNX Runtime default: yes)


@dataclass(frozen=True)
class RecognizedLine:
    text: str
    score: float
    polygon: np.ndarray  # 4×2, in the input image's pixels
    candidates: tuple | None


_GRAPH_LEVELS = {"disable": 0, "basic": 1, "extended": 2, "all": 99}


def make_session(model: Path, config: SessionConfig, providers: Sequence[Any] = ("CPUExecutionProvider",)):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel(_GRAPH_LEVELS[config.graph_optimization])
    if config.intra_op_threads:
        opts.intra_op_num_threads = config.intra_op_threads
    if config.inter_op_threads:
        opts.inter_op_num_threads = config.inter_op_threads
    opts.enable_cpu_mem_arena = config.cpu_arena
    opts.enable_mem_pattern = config.mem_pattern
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL if config.sequential else ort.ExecutionMode.ORT_PARALLEL
    opts.log_severity_level = 3
    if config.spin is not None:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if config.spin else "0")
    return ort.InferenceSession(str(model), sess_options=opts, providers=list(providers))


class OcrRuntime:
    """Detection + recognition over one pair of sessions; ``read`` may be called from several threads."""

    def __init__(
        self,
        paths: ModelPaths,
        *,
        det_limit_side_len: int = 960,
        session: SessionConfig | None = None,
        providers: Sequence[Any] = ("CPUExecutionProvider",),
        rec_batch: int = 6,
        rec_box_scale: float = 1.0,
    ) -> None:
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        from paddlex.inference.models.common.vision.processors import ToBatch as DetToBatch
        from paddlex.inference.models.common.vision.processors import ToCHWImage
        from paddlex.inference.models.text_detection.processors import (
            DBPostProcess,
            DetResizeForTest,
            NormalizeImage,
        )
        from paddlex.inference.models.text_recognition.processors import CTCLabelDecode, OCRReisizeNormImg
        from paddlex.inference.pipelines.components.common.crop_image_regions import CropByPolys
        from paddlex.inference.pipelines.components.common.sort_boxes import SortQuadBoxes

        session = session or SessionConfig()
        det_cfg = yaml.safe_load((paths.det_dir / "inference.yml").read_text("utf-8"))
        rec_cfg = yaml.safe_load((paths.rec_dir / "inference.yml").read_text("utf-8"))
        ops = {k: v for op in det_cfg["PreProcess"]["transform_ops"] for k, v in op.items()}
        norm = ops["NormalizeImage"]
        # As PaddleOCR's OCR pipeline configures its detector (limit type "max", side limit 4000).
        self.det_limit_side_len = det_limit_side_len
        self._det_resize = DetResizeForTest(limit_side_len=det_limit_side_len, limit_type="max", max_side_limit=4000)
        self._det_norm = NormalizeImage(mean=norm["mean"], std=norm["std"], scale=1 / 255, order=norm["order"])
        self._det_chw = ToCHWImage()
        self._det_batch = DetToBatch()
        post = det_cfg["PostProcess"]
        self._det_post = DBPostProcess(
            thresh=post["thresh"],
            box_thresh=post["box_thresh"],
            max_candidates=post["max_candidates"],
            unclip_ratio=post["unclip_ratio"],
        )
        self._det_params = {"thresh": post["thresh"], "box_thresh": post["box_thresh"]}
        self._det_params["unclip_ratio"] = post["unclip_ratio"]
        self._sort = SortQuadBoxes()
        self._crop = CropByPolys(det_box_type="quad")
        shape = next(
            op["RecResizeImg"]["image_shape"] for op in rec_cfg["PreProcess"]["transform_ops"] if "RecResizeImg" in op
        )
        self._rec_resize = OCRReisizeNormImg(rec_image_shape=shape)
        self._decoder = CTCLabelDecode(character_list=rec_cfg["PostProcess"]["character_dict"])
        self._characters = list(self._decoder.character)
        self._ignored = self._decoder.get_ignored_tokens()
        self.rec_batch = rec_batch
        self.rec_box_scale = rec_box_scale
        self.det = make_session(paths.det_dir / "inference.onnx", session, providers)
        self.rec = make_session(paths.rec_dir / "inference.onnx", session, providers)
        self._det_in = self.det.get_inputs()[0].name
        self._rec_in = self.rec.get_inputs()[0].name

    # --- detection ---------------------------------------------------------------------------------------------
    def det_input(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The detector's input tensor (1×3×H×W) and the resize record its post-processing needs."""
        imgs, shapes = self._det_resize(imgs=[image], limit_side_len=self.det_limit_side_len, limit_type="max")
        x = self._det_batch(imgs=self._det_chw(imgs=self._det_norm(imgs=imgs)))[0]
        return x, shapes[0]

    def det_boxes(self, prob_map: np.ndarray, shape: np.ndarray) -> list[np.ndarray]:
        """Sorted text boxes from one page's probability map (1×H×W)."""
        boxes, _ = self._det_post([prob_map[None]], [shape], **self._det_params)
        polys = boxes[0]
        return list(self._sort(polys)) if len(polys) else []

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        x, shape = self.det_input(image)
        (pred,) = self.det.run(None, {self._det_in: x})
        return self.det_boxes(pred[0], shape)

    def crops(self, image: np.ndarray, polys: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Line images cut from ``image`` (perspective-corrected, ``rec_box_scale`` times the box's height), and
        the detector's boxes that gave a non-empty one."""
        if not polys:
            return [], []
        h, w = image.shape[:2]
        regions = [taller_quad(p, self.rec_box_scale, w, h) for p in polys] if self.rec_box_scale != 1.0 else polys
        kept = [
            (c, p)
            for c, p in zip(self._crop(image, regions), polys, strict=True)
            if c.size and c.shape[0] and c.shape[1]
        ]
        return [c for c, _ in kept], [p for _, p in kept]

    # --- recognition -------------------------------------------------------------------------------------------
    def rec_input(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """One batch tensor: each line resized to the model's height, padded to the widest of the batch."""
        imgs = self._rec_resize(list(crops))
        width = max(im.shape[2] for im in imgs)
        batch = np.zeros((len(imgs), *imgs[0].shape[:2], width), dtype=np.float32)
        for i, im in enumerate(imgs):
            batch[i, :, :, : im.shape[2]] = im
        return batch

    def decode(self, probs: np.ndarray) -> list[tuple[str, float, tuple | None]]:
        """Text, score and candidates for each row of a B×T×C probability batch (greedy CTC)."""
        best = probs.argmax(axis=-1)
        peak = np.take_along_axis(probs, best[..., None], axis=-1)[..., 0]
        out = []
        for b in range(len(probs)):
            idx = best[b]
            keep = np.ones(len(idx), dtype=bool)
            keep[1:] = idx[1:] != idx[:-1]
            for tok in self._ignored:
                keep &= idx != tok
            text = "".join(self._characters[i] for i in idx[keep])
            conf = peak[b][keep]
            score = float(np.mean(conf)) if len(conf) else 0.0
            out.append((text, score, candidates_from_peaks(text, probs[b], idx, peak[b], self._characters)))
        return out

    def rec_batches(self, crops: Sequence[np.ndarray]) -> list[list[int]]:
        """Indices of ``crops`` in recognition batches: sorted by aspect ratio, ``rec_batch`` at a time."""
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / float(crops[i].shape[0]))
        return [order[i : i + self.rec_batch] for i in range(0, len(order), self.rec_batch)]

    def recognize_lines(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float, tuple | None]]:
        out: list = [None] * len(crops)
        for idx in self.rec_batches(crops):
            (probs,) = self.rec.run(None, {self._rec_in: self.rec_input([crops[i] for i in idx])})
            for i, res in zip(idx, self.decode(probs), strict=True):
                out[i] = res
        return out

    def lines(self, polys: list[np.ndarray], readings: Sequence[tuple]) -> list[RecognizedLine]:
        return [RecognizedLine(t, s, p, c) for p, (t, s, c) in zip(polys, readings, strict=True)]

    def read(self, image: np.ndarray) -> list[RecognizedLine]:
        """Every text line of one BGR page image, in PaddleOCR's box order."""
        crops, polys = self.crops(image, self.detect(image))
        return self.lines(polys, self.recognize_lines(crops))
