"""read_page: a page capture is sure stands upright is read once; a doubtful one may be read turned 180°."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import extractors.document as document
from config.settings import get_settings
from domain.models import Page
from extractors.engines import get_engine

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


class CountingEngine:
    """The real default engine, counting its reads."""

    def __init__(self) -> None:
        self.inner, self.calls, self.name = get_engine("paddle", settings=get_settings().ocr), 0, "paddle"

    def version(self) -> str:
        return self.inner.version()

    def recognize(self, image):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.recognize(image)


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    img = Image.new("RGB", (640, 120), "white")
    ImageDraw.Draw(img).text((20, 40), "住房公积金提取申请", font=ImageFont.truetype(FONT, 36), fill="black")
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


@pytest.mark.parametrize(("known", "reads"), [(True, 1), (False, 2)])
def test_the_180_degree_retry_only_when_orientation_is_unknown(monkeypatch, image, known, reads):
    monkeypatch.setattr(document, "_UPRIGHT_MIN_CONFIDENCE", 1.01)  # every reading counts as doubtful
    page = Page(index=0, source="p.jpg", width=640.0, height=120.0, image=image, upright_known=known)
    engine = CountingEngine()
    read = document.read_page(page, engine)
    assert engine.calls == reads
    assert "公积金" in "".join(ln.text for ln in read.ocr.lines)
    assert "rotate_180_by_ocr" not in read.page.transforms
