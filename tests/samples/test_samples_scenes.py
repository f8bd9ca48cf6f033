"""The scene generator: deterministic bytes, ground truth that matches what was drawn."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from samples.generator.scenes import HELD_OUT_KINDS, SCENE_KINDS, TUNED_KINDS, make_scene


def test_same_arguments_same_bytes():
    a = make_scene("a4_colour_stamped", 2, seed=5)
    b = make_scene("a4_colour_stamped", 2, seed=5)
    assert a.data == b.data and a.truth() == b.truth()
    assert make_scene("a4_colour_stamped", 3, seed=5).data != a.data


def test_tuned_and_held_out_kinds_are_disjoint_and_cover_all():
    assert not set(TUNED_KINDS) & set(HELD_OUT_KINDS)
    assert set(TUNED_KINDS) | set(HELD_OUT_KINDS) == set(SCENE_KINDS)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a4_copy_cards_lie_where_the_truth_says(rotation):
    scene = make_scene("a4_grey", 1, seed=5, sides=("front", "back"), layout="stacked", rotation_deg=rotation)
    image = cv2.imdecode(np.frombuffer(scene.data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image.ndim == 2  # a grey scan is saved with one channel
    assert (image.shape[1], image.shape[0]) == (scene.width, scene.height)
    assert (scene.width > scene.height) == (rotation in (90, 270))
    for doc in scene.docs:
        quad = np.array(doc.quad)
        assert quad[:, 0].min() >= 0 and quad[:, 0].max() <= scene.width
        assert quad[:, 1].min() >= 0 and quad[:, 1].max() <= scene.height
        # Print inside the card: darker on average than the blank paper beside it.
        mask = np.zeros(image.shape, np.uint8)
        cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
        assert image[mask > 0].mean() < image[mask == 0].mean()
    assert [d.doc_type for d in scene.docs] == ["id_card_front", "id_card_back"]
    assert scene.docs[0].fields["id_number"] and scene.docs[1].fields["valid_from"]


def test_phone_frames_are_one_to_three_megapixels():
    for i in range(6):
        scene = make_scene("phone", i, seed=5)
        assert 0.9e6 <= scene.width * scene.height <= 3.1e6
