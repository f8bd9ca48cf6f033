"""Hostile files from public regression corpora (qpdf, pdf.js, Pillow; tests/corpora/hostile/README.md) through
``docintel extract``: every file gives a normal JSON answer or one clean error line, never a traceback, never
a hang. One CLI run reads them all (a bad file fails itself, not the batch), under a timeout."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "corpora" / "hostile"
FILES = sorted(p for p in HOSTILE.iterdir() if p.name != "README.md" and not p.name.startswith("."))
ERROR_LINE = re.compile(r"^docintel: error: (?P<path>\S+): (?P<code>[a-z_]+): ")
# What a hostile file may be refused as: input errors only (exit 2, HTTP 4xx).
INPUT_CODES = {
    "corrupt_file",
    "unsupported_file_type",
    "empty_file",
    "image_too_large",
    "too_many_pages",
    "page_too_large",
    "encrypted_pdf",
    "too_complex",
    "file_too_large",
}
# The files that ended in a traceback before issue 16, and what they give now.
WERE_TRACEBACKS = {
    # pdfminer finds fewer pages than PDFium: the text layers no longer zip() against the pages, all are rendered
    "pdfjs__GHOSTSCRIPT-698804-1-fuzzed.pdf": "answer",
    # Pillow raises TypeError("Missing dimensions") counting the frames
    "pillow__crash-2020-10-test.tif": "corrupt_file",
    "pillow__crash-63b1dffefc8c075ddc606c0a2f5fdc15ece78863.tif": "corrupt_file",
}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[str, object]]:
    """File name → ("answer", JSON object) or ("error", code), from one `docintel extract` over the corpus."""
    paths = [str(p.relative_to(ROOT)) for p in FILES]
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "extract", *paths], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (0, 2), proc.stderr[-3000:]
    result: dict[str, tuple[str, object]] = {}
    for line in proc.stdout.splitlines():
        doc = json.loads(line)
        for source in doc["source"]:
            result.setdefault(Path(source).name, ("answer", doc))
    for line in proc.stderr.splitlines():
        m = ERROR_LINE.match(line)
        if m and m["path"] != "some_files_failed":
            name = Path(m["path"]).name
            assert name not in result, f"{name} both answered and refused"
            result[name] = ("error", m["code"])
    return result


def test_the_corpus_is_there() -> None:
    assert 30 <= len(FILES) <= 50
    assert sum(p.stat().st_size for p in FILES) < 3 * 1024 * 1024
    assert {p.name.split("__")[0] for p in FILES} == {"pdfjs", "qpdf", "pillow"}


def test_every_file_gets_an_answer_or_a_clean_input_error(outcomes) -> None:
    assert sorted(outcomes) == [p.name for p in FILES]
    for name, (kind, value) in outcomes.items():
        if kind == "error":
            assert value in INPUT_CODES, f"{name}: {value}"
        else:
            assert {"source", "doc_type", "fields", "quality", "warnings", "timing_ms"} <= value.keys(), name


def test_the_files_that_ended_in_tracebacks_now_end_cleanly(outcomes) -> None:
    for name, expected in WERE_TRACEBACKS.items():
        kind, value = outcomes[name]
        assert (kind if expected == "answer" else value) == expected, f"{name}: {kind} {value}"
