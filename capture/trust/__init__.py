"""Is it the real card? Per-page scores (0-1) for five warnings, each raised at its threshold in settings.

``assess(page, settings)`` returns the page with its quality report extended by the warnings reached and by
``<code>_score`` metrics for all five. Cheap image cues only (no OCR): photocopy.py, screen.py, tampered.py,
occlusion.py, border.py, each explaining what it measures. Cropped camera pages only: all five on a card, the
screen cue alone on a page of another shape; a scan or a text page is judged by nothing here (a scan is a copy by
nature, and contract pages carry no colour print to miss).
"""

from __future__ import annotations

from collections.abc import Mapping

from capture.quality import issue
from capture.trust import border, occlusion, photocopy, screen, tampered
from capture.trust.canvas import Card, card_of, card_shaped
from config.settings import TrustSettings
from domain.models import Page, QualityIssue, QualityReport

CODES = ("photocopy", "screen_recapture", "tampered", "occluded", "border_incomplete")


def features(card: Card, metrics: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Every cue's raw features (for scores, benches and tuning)."""
    masks = occlusion.blobs(card)
    copy = photocopy.features(card)
    # The background's fine texture is the sub-pixel grid on a screen, toner grain on a copy: measured once.
    return {
        "photocopy": copy,
        "screen_recapture": {**screen.features(card), "bg_fine": copy["bg_fine"]},
        "tampered": tampered.features(card) if card.side == "front" else {},
        "occluded": occlusion.features(card, masks),
        "border_incomplete": border.features(masks, metrics),
    }


def scores_of(feats: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    return {
        "photocopy": photocopy.score(feats["photocopy"]),
        "screen_recapture": screen.score(feats["screen_recapture"]),
        "tampered": tampered.score(feats["tampered"]) if feats["tampered"] else 0.0,
        "occluded": occlusion.score(feats["occluded"]),
        "border_incomplete": border.score(feats["border_incomplete"]),
    }


def scores(page: Page) -> dict[str, float] | None:
    """Scores of a cropped camera page: all five for a card, ``screen_recapture`` alone for another shape; None
    for a scan, a text page or a whole frame."""
    # Only a document capture found and cropped: a whole frame with no document is not judged as a card.
    if page.origin != "camera" or page.image is None or "perspective" not in page.transforms:
        return None
    card = card_of(page.image)
    if card is None:
        # Not card-shaped (a monitor with its bezel may be cropped as an A4 page, a contract may be shot off a
        # screen): the screen cue needs no layout, the others do.
        other = card_of(page.image, any_shape=True)
        if other is None:
            return None
        copy = photocopy.features(other)
        return {"screen_recapture": screen.score({**screen.features(other), "bg_fine": copy["bg_fine"]})}
    return scores_of(features(card, page.quality.metrics))


def warnings(found: Mapping[str, float], settings: TrustSettings, kind: str = "id_card") -> list[QualityIssue]:
    return [
        issue(code, kind, found[code], False)
        for code in CODES
        if code in found and found[code] >= getattr(settings, code)
    ]


def with_warnings(
    report: QualityReport, found: Mapping[str, float], settings: TrustSettings, kind: str = "id_card"
) -> QualityReport:
    """A new report carrying the warnings reached (never twice the same code) and the scores found."""
    have = {i.code for i in report.issues}
    new = [i for i in warnings(found, settings, kind) if i.code not in have]
    metrics = {**report.metrics, **{f"{c}_score": round(float(v), 4) for c, v in found.items()}}
    return QualityReport(issues=(*report.issues, *new), metrics=metrics, score=report.score)


def assess(page: Page, settings: TrustSettings) -> Page:
    """The page with its trust warnings, or as it is when disabled or not a camera card crop."""
    if not settings.enabled:
        return page
    found = scores(page)
    if found is None:
        return page
    kind = "id_card" if card_shaped(page.image) else "other"  # the noun of the clerk's hint
    return page.with_(quality=with_warnings(page.quality, found, settings, kind))
