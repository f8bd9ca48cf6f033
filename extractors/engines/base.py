"""The one narrow interface every OCR engine implements (cf. OCRmyPDF's ``OcrEngine`` plugin spec)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from domain.models import OcrPage, TextLine

if TYPE_CHECKING:
    from config.settings import OcrSettings


class OcrEngine(ABC):
    """Reads text lines from one upright page image.

    Implementations load their models in ``__init__`` (once per process: the registry caches instances) and
    must be safe to call from several threads: ``recognize`` may run in a thread pool.
    """

    name: ClassVar[str]

    @classmethod
    def assert_viable(cls, settings: OcrSettings) -> None:
        """Raises ConfigError when this engine cannot run on this machine; cheap, and before any model loads, so a
        worker or server refuses to start (exit 3) instead of failing its first page. Most engines need none."""
        return None

    @abstractmethod
    def version(self) -> str:
        """Engine and model versions, stored with every extraction so reprocessing can select by it."""

    @abstractmethod
    def recognize(self, image: np.ndarray) -> OcrPage:
        """``image`` is a BGR uint8 array. Returns lines in reading order (top to bottom, left to right)."""


def reading_order(lines: list, *, line_tol: float = 0.5) -> list:
    """Sorts text lines top-to-bottom, then left-to-right within a visual row."""
    if not lines:
        return []
    ordered = sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    rows: list[list] = []
    for ln in ordered:
        if rows:
            ref = rows[-1][0]
            if abs(ln.cy - ref.cy) <= line_tol * max(min(ln.height, ref.height), 1.0):
                rows[-1].append(ln)
                continue
        rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda x: x.bbox[0])]


def line_from_polygon(text: str, score: float, polygon, candidates: tuple | None = None) -> TextLine | None:
    """A TextLine from an engine's quadrilateral; None for an empty reading. ``candidates`` (one entry per
    character of ``text``) are trimmed with it."""
    raw = str(text)
    text = raw.strip()
    if not text:
        return None
    if candidates is not None and len(candidates) == len(raw):
        lead = len(raw) - len(raw.lstrip())
        candidates = tuple(candidates[lead : lead + len(text)])
    else:
        candidates = None
    pts = np.asarray(polygon, dtype=float).reshape(-1, 2)
    bbox = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))
    return TextLine(text, float(score), bbox, tuple((float(x), float(y)) for x, y in pts), candidates)
