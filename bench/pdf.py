"""Pages per second: contract PDFs read from their text layer vs the same pages scanned and OCR'd.

Prints one JSON object: for text-layer PDFs and for their scanned twins (same documents, same pages), the
pages, seconds and pages per second through ``pipeline.documents.extract.extract_files`` (capture, text layer or OCR,
classification, fields); raw PaddleOCR over the scanned page images as the peer floor; and the ratios.

    .venv/bin/python bench/pdf.py [--documents 6] [--seed 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")


def _documents(n: int, seed: int) -> list[tuple[str, bytes, bytes]]:
    """(name, text PDF, scanned PDF of the same pages)."""
    from samples.generator.contract_pdf import scanned_pdf
    from samples.generator.contracts import TEMPLATES, make_text_pdf

    docs = []
    rng = random.Random(seed)
    kinds = [(t, tpl) for t in sorted(TEMPLATES) for tpl in sorted(TEMPLATES[t])]
    for i in range(n):
        doc_type, template = kinds[i % len(kinds)]
        pdf, _, _ = make_text_pdf(rng, doc_type, template, "easy")
        docs.append((f"{doc_type}_{template}_{i}.pdf", pdf, scanned_pdf(pdf, rng, "easy", dpi=200)))
    return docs


def _run(files: list[tuple[str, bytes]], engine) -> dict:
    from pipeline.documents.extract import InputFile, extract_files

    pages, sources = 0, set()
    t0 = time.perf_counter()
    for name, data in files:
        for doc in extract_files([InputFile(name, data)], engine=engine):
            pages += len(doc.pages)
            sources.update(p.text_source for p in doc.pages)
    seconds = time.perf_counter() - t0
    return {
        "documents": len(files),
        "pages": pages,
        "seconds": round(seconds, 3),
        "pages_per_s": round(pages / seconds, 3),
        "text_sources": sorted(sources),
    }


def _raw_paddle(files: list[tuple[str, bytes]], engine) -> dict:
    """The OCR engine alone on the rasterised pages: what the scanned path cannot go below."""
    from capture.pdf import load_pdf_pages
    from config.settings import get_settings

    images = [p.image for name, data in files for p in load_pdf_pages(data, name, get_settings().capture)]
    t0 = time.perf_counter()
    for image in images:
        engine.recognize(image)
    seconds = time.perf_counter() - t0
    return {"pages": len(images), "seconds": round(seconds, 3), "pages_per_s": round(len(images) / seconds, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=6)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()

    from config.settings import get_settings
    from extractors.engines import get_engine

    engine = get_engine(settings=get_settings().ocr)
    docs = _documents(args.documents, args.seed)
    text_files = [(name, pdf) for name, pdf, _ in docs]
    scan_files = [(name.replace(".pdf", "_scan.pdf"), scan) for name, _, scan in docs]
    _run(text_files[:1], engine)  # warm-up: imports, fonts, models
    _run(scan_files[:1], engine)
    text = _run(text_files, engine)
    scanned = _run(scan_files, engine)
    raw = _raw_paddle(scan_files, engine)
    print(
        json.dumps(
            {
                "bench": "pdf_text_layer_vs_scanned",
                "engine": engine.version(),
                "cpu_count": os.cpu_count(),
                "text_pdf": text,
                "scanned_pdf": scanned,
                "raw_paddle_on_scanned_pages": raw,
                "ratios": {
                    "text_vs_scanned_pages_per_s": round(text["pages_per_s"] / scanned["pages_per_s"], 1),
                    "scanned_pipeline_vs_raw_paddle": round(scanned["pages_per_s"] / raw["pages_per_s"], 3),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
