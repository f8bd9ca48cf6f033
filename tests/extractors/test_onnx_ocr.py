"""The paddle engine drives the ONNX sessions itself: the same lines as PaddleOCR's own pipeline, and no lock
between concurrent readers."""

from __future__ import annotations

import difflib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

from config.settings import OcrSettings, get_settings
from extractors.engines.model_store import model_paths
from extractors.engines.onnx_ocr import OcrRuntime, SessionConfig
from extractors.engines.paddle import PaddleOcrEngine, build_paddleocr, record_candidates

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FRAME = ROOT / "samples" / "contracts" / "purchase_contract_gf2014_camera_p3.jpg"
ID_FRAME = ROOT / "samples" / "idcards" / "idcard_0002_easy_both.jpg"


def _frame(path: Path, long_side: int) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    s = long_side / max(img.shape[:2])
    return cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else img


@pytest.fixture(scope="module")
def images() -> list[np.ndarray]:
    return [_frame(CONTRACT_FRAME, 1600), _frame(ID_FRAME, 1200)]


@pytest.fixture(scope="module")
def runtime() -> OcrRuntime:
    return OcrRuntime(model_paths(get_settings().ocr.model_dir), session=SessionConfig(intra_op_threads=1))


def test_same_texts_scores_boxes_and_candidates_as_paddleocr(images, runtime):
    ocr = build_paddleocr(get_settings().ocr)
    assert record_candidates(ocr)
    for image in images:
        want = ocr.predict(image)[0]
        got = runtime.read(image)
        assert len(got) == len(want["rec_texts"]) > 5
        for line, text, score, poly in zip(got, want["rec_texts"], want["rec_scores"], want["rec_polys"], strict=True):
            assert line.text == str(text)
            assert line.score == score
            assert np.array_equal(line.polygon, poly)
            assert line.candidates == text.candidates
        assert any(line.candidates for line in got)


def test_concurrent_readers_get_what_serial_ones_get(images):
    engine = PaddleOcrEngine(OcrSettings(model_dir=get_settings().ocr.model_dir, sessions=2, threads=1))
    assert engine.sessions == 1  # one session pair made at start-up; more only when readers overlap
    work = images * 2
    serial = [engine.recognize(img) for img in work]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(engine.recognize, work))
    assert concurrent == serial
    assert 1 <= engine.sessions <= 2  # never more sessions than configured, however many threads ask


def test_a_taller_recognition_box_reads_fewer_columns_and_keeps_the_detector_boxes(images, runtime):
    taller = OcrRuntime(
        model_paths(get_settings().ocr.model_dir), session=SessionConfig(intra_op_threads=1), rec_box_scale=1.3
    )
    image = images[0]
    polys = runtime.detect(image)
    tight, tight_polys = runtime.crops(image, polys)
    loose, loose_polys = taller.crops(image, polys)
    assert [p.tolist() for p in loose_polys] == [p.tolist() for p in tight_polys]  # boxes reported as detected
    heights = np.array([c.shape[0] for c in loose]) / np.array([c.shape[0] for c in tight])
    assert 1.15 < float(np.median(heights)) < 1.45

    def columns(crops: list[np.ndarray]) -> float:
        return sum(48 * c.shape[1] / c.shape[0] for c in crops)

    assert columns(loose) < 0.85 * columns(tight)
    # Same page, same text: the contract's lines read the same characters (spaces and bracket widths aside).
    norm = str.maketrans({"(": "（", ")": "）", " ": None, "[": "〔", "]": "〕"})
    a = "".join(t for t, _, _ in runtime.recognize_lines(tight)).translate(norm)
    b = "".join(t for t, _, _ in taller.recognize_lines(loose)).translate(norm)
    assert len(a) > 200
    assert difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() > 0.98
