"""The recogniser's region for a detected line: taller across the line, same centre line, inside the image."""

from __future__ import annotations

import numpy as np

from extractors.engines.line_boxes import taller_quad

LYING = np.array([[10, 40], [210, 40], [210, 60], [10, 60]], dtype=np.float32)  # 200 wide, 20 high
STANDING = np.array([[50, 10], [70, 10], [70, 210], [50, 210]], dtype=np.float32)


def test_scale_one_is_the_box_itself():
    assert np.array_equal(taller_quad(LYING, 1.0, 300, 300), LYING)


def test_a_lying_line_grows_in_height_about_its_centre_line():
    out = taller_quad(LYING, 1.5, 300, 300)
    assert out[:, 1].min() == 35 and out[:, 1].max() == 65
    assert np.array_equal(out[:, 0], LYING[:, 0])


def test_a_standing_line_grows_across_its_short_side():
    out = taller_quad(STANDING, 1.5, 300, 300)
    assert out[:, 0].min() == 45 and out[:, 0].max() == 75
    assert np.array_equal(out[:, 1], STANDING[:, 1])


def test_a_slanted_line_grows_along_its_own_normal():
    angle = np.deg2rad(10)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], dtype=np.float32)
    quad = (LYING - LYING.mean(axis=0)) @ rot.T + 150
    out = taller_quad(quad, 2.0, 400, 400)
    assert np.allclose(np.linalg.norm(out[3] - out[0]), 2 * np.linalg.norm(quad[3] - quad[0]), atol=1e-3)
    assert np.allclose(np.linalg.norm(out[1] - out[0]), np.linalg.norm(quad[1] - quad[0]), atol=1e-3)


def test_the_region_stays_inside_the_image():
    out = taller_quad(LYING, 2.0, 215, 62)
    assert out[:, 1].min() == 30 and out[:, 1].max() == 61
    assert out[:, 0].max() <= 214
