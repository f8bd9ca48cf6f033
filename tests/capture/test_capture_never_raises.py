"""Capture never raises on a decoded frame: random quads, frame sizes, rotations and crops of the committed
sample frames all give pages, a degenerate outline the whole frame with a ``bad_outline`` warning.

Property-based (hypothesis), derandomized so CI sees the same examples every run, and bounded in count and
frame size so the file runs in well under a minute.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capture.frame import crop_documents, prepare_frame
from capture.geometry import DegenerateQuad, check_quad, shape_of, shrink, warp
from capture.locate import Detection
from config.settings import CaptureSettings
from domain.models import Page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FRAMES = sorted((ROOT / "samples" / "idcards").glob("*.jpg")) + sorted(
    (ROOT / "samples" / "contracts").glob("*.jpg")
)
SETTINGS = CaptureSettings()
# Small enough that each example takes tens of milliseconds, large enough that documents are found.
FRAME_LONG_PX = 720
PROPERTY = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def sample_frame(i: int) -> np.ndarray:
    image = cv2.imread(str(SAMPLE_FRAMES[i]), cv2.IMREAD_COLOR)
    assert image is not None
    return shrink(image, FRAME_LONG_PX)


def camera_page(frame: np.ndarray) -> Page:
    h, w = frame.shape[:2]
    return Page(0, "frame.jpg", float(w), float(h), unit="px", origin="camera", image=frame)


def assert_pages(pages: list[Page]) -> None:
    assert pages, "capture returned no page"
    for page in pages:
        assert page.image is not None and page.image.ndim == 3 and page.image.shape[2] == 3
        assert min(page.image.shape[:2]) >= 1
        assert page.quality is not None


def rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    """Turned about its centre on a canvas that holds all of it (a frame shot at any angle)."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c), int(h * c + w * s)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, m, (nw, nh), borderMode=cv2.BORDER_REPLICATE)


def test_the_samples_are_there() -> None:
    assert len(SAMPLE_FRAMES) >= 8  # six ID-card frames and four contract pages


@PROPERTY
@given(
    index=st.integers(0, len(SAMPLE_FRAMES) - 1),
    cuts=st.tuples(*[st.sampled_from([0.0, 0.02, 0.1, 0.25, 0.4, 0.49])] * 4),
    angle=st.one_of(st.sampled_from([0.0, 90.0, 180.0, 270.0]), st.floats(-180, 180)),
    scale=st.sampled_from([0.05, 0.2, 0.5, 1.0]),
)
def test_crops_and_rotations_of_sample_frames_never_raise(
    index: int, cuts: tuple[float, float, float, float], angle: float, scale: float
) -> None:
    """Documents cut off at any edge (the ZeroDivisionError of a page lying partly outside the frame), turned
    by any angle, shrunk to a thumbnail."""
    frame = sample_frame(index)
    h, w = frame.shape[:2]
    left, top, right, bottom = cuts
    crop = frame[int(top * h) : h - int(bottom * h), int(left * w) : w - int(right * w)]
    crop = rotated(crop, angle) if angle else crop
    if scale != 1.0:
        crop = cv2.resize(crop, (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))))
    assert_pages(prepare_frame(camera_page(np.ascontiguousarray(crop)), SETTINGS))


finite = st.floats(-3000, 3000, allow_nan=False)
point = st.tuples(finite, finite)


@st.composite
def quads(draw: st.DrawFn) -> np.ndarray:
    """Four corners: anywhere, collinear, repeated, a sliver, or not finite."""
    kind = draw(st.sampled_from(["any", "collinear", "repeated", "sliver", "nan", "beyond"]))
    if kind == "any":
        pts = [draw(point) for _ in range(4)]
    elif kind == "collinear":
        (x0, y0), (dx, dy) = draw(point), draw(point)
        pts = [(x0 + t * dx, y0 + t * dy) for t in draw(st.lists(st.floats(0, 1), min_size=4, max_size=4))]
    elif kind == "repeated":
        p, q = draw(point), draw(point)
        pts = [p, p, q, draw(st.sampled_from([p, q]))]
    elif kind == "sliver":
        x, y, length = draw(finite), draw(finite), draw(st.floats(1, 3000))
        thin = draw(st.sampled_from([0.0, 1e-6, 0.3, 2.0]))
        pts = [(x, y), (x + length, y), (x + length, y + thin), (x, y + thin)]
    elif kind == "nan":
        pts = [draw(point) for _ in range(3)] + [(math.nan, draw(st.sampled_from([0.0, math.inf])))]
    else:  # a document lying mostly outside the frame
        cx, cy = draw(st.floats(-2000, 3000)), draw(st.floats(-2000, 3000))
        half = draw(st.floats(10, 2500))
        pts = [(cx - half, cy - half * 0.7), (cx + half, cy - half * 0.7), (cx + half, cy + half * 0.7)]
        pts.append((cx - half, cy + half * 0.7))
    return np.array(pts, np.float32)


@PROPERTY
@given(
    quad=quads(),
    index=st.integers(0, len(SAMPLE_FRAMES) - 1),
    size=st.tuples(st.integers(1, 900), st.integers(1, 900)),
)
def test_random_outlines_on_random_frames_never_raise(quad: np.ndarray, index: int, size: tuple[int, int]) -> None:
    """Whatever outline the locator hands over, cropping gives pages; an outline no rectangle can be warped
    from gives the whole frame, warned."""
    frame = cv2.resize(sample_frame(index), size, interpolation=cv2.INTER_AREA)
    det = Detection(quad, area_fraction=0.5, cut_off=True, rectangularity=1.0, contrast=10.0, straightness=1.0)
    pages = crop_documents(camera_page(frame), [det])
    assert_pages(pages)
    try:
        check_quad(quad, *size)
    except DegenerateQuad:
        assert len(pages) == 1
        assert pages[0].quality.issues[0].code == "bad_outline"
        assert pages[0].image.shape[:2] in (frame.shape[:2], frame.shape[1::-1])  # the whole frame, maybe turned


@pytest.mark.parametrize(
    "quad,why",
    [
        ([[0, 0], [800, 0], [800, 0], [0, 0]], "flat"),  # zero height: warp divided by the output height, 0
        ([[0, 0], [400, 400], [800, 800], [1200, 1200]], "collinear"),
        ([[0, 0], [800, 600], [800, 0], [0, 600]], "crossed"),
        ([[0, 0], [5, 0], [5, 5], [0, 5]], "tiny"),
        ([[-9000, 0], [800, 0], [800, 600], [0, 600]], "a frame away"),
        ([[0, 0], [800, 0], [800, 600], [0, float("nan")]], "not finite"),
    ],
)
def test_degenerate_quads_are_named(quad: list, why: str) -> None:
    with pytest.raises(DegenerateQuad):
        check_quad(np.array(quad, np.float32), 1000, 800)


def test_a_flat_quad_gets_a_warpable_size_and_warp_refuses_an_empty_one() -> None:
    """The ZeroDivisionError of issue 16: a quad measured with no height gave an output 0 px high, and warp
    divided by it. Sizes now stay at least 16 px, and warp names an empty size instead of dividing by it."""
    flat = np.array([[0, 0], [900, 0], [900, 0.1], [0, 0.1]], np.float32)
    shape = shape_of(flat)
    assert shape.width >= 16 and shape.height >= 16
    image = np.full((100, 1000, 3), 200, np.uint8)
    assert warp(image, flat, (shape.width, shape.height)).shape == (shape.height, shape.width, 3)
    with pytest.raises(DegenerateQuad):
        warp(image, flat, (900, 0))
    with pytest.raises(DegenerateQuad):
        warp(image, np.zeros((4, 2), np.float32), (100, 100))


def test_a_quad_reaching_past_the_frame_still_crops() -> None:
    """A page lying partly outside the frame (corners placed beyond the border) is cropped, not refused."""
    frame = sample_frame(0)
    h, w = frame.shape[:2]
    quad = np.array([[w * 0.3, -h * 0.2], [w * 1.3, -h * 0.2], [w * 1.3, h * 0.8], [w * 0.3, h * 0.8]], np.float32)
    check_quad(quad, w, h)
    det = Detection(quad, area_fraction=0.4, cut_off=True, rectangularity=1.0, contrast=10.0, straightness=1.0)
    (page,) = crop_documents(camera_page(frame), [det])
    assert "perspective" in page.transforms
    assert "cut_off" in [i.code for i in page.quality.issues]
