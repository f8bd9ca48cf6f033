"""The quality report: every code raised by a capture that has the problem, and not by one that does not."""

from __future__ import annotations

import random
import re

import pytest
from capture_scenes import card_scene, compose

from capture.frame import prepare_frame
from capture.quality import hint
from config.settings import CaptureSettings
from domain.models import Page, Severity

SETTINGS = CaptureSettings()
CODES = ("blurry", "glare", "too_dark", "too_bright", "cut_off", "too_small", "no_document_found")


def report(frame, origin: str = "camera"):
    h, w = frame.shape[:2]
    (page,) = prepare_frame(Page(0, "f.jpg", float(w), float(h), origin=origin, image=frame), SETTINGS)
    return page.quality


def codes(quality) -> set[str]:
    return {i.code for i in quality.issues}


@pytest.mark.parametrize("desk", ["dark", "wood", "fabric", "grey"])
def test_a_clean_capture_raises_nothing(desk: str) -> None:
    q = report(card_scene(31, desk_kind=desk, card_width=780).frame)
    assert q.issues == () and q.ok


def test_clean_generated_captures_raise_nothing() -> None:
    from samples.generator.idcard import make_capture

    for i in range(6):
        cap = make_capture(i, seed=5, difficulty="easy", sides=("front", "back")[i % 2], frame_size=(1600, 1200))
        if "glare_strength" in cap.shot.settings:
            continue  # easy captures may carry a faint reflection on purpose
        assert report(cap.shot.decode()).issues == (), i


@pytest.mark.parametrize(
    "code,effects,severity",
    [
        ("blurry", {"blur": 4.0}, Severity.WARNING),
        ("blurry", {"blur": 7.0}, Severity.ERROR),
        ("glare", {"glare": 0.5, "glare_at": (800, 600)}, Severity.WARNING),
        ("too_dark", {"exposure": 0.3}, Severity.WARNING),
        ("too_dark", {"exposure": 0.15}, Severity.ERROR),
        ("too_bright", {"exposure": 1.8}, Severity.WARNING),
        ("too_small", {"card_width": 330}, Severity.WARNING),
        ("too_small", {"card_width": 230}, Severity.ERROR),
        ("cut_off", {"centre": (1300, 600), "card_width": 760, "angle": 3}, Severity.WARNING),
        ("cut_off", {"centre": (1650, 600), "card_width": 760, "angle": 3}, Severity.ERROR),
    ],
)
def test_each_problem_is_reported(code: str, effects: dict, severity: Severity) -> None:
    effects.setdefault("card_width", 780)
    q = report(card_scene(12, desk_kind="dark", **effects).frame)
    (issue,) = [i for i in q.issues if i.code == code]
    assert issue.severity == severity
    assert issue.value is not None
    # A cut-off card may not show enough of itself to be told from other documents: any noun will do.
    assert issue.message_zh in {hint(code, kind) for kind in ("id_card", "a4", "other")}
    assert q.ok == (severity != Severity.ERROR) or any(i.severity == Severity.ERROR for i in q.issues if i.code != code)


def test_an_empty_desk_says_no_document_was_found() -> None:
    q = report(compose([], rng=random.Random(2), desk_kind="wood").frame)
    assert "no_document_found" in codes(q)
    (issue,) = [i for i in q.issues if i.code == "no_document_found"]
    assert issue.severity == Severity.WARNING and "重拍" in issue.message_zh


def test_scans_are_never_judged_on_framing() -> None:
    # A small, off-centre card "scanned" on a page: no desk, so no framing codes.
    frame = card_scene(3, desk_kind="grey", card_width=260, centre=(1500, 1100)).frame
    assert not codes(report(frame, origin="scan")) & {"cut_off", "too_small", "no_document_found"}


def test_every_code_has_a_chinese_hint_for_every_kind() -> None:
    for kind in ("id_card", "a4", "other"):
        for code in CODES:
            assert re.search(r"[\u4e00-\u9fff]{4,}", hint(code, kind))
    assert "证件" in hint("blurry", "id_card") and "文件" in hint("blurry", "a4")


def test_report_serialises_like_the_extract_json() -> None:
    q = report(card_scene(9, blur=4.5, card_width=780).frame)
    d = q.to_dict()
    assert d["ok"] is True and d["issues"][0]["code"] == "blurry" and d["issues"][0]["severity"] == "warning"
    assert isinstance(d["metrics"]["sharpness"], float)
