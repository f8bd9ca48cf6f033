"""Per-character candidates kept from the recogniser's CTC output, and the real engine giving them."""

from __future__ import annotations

import numpy as np
from paddlex.inference.models.text_recognition.processors import CTCLabelDecode

from config.settings import get_settings
from extractors.engines import get_engine
from extractors.engines.ctc_candidates import CandidateRecorder, candidates_for

CHARS = ["武", "贰", "佰", "a"]  # the decoder adds "blank" at 0 (and a space at the end)


def _probs(*frames: dict[int, float]) -> np.ndarray:
    """T×C probabilities from {class: p} per frame; the rest of each frame's mass goes to blank."""
    out = np.zeros((len(frames), len(CHARS) + 2), np.float32)
    for t, f in enumerate(frames):
        for c, p in f.items():
            out[t, c] = p
        out[t, 0] = max(0.0, 1 - sum(f.values())) if 0 not in f else f[0]
    return out


def test_candidates_are_the_top_classes_at_each_characters_strongest_frame() -> None:
    decoder = CTCLabelDecode(CHARS)
    probs = _probs({1: 0.5, 2: 0.3}, {1: 0.63, 2: 0.18, 4: 0.1}, {0: 0.9}, {3: 0.97, 1: 0.02})
    (text,), _ = decoder([probs[None]])
    assert text == "武佰"
    cands = candidates_for(text, probs, decoder.character)
    # 武's run spans two frames: the candidates come from the stronger one (0.63, not 0.5).
    assert cands[0] == (("武", 0.63), ("贰", 0.18), ("a", 0.1))
    assert cands[1] == (("佰", 0.97), ("武", 0.02))


def test_a_decode_that_does_not_line_up_gives_no_candidates() -> None:
    decoder = CTCLabelDecode(CHARS)
    probs = _probs({1: 0.9}, {3: 0.9})
    assert candidates_for("武", probs, decoder.character) is None  # two characters decoded, one given


def test_the_recorder_keeps_texts_and_scores_and_adds_candidates() -> None:
    decoder = CTCLabelDecode(CHARS)
    probs = _probs({1: 0.7, 2: 0.2}, {0: 0.9}, {3: 0.8})[None]
    plain = decoder([probs])
    texts, scores = CandidateRecorder(decoder)([probs])
    assert (texts, scores) == plain
    assert texts[0].candidates[0][:2] == (("武", 0.7), ("贰", 0.2))
    assert CandidateRecorder(decoder).character == decoder.character  # everything else passes through


def test_the_paddle_engine_gives_candidates_lined_up_with_each_line() -> None:
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (900, 120), "white")
    ImageDraw.Draw(img).text(
        (30, 40), "月租金3500元（大写：叁仟伍佰元整）", font=ImageFont.truetype(FONT, 36), fill="black"
    )
    page = get_engine("paddle", settings=get_settings().ocr).recognize(cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR))
    assert page.lines
    for ln in page.lines:
        assert ln.candidates is not None and len(ln.candidates) == len(ln.text)
        assert all(c[0][0] == ch and 0 < c[0][1] <= 1 for ch, c in zip(ln.text, ln.candidates, strict=True))


FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
