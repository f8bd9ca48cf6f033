"""Generated frames through capture as ``docintel extract`` takes them, for the trust-cue tests."""

from __future__ import annotations

from functools import cache

from config.settings import Settings
from domain.models import Page
from pipeline.documents.extract import InputFile, capture_pages
from samples.generator.attacks import make_frame

SEED = 41


@cache
def card_page(kind: str, variant: str, index: int, difficulty: str = "easy") -> Page:
    """The card's page (the largest crop) of one generated frame, with its trust warnings."""
    f = make_frame(index, seed=SEED, difficulty=difficulty, kind=kind, variant=variant)
    pages = capture_pages(InputFile(f"{kind}_{index}.jpg", f.shot.jpeg), Settings())
    return max(pages, key=lambda p: p.width * p.height)


def codes(page: Page) -> set[str]:
    return {i.code for i in page.quality.issues}


TRUST_CODES = {"photocopy", "screen_recapture", "tampered", "occluded", "border_incomplete"}
