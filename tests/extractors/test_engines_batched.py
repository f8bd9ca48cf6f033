"""The batched engines (bulk work): the CPU reference reads what the default engine reads, pages sent from many
threads share batches, recognition batches never pad a line far past its width, and the CUDA engine refuses to
start, with exit 3 and a clear reason, where it cannot run."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from config.settings import OcrSettings, get_settings
from domain.errors import ConfigError
from extractors.engines import get_engine
from extractors.engines.batched.engine import MicroBatcher
from extractors.engines.batched.lines import MAX_PAD, MIN_WIDTH, batches
from extractors.engines.registry import assert_engine_viable

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "idcards" / "idcard_0000_easy_front.jpg"


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def test_batched_engine_reads_the_same_lines_as_the_default_engine():
    image = cv2.imread(str(SAMPLE))
    settings = get_settings().ocr
    batched = get_engine("onnx-batched", settings=settings).recognize_many([image, image[:, ::-1].copy()])[0]
    default = get_engine("paddle", settings=settings).recognize(image)
    assert len(batched.lines) == len(default.lines) > 5
    same_boxes = sum(a.bbox == b.bbox for a, b in zip(batched.lines, default.lines, strict=True))
    same_text = sum(a.text == b.text for a, b in zip(batched.lines, default.lines, strict=True))
    assert same_boxes == len(default.lines)  # one DB post-processing, box for box
    assert same_text >= len(default.lines) - 1  # padding in a shared batch may move a space, no more
    assert all(ln.candidates is not None for ln in batched.lines)


def test_micro_batcher_serves_concurrent_callers_in_shared_batches():
    sizes: list[int] = []

    def run(images: list[np.ndarray]) -> list[int]:
        sizes.append(len(images))
        return [int(im[0, 0]) for im in images]

    batcher = MicroBatcher(run, max_items=8, wait_s=0.5)
    start = threading.Barrier(8)
    results: dict[int, int] = {}

    def call(n: int) -> None:
        start.wait()
        results[n] = batcher.submit(np.full((2, 2), n, dtype=np.uint8))

    threads = [threading.Thread(target=call, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == {n: n for n in range(8)}  # each caller gets its own page's answer
    assert max(sizes) > 1 and sum(sizes) == 8


def test_micro_batcher_hands_an_error_to_every_waiting_caller():
    def run(images: list[np.ndarray]) -> list[int]:
        raise ValueError("bad batch")

    batcher = MicroBatcher(run, max_items=4, wait_s=0.01)
    with pytest.raises(ValueError, match="bad batch"):
        batcher.submit(np.zeros((2, 2), dtype=np.uint8))


def test_recognition_batches_are_sorted_and_bounded_in_padding():
    rng = np.random.default_rng(3)
    crops = [np.zeros((48, int(w), 3), dtype=np.uint8) for w in rng.integers(20, 2400, size=300)]
    seen: list[int] = []
    for idx, batch in batches(crops, 64):
        assert batch.shape[0] == len(idx) <= 64 and batch.shape[2] == 48
        for i in idx:
            own = max(MIN_WIDTH, crops[i].shape[1])
            assert batch.shape[3] <= MAX_PAD * own + 1
        seen += idx
    assert sorted(seen) == list(range(300))


@pytest.mark.skipif(_cuda_available(), reason="a CUDA GPU is here: the engine would start")
def test_cuda_engine_is_refused_at_start_up_without_a_gpu():
    with pytest.raises(ConfigError, match="torch-cuda"):
        assert_engine_viable(OcrSettings(engine="torch-cuda"))


@pytest.mark.skipif(_cuda_available(), reason="a CUDA GPU is here: the worker would start")
def test_worker_with_the_cuda_engine_exits_3_without_a_gpu(tmp_path):
    env = {**os.environ, "DOCINTEL_VAR_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "worker", "--ocr-engine", "torch-cuda", "--pool", "threads"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 3, run.stderr
    assert "torch-cuda" in run.stderr and "Traceback" not in run.stderr


def test_decoding_from_the_best_classes_per_frame_equals_decoding_from_all_of_them():
    from extractors.engines.batched.lines import ctc_decode, top_classes
    from extractors.engines.ctc_candidates import candidates_for

    characters = ["blank", *"零壹贰叁肆伍陆柒捌玖拾佰仟万元整", " "]
    rng = np.random.default_rng(5)
    for _ in range(50):
        logits = rng.normal(0, 1, size=(40, len(characters)))
        path = rng.integers(0, len(characters), size=40)
        path[rng.random(40) < 0.4] = 0  # blanks between characters, as a CTC model emits them
        logits[np.arange(40), path] += rng.uniform(2, 6, size=40)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        values, indices = top_classes(probs[None])
        decoded = ctc_decode(values[0], indices[0], characters)
        best = probs.argmax(axis=1)
        keep = np.r_[True, best[1:] != best[:-1]] & (best != 0)
        assert decoded.text == "".join(characters[i] for i in best[keep])
        assert decoded.candidates == candidates_for(decoded.text, probs, characters)
