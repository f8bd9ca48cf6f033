"""Engines by name. Concrete engines are imported lazily, so a deployment needs only the one it uses."""

from __future__ import annotations

import importlib
import threading
import time

import numpy as np

from config.settings import OcrSettings
from domain.errors import ConfigError
from domain.models import OcrPage
from extractors.engines.base import OcrEngine

# name → "module:Class". Tests may register more (e.g. a scripted engine) with ``register_engine``.
_ENGINES: dict[str, str] = {
    "paddle": "extractors.engines.paddle:PaddleOcrEngine",
    "rapidocr": "extractors.engines.rapid:RapidOcrEngine",
    "tesseract": "extractors.engines.tesseract:TesseractEngine",
    "onnx-batched": "extractors.engines.batched.engine:OnnxBatchedEngine",
    "torch-cuda": "extractors.engines.batched.engine:TorchCudaEngine",
}
_instances: dict[tuple, OcrEngine] = {}
_lock = threading.Lock()


def register_engine(name: str, target: str) -> None:
    _ENGINES[name] = target


def available_engines() -> list[str]:
    return sorted(_ENGINES)


def _known(name: str) -> str:
    if name not in _ENGINES:
        raise ConfigError(
            f"unknown OCR engine {name!r}; available: {', '.join(available_engines())}",
            message_zh=f"未知的 OCR 引擎 {name}",
        )
    return name


def engine_class(name: str) -> type[OcrEngine]:
    module_name, cls_name = _ENGINES[_known(name)].split(":")
    return getattr(importlib.import_module(module_name), cls_name)


def assert_engine_viable(settings: OcrSettings) -> None:
    """ConfigError (exit 3) when the configured engine cannot run here: for start-up, before any model loads."""
    engine_class(settings.engine).assert_viable(settings)


def get_engine(name: str | None = None, *, settings: OcrSettings) -> OcrEngine:
    """The process-wide instance of an engine: models load once and are reused."""
    name = name or settings.engine
    cls = engine_class(name)
    key = (name, settings.model_dump_json(exclude={"engine", "review_below"}))  # every setting a model load uses
    with _lock:
        if key not in _instances:
            _instances[key] = cls(settings)
        return _instances[key]


class LazyEngine(OcrEngine):
    """An engine whose models load on first use: a file that fails to decode, or a PDF read from its text
    layer, never pays the seconds of loading them (the CLI rejects an empty file before any model is made).
    The name is checked at once. ``load_ms`` is the time the load took (0 until then)."""

    name = "lazy"

    def __init__(self, name: str | None = None, *, settings: OcrSettings) -> None:
        self._settings = settings
        self._name = _known(name or self._settings.engine)
        self._engine: OcrEngine | None = None
        self.load_ms = 0.0

    def _loaded(self) -> OcrEngine:
        if self._engine is None:
            t0 = time.perf_counter()
            self._engine = get_engine(self._name, settings=self._settings)
            self.load_ms = (time.perf_counter() - t0) * 1000
        return self._engine

    def version(self) -> str:
        return self._loaded().version()

    def recognize(self, image: np.ndarray) -> OcrPage:
        return self._loaded().recognize(image)
