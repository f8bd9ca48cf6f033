"""An engine that reads many pages at once: detection over batches of pages, recognition over batches of lines
gathered from all of them and sorted by width. For bulk work (reprocessing), where batching pays: on a GPU one
launch then serves dozens of pages.

``recognize`` may be called from many threads (one per document a worker is reading): calls that arrive within
``batch_wait_ms`` of each other are served by one ``recognize_many``, so pages of different documents share
batches without the job runner knowing. The CPU stages (resizing, DB post-processing, cropping, decoding) run in
a thread pool beside the model calls; OpenCV and NumPy release the GIL there.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

import numpy as np
import yaml

from config.settings import OcrSettings
from domain.models import OcrPage
from extractors.engines.base import OcrEngine, line_from_polygon, reading_order
from extractors.engines.batched.backends import Backend, OrtCpuBackend, TorchBackend, assert_cuda_viable
from extractors.engines.batched.detect import DetInput, DetParams, det_input, page_boxes, stack_padded
from extractors.engines.batched.lines import FRAME_TOP, Decoded, batches, crop_line, ctc_decode
from extractors.engines.line_boxes import taller_quad
from extractors.engines.model_store import model_paths


def rec_characters(rec_dir: Path) -> list[str]:
    """The recogniser's classes: blank, the dictionary stored with the model, then the space."""
    post = yaml.safe_load((rec_dir / "inference.yml").read_text(encoding="utf-8"))["PostProcess"]
    return ["blank", *post["character_dict"], " "]


class MicroBatcher:
    """Gathers single requests from many threads into lists for one function, one list at a time."""

    def __init__(self, run: Callable[[list[np.ndarray]], list[OcrPage]], *, max_items: int, wait_s: float) -> None:
        self._run = run
        self._max = max_items
        self._wait_s = wait_s
        self._queue: queue.Queue[tuple[np.ndarray, Future]] = queue.Queue()
        threading.Thread(target=self._loop, name="ocr-batcher", daemon=True).start()

    def submit(self, image: np.ndarray) -> OcrPage:
        future: Future = Future()
        self._queue.put((image, future))
        return future.result()

    def _loop(self) -> None:
        while True:
            items = [self._queue.get()]
            try:
                while len(items) < self._max:
                    items.append(self._queue.get(timeout=self._wait_s))
            except queue.Empty:
                pass
            try:
                pages = self._run([image for image, _ in items])
            except BaseException as exc:  # every waiting caller gets the error, the loop goes on
                for _, future in items:
                    future.set_exception(exc)
                continue
            for (_, future), page in zip(items, pages, strict=True):
                future.set_result(page)


class BatchedEngine(OcrEngine):
    """PP-OCR det + rec over a backend; subclasses choose the backend."""

    name: ClassVar[str]

    def __init__(self, settings: OcrSettings) -> None:
        paths = model_paths(settings.model_dir)
        self._det = self._backend(paths.det_dir / "inference.onnx", settings)
        self._rec = self._backend(paths.rec_dir / "inference.onnx", settings)
        self._characters = rec_characters(paths.rec_dir)
        self._params = DetParams(limit_side_len=settings.det_limit_side_len)
        self._page_batch = settings.batch_pages
        self._line_batch = settings.batch_lines
        self._box_scale = settings.rec_box_scale
        self._pool = ThreadPoolExecutor(max_workers=settings.batch_cpu_threads or None, thread_name_prefix="ocr-cpu")
        self._version = f"{self.name}/{paths.det_name}+{paths.rec_name}@{paths.version}" + (
            f"/box{settings.rec_box_scale:g}" if settings.rec_box_scale != 1.0 else ""
        )
        self._batcher = MicroBatcher(
            self.recognize_many, max_items=settings.batch_pages, wait_s=settings.batch_wait_ms / 1000
        )

    def _backend(self, onnx_path: Path, settings: OcrSettings) -> Backend:
        raise NotImplementedError

    def version(self) -> str:
        return self._version

    def recognize(self, image: np.ndarray) -> OcrPage:
        return self._batcher.submit(image)

    def _boxes(self, prob: np.ndarray, page: DetInput) -> list:
        return page_boxes(prob, page, self._params)

    def _region(self, image: np.ndarray, quad: np.ndarray) -> np.ndarray:
        return taller_quad(quad, self._box_scale, image.shape[1], image.shape[0])

    def _decode(self, values: np.ndarray, indices: np.ndarray) -> Decoded:
        return ctc_decode(values, indices, self._characters)

    def recognize_many(self, images: Sequence[np.ndarray]) -> list[OcrPage]:
        """Every page's lines, in reading order. Pages of similar size are detected together."""
        inputs = list(self._pool.map(lambda im: det_input(im, self._params), images))
        order = sorted(range(len(images)), key=lambda i: inputs[i].chw.shape[1:])
        boxes: list[list] = [[] for _ in images]
        for start in range(0, len(order), self._page_batch):
            idx = order[start : start + self._page_batch]
            group = [inputs[i] for i in idx]
            maps = self._det(stack_padded(group))
            found = self._pool.map(self._boxes, maps[:, 0], group)
            for i, page_found in zip(idx, found, strict=True):
                boxes[i] = page_found
        owners = [(p, quad, score) for p, found in enumerate(boxes) for quad, score in found]
        crops = list(self._pool.map(lambda o: crop_line(images[o[0]], self._region(images[o[0]], o[1])), owners))
        decoded: list = [None] * len(crops)
        for idx, batch in batches(crops, self._line_batch):
            values, indices = self._rec.top_classes(batch, FRAME_TOP)
            lines = self._pool.map(self._decode, values, indices)
            for i, d in zip(idx, lines, strict=True):
                decoded[i] = d
        lines: list[list] = [[] for _ in images]
        for (p, quad, _), d in zip(owners, decoded, strict=True):
            line = line_from_polygon(d.text, d.score, quad, d.candidates)
            if line is not None:
                lines[p].append(line)
        return [
            OcrPage(tuple(reading_order(found)), float(im.shape[1]), float(im.shape[0]), self.name)
            for im, found in zip(images, lines, strict=True)
        ]


class OnnxBatchedEngine(BatchedEngine):
    """ONNX Runtime on the CPU: the reference the GPU engine is compared with, line for line."""

    name = "onnx-batched"

    def _backend(self, onnx_path: Path, settings: OcrSettings) -> Backend:
        return OrtCpuBackend(onnx_path, threads=settings.threads)


class TorchCudaEngine(BatchedEngine):
    """The same graphs as PyTorch modules on a CUDA device (optional ``gpu`` extra), for bulk workers."""

    name = "torch-cuda"

    @classmethod
    def assert_viable(cls, settings: OcrSettings) -> None:
        assert_cuda_viable(settings.device)

    def __init__(self, settings: OcrSettings) -> None:
        self.assert_viable(settings)  # before any model is read: a clear error, exit 3
        super().__init__(settings)

    def _backend(self, onnx_path: Path, settings: OcrSettings) -> Backend:
        return TorchBackend(onnx_path, device=settings.device)
