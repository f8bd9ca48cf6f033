"""Cards found by their print where their outline is weak: pale cards on white desks, ID copies on A4 scans."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.content import covered, find_cards, with_content
from capture.frame import prepare_frame
from capture.geometry import ID_CARD_WIDTH_PX, order_corners
from capture.locate import find_documents
from config.settings import CaptureSettings
from domain.models import Page
from samples.generator.scenes import make_scene

SEED = 20


def _frame(scene) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(scene.data, np.uint8), cv2.IMREAD_COLOR)


def _pages(scene) -> list[Page]:
    image = _frame(scene)
    page = Page(0, scene.name, float(image.shape[1]), float(image.shape[0]), image=image)
    return prepare_frame(page, CaptureSettings())


def _truth_quads(scene) -> list[np.ndarray]:
    return [order_corners(np.array(d.quad, np.float32)) for d in scene.docs]


def _each_card_cropped(scene, quads: list[np.ndarray]) -> None:
    """Every true card lies inside one found quad that is not much larger than the card."""
    assert len(quads) == len(scene.docs)
    for truth in _truth_quads(scene):
        assert any(covered(truth, q) >= 0.85 and covered(q, truth) >= 0.6 for q in quads), "a card was not cropped"


def test_card_on_a_white_desk_is_one_card_not_a_phantom_pair():
    scene = make_scene("desk_white", 1, seed=SEED, sides=("front",))
    pages = _pages(scene)
    assert len(pages) == 1
    assert (pages[0].width, pages[0].height) == (ID_CARD_WIDTH_PX, 454)
    codes = {i.code for i in pages[0].quality.issues}
    assert not codes & {"too_small", "no_document_found", "bad_outline", "cut_off"}, codes
    image = _frame(scene)
    _each_card_cropped(scene, [d.quad for d in with_content(image, find_documents(image))])


def test_both_sides_on_a_white_desk_give_two_cards():
    scene = make_scene("desk_white", 2, seed=SEED, sides=("front", "back"))
    image = _frame(scene)
    _each_card_cropped(scene, [d.quad for d in with_content(image, find_documents(image))])
    assert len(_pages(scene)) == 2


def test_a4_copy_of_both_sides_turned_180_gives_two_upright_cards():
    scene = make_scene("a4_grey", 3, seed=SEED, sides=("front", "back"), layout="side_by_side", rotation_deg=180)
    image = _frame(scene)
    _each_card_cropped(scene, [c.quad for c in find_cards(image)])
    pages = _pages(scene)
    assert len(pages) == 2
    for page in pages:
        assert (page.width, page.height) == (ID_CARD_WIDTH_PX, 454)
        assert "perspective" in page.transforms
        assert not {i.code for i in page.quality.issues} & {"too_small", "no_document_found"}


def test_a4_copy_stacked_and_turned_90_gives_two_landscape_cards():
    scene = make_scene("a4_colour", 4, seed=SEED, sides=("front", "back"), layout="stacked", rotation_deg=90)
    pages = _pages(scene)
    assert len(pages) == 2
    assert all(p.width > p.height for p in pages)


@pytest.mark.parametrize(
    "image",
    [
        np.full((600, 800, 3), 245, np.uint8),  # a bare white desk
        np.zeros((3, 900, 3), np.uint8),  # a sliver
        np.full((1, 1, 3), 128, np.uint8),
    ],
)
def test_nothing_printed_means_no_card_and_no_error(image):
    assert find_cards(image) == []
    assert with_content(image, []) == []


def test_a_contract_page_is_not_taken_for_a_card():
    rng = np.random.default_rng(3)
    page = np.full((1400, 1000, 3), 245, np.uint8)
    # Paragraphs of text lines over the whole page: a card-shaped block inside has neighbours all round.
    for y in range(80, 1340, 36):
        x = 80
        while x < 900:
            w = int(rng.integers(20, 60))
            cv2.rectangle(page, (x, y), (min(x + w, 920), y + 18), (30, 30, 30), -1)
            x += w + int(rng.integers(8, 14))
    assert find_cards(page) == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["desk_white", "desk_light_grey", "desk_patterned", "phone", "a4_grey", "a4_colour"])
def test_cards_found_on_most_scenes(kind):
    found = 0
    for i in range(12):
        scene = make_scene(kind, i, seed=SEED + 1)
        image = _frame(scene)
        quads = [d.quad for d in with_content(image, find_documents(image))]
        try:
            _each_card_cropped(scene, quads)
            found += 1
        except AssertionError:
            pass
    assert found >= 11, f"{kind}: {found}/12 scenes with every card cropped"


def test_scanned_pdf_page_of_an_id_copy_gives_one_page_per_card():
    import io

    from PIL import Image

    from capture.load import load_pages

    scene = make_scene("a4_grey", 5, seed=SEED, sides=("front", "back"), layout="stacked", rotation_deg=0)
    buf = io.BytesIO()
    Image.open(io.BytesIO(scene.data)).convert("RGB").save(buf, "PDF", resolution=scene.variant["dpi"])
    settings = CaptureSettings(isolation="none", pdf_raster_dpi=scene.variant["dpi"])
    (raw,) = load_pages(buf.getvalue(), "copy.pdf", settings)
    assert raw.origin == "scan"
    pages = prepare_frame(raw, settings)
    assert len(pages) == 2
    assert all((p.width, p.height) == (ID_CARD_WIDTH_PX, 454) and p.source == "copy.pdf#1" for p in pages)


def test_a_form_page_with_a_card_copy_pasted_in_is_read_whole():
    from capture.content import cards_alone

    scene = make_scene("a4_grey", 6, seed=SEED, sides=("front",))
    image = _frame(scene)
    assert len(cards_alone(image)) == 1
    h, w = image.shape[:2]
    # The form's own text below the card: lines of print across the lower half of the page.
    for y in range(h // 2, h - h // 10, max(h // 40, 20)):
        cv2.putText(
            image, "APPLICATION FORM FIELD " * 3, (w // 12, y), cv2.FONT_HERSHEY_SIMPLEX, w / 1800, (20, 20, 20), 3
        )
    assert cards_alone(image) == []
