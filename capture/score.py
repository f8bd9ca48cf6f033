"""A 0-100 quality score per page, like the commercial ID-card APIs' ``quality`` number: 100 a clean capture,
lower as the things that cost OCR its fields get worse.

Each measured problem takes points off on a ramp from where it starts to matter to where fields are lost
(the same metrics and limits as capture/quality.py's warnings, and capture/trust/'s occlusion and border
scores, which hide fields); an ERROR-level issue caps the score below the reading line. Calibrated on
generated captures read by the real OCR (bench/quality_score.py prints score bucket → field accuracy):
see docs/trust.md for the table. Photocopy and screen scores do not lower it: a copy may read perfectly;
that it is a copy is a separate warning.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.models import Page, QualityReport, Severity

# (metric, value where points start to go, value where all of ``points`` are gone, points)
_PENALTIES: tuple[tuple[str, float, float, float], ...] = (
    ("sharpness", 0.32, 0.17, 70.0),
    ("contrast", 70.0, 25.0, 70.0),  # paper minus ink (grey levels): washed-out or dim pages lose their strokes
    ("glare_fraction", 0.005, 0.12, 45.0),
    ("background_luminance", 110.0, 45.0, 60.0),
    ("ink_luminance", 110.0, 180.0, 60.0),
    ("px_per_mm", 6.0, 3.0, 60.0),
    ("outside_fraction", 0.0, 0.2, 70.0),
    ("occluded_score", 0.2, 1.0, 45.0),
    ("border_incomplete_score", 0.2, 1.0, 30.0),
)
_ERROR_CAP = 40  # a page with an ERROR issue is not expected to read well


def _lost(value: float, start: float, end: float) -> float:
    t = (value - start) / (end - start)
    return min(max(t, 0.0), 1.0)


def quality_score(report: QualityReport) -> int | None:
    """0-100 from the report's metrics; None when nothing was measured (a text-layer page)."""
    m: Mapping[str, float] = report.metrics
    if "sharpness" not in m:
        return None
    lost = sum(points * _lost(float(m[k]), a, b) for k, a, b, points in _PENALTIES if k in m)
    score = max(0.0, 100.0 - lost)
    if any(i.severity == Severity.ERROR for i in report.issues) or any(
        i.code in ("no_document_found", "bad_outline") for i in report.issues
    ):
        score = min(score, _ERROR_CAP)
    return round(score)


def with_score(page: Page) -> Page:
    q = page.quality
    return page.with_(quality=QualityReport(q.issues, q.metrics, quality_score(q)))
