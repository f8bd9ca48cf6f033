"""Per-character candidates from a CTC recogniser's output, kept beside the text it decoded.

A greedy CTC decode keeps, for each character, only the class with the highest probability and throws the rest
of the distribution away. For a value that can only hold a few characters — 大写 amounts are written with
零壹贰叁肆伍陆柒捌玖拾佰仟万元角分整 — the runner-up is often the right one (贰 at 0.18 under 武 at 0.63 on a
blurred hand-filled blank). This module keeps the top few classes at each decoded character's strongest frame,
so extractors can choose among them without a second recognition pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from domain.models import Candidates

TOP_K = 5
MIN_PROBABILITY = 1e-3  # below this a class is noise, not a candidate


class DecodedText(str):
    """A decoded line that also carries its per-character candidates (survives the pipeline as a plain str)."""

    candidates: tuple[Candidates, ...] | None = None


def candidates_for(text: str, probs: np.ndarray, characters: Sequence[str], *, blank: int = 0) -> tuple | None:
    """Candidates for each character of ``text`` from the T×C probabilities it was greedily decoded from;
    None when the decode cannot be lined up with ``text`` (a class that spells several characters)."""
    return candidates_from_peaks(text, probs, probs.argmax(axis=1), probs.max(axis=1), characters, blank=blank)


def candidates_from_peaks(
    text: str,
    probs: np.ndarray,
    best: np.ndarray,
    peak_prob: np.ndarray,
    characters: Sequence[str],
    *,
    blank: int = 0,
) -> tuple | None:
    """``candidates_for`` with the arg-max class and its probability of each frame already computed (the
    decoder needs them too)."""
    change = np.r_[True, best[1:] != best[:-1]]
    runs = np.flatnonzero(change)  # every run of one class, blanks included
    emitted = runs[best[runs] != blank]
    if len(emitted) != len(text):
        return None
    if not len(emitted):
        return ()
    # The strongest frame of each emitted run: its class is the character; the rest of that frame are candidates.
    ends = np.r_[runs[1:], len(best)]
    run_end = ends[np.searchsorted(runs, emitted)]
    peaks = np.array([t0 + int(peak_prob[t0:t1].argmax()) for t0, t1 in zip(emitted, run_end, strict=True)])
    rows = probs[peaks].astype(np.float64)
    rows[:, blank] = 0.0
    top = np.argpartition(-rows, TOP_K, axis=1)[:, :TOP_K]
    order = np.take_along_axis(rows, top, axis=1).argsort(axis=1)[:, ::-1]
    top = np.take_along_axis(top, order, axis=1)
    out = []
    for n, (row, classes) in enumerate(zip(rows, top, strict=True)):
        picked = tuple((characters[i], round(float(row[i]), 4)) for i in classes if row[i] >= MIN_PROBABILITY)
        if not picked or picked[0][0] != text[n]:
            return None
        out.append(picked)
    return tuple(out)


class CandidateRecorder:
    """Wraps a PaddleX ``CTCLabelDecode``: the same texts and scores, each text a ``DecodedText`` with
    candidates. Anything it cannot line up is passed through unchanged."""

    def __init__(self, decoder: Any) -> None:
        self._decoder = decoder
        self._characters = list(decoder.character)

    def __call__(self, pred: Any, **kwargs: Any) -> tuple[list, list]:
        texts, scores = self._decoder(pred, **kwargs)
        probs = np.asarray(pred[0])
        out = []
        for text, p in zip(texts, probs, strict=False):
            if isinstance(text, str):
                decoded = DecodedText(text)
                decoded.candidates = candidates_for(text, p, self._characters)
                text = decoded
            out.append(text)
        return out, scores

    def __getattr__(self, name: str) -> Any:
        return getattr(self._decoder, name)
