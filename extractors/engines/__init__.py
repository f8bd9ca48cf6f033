"""OCR engines. The pipeline asks the registry for an engine by name and never imports a concrete one."""

from extractors.engines.base import OcrEngine
from extractors.engines.registry import LazyEngine, available_engines, get_engine

__all__ = ["LazyEngine", "OcrEngine", "available_engines", "get_engine"]
