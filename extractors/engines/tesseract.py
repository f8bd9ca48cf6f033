"""Tesseract 5 with Debian's chi_sim data: a comparison engine for benchmarks, not the default."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np

from config.settings import OcrSettings
from domain.errors import ModelsMissing
from domain.models import OcrPage, TextLine
from extractors.engines.base import OcrEngine, reading_order


class TesseractEngine(OcrEngine):
    name = "tesseract"

    def __init__(self, settings: OcrSettings) -> None:
        if shutil.which("tesseract") is None:
            raise ModelsMissing("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
        if "chi_sim" not in langs:
            raise ModelsMissing("tesseract has no chi_sim data (Debian: tesseract-ocr-chi-sim)")
        import pytesseract

        self._tess = pytesseract
        self._version = f"tesseract/{pytesseract.get_tesseract_version()}+chi_sim"
        self._threads = settings.threads

    def version(self) -> str:
        return self._version

    def recognize(self, image: np.ndarray) -> OcrPage:
        import cv2

        h, w = image.shape[:2]
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        data = self._tess.image_to_data(rgb, lang="chi_sim+eng", config="--psm 3", output_type=self._tess.Output.DICT)
        # Group words into lines by tesseract's own (block, paragraph, line) numbering.
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if word.strip():
                groups.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
        lines = []
        for idx in groups.values():
            text = "".join(data["text"][i] for i in idx)
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            confs = [float(data["conf"][i]) for i in idx if float(data["conf"][i]) >= 0]
            conf = (sum(confs) / len(confs) / 100.0) if confs else 0.0
            lines.append(TextLine(text, conf, (float(x0), float(y0), float(x1), float(y1))))
        return OcrPage(tuple(reading_order(lines)), float(w), float(h), self.name)
