"""The whole ``docintel extract`` path over every committed sample, cut off at random edges: no exception
escapes, ever. Images lose a random share of each edge (a page or card lying partly outside the frame: the
ZeroDivisionError of issue 16); PDFs are cut short. In-process through the pipeline with the real OCR engine,
then once through the CLI. Seeded, so CI sees the same cuts every run.

Also: a PDF with only an owner password (no password to open it) is read like the same PDF unencrypted."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from config.settings import get_settings
from domain.errors import InputError
from extractors.engines import LazyEngine
from pipeline.documents.extract import InputFile, extract_files

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples" / "idcards").glob("*.jpg")) + sorted((ROOT / "samples" / "contracts").glob("*.*"))
SAMPLES = [p for p in SAMPLES if p.suffix in (".jpg", ".pdf")]
SEED = 16


def cut_image(data: bytes, rng: random.Random) -> bytes:
    """The frame with 0-45 % of each edge cut away (at least one edge cut)."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    h, w = img.shape[:2]
    cuts = [rng.choice([0.0, rng.uniform(0.05, 0.45)]) for _ in range(4)]
    cuts[rng.randrange(4)] = rng.uniform(0.1, 0.45)
    left, top, right, bottom = cuts
    crop = img[int(top * h) : h - int(bottom * h), int(left * w) : w - int(right * w)]
    ok, enc = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return enc.tobytes()


def cut_files() -> list[InputFile]:
    rng = random.Random(SEED)
    files = []
    for path in SAMPLES:
        data = path.read_bytes()
        if path.suffix == ".jpg":
            files.append(InputFile(f"cut_{path.name}", cut_image(data, rng)))
        else:
            files.append(InputFile(f"short_{path.name}", data[: rng.randrange(len(data) // 4, len(data) - 10)]))
    return files


def test_there_are_samples_of_both_kinds() -> None:
    assert sum(p.suffix == ".jpg" for p in SAMPLES) >= 8 and sum(p.suffix == ".pdf" for p in SAMPLES) >= 3


def test_every_sample_cut_off_at_random_edges_extracts_or_fails_cleanly() -> None:
    engine = LazyEngine(settings=get_settings().ocr)
    settings = get_settings()
    answered, refused = 0, 0
    for f in cut_files():
        try:
            docs = list(extract_files([f], engine=engine, settings=settings))
        except InputError as exc:  # the only way out: a clean input error
            assert f.name.startswith("short_"), f"{f.name}: {exc.one_line()}"
            refused += 1
            continue
        assert docs and all(d.source == (f.name,) for d in docs)
        answered += 1
    assert answered == sum(p.suffix == ".jpg" for p in SAMPLES)
    assert refused == sum(p.suffix == ".pdf" for p in SAMPLES)  # a cut PDF is truncated: named as such


def test_the_cli_reads_cut_off_frames(tmp_path: Path) -> None:
    """One real CLI run over two cut-off frames and a cut-short PDF: two answers, one error line, exit 2, no
    traceback and no model banner on stderr."""
    files = cut_files()
    picks = [f for f in files if f.name.startswith("cut_")][:2] + [f for f in files if f.name.startswith("short_")][:1]
    paths = []
    for f in picks:
        (tmp_path / f.name).write_bytes(f.data)
        paths.append(str(tmp_path / f.name))
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "extract", *paths], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Creating model" not in proc.stderr
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {Path(d["source"][0]).name for d in docs} == {picks[0].name, picks[1].name}
    assert f"{picks[2].name}: corrupt_file" in proc.stderr


@pytest.fixture(scope="module")
def owner_only_pdf() -> tuple[bytes, bytes]:
    """A sample contract with an owner password and an empty user password (opens without one), and the
    original."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    original = (ROOT / "samples" / "contracts" / "rental_agreement_city_template_text_pdf.pdf").read_bytes()
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(original)))
    writer.encrypt(owner_pass=b"owner-secret", user_pass=b"")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), original


def test_an_owner_password_only_pdf_is_read_like_the_original(owner_only_pdf) -> None:
    encrypted, original = owner_only_pdf
    assert b"/Encrypt" in encrypted
    engine = LazyEngine(settings=get_settings().ocr)
    (got,) = extract_files([InputFile("owner_only.pdf", encrypted)], engine=engine)
    (want,) = extract_files([InputFile("plain.pdf", original)], engine=engine)
    assert got.doc_type == want.doc_type == "rental_agreement"
    assert {k: f.value for k, f in got.fields.items()} == {k: f.value for k, f in want.fields.items()}
    assert got.fields
