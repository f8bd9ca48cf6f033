"""Bad and hostile input on the command line: a clear one-line error and exit 2, before any OCR model is made,
and within the process's memory even when the address space is capped at 4 GB."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "capture"))
from pdf_bombs import content_bomb  # noqa: E402

GB = 1024**3


def docintel(*args: str, limit_as: int | None = None, env: dict | None = None, timeout: float = 180):
    def cap() -> None:
        if limit_as:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))

    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
        env={**os.environ, **(env or {})},
    )


def assert_clean_refusal(proc: subprocess.CompletedProcess, code: str) -> None:
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stdout == ""
    assert f"docintel: error: {code}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Creating model" not in proc.stderr  # no OCR model was loaded to reject it
    assert "\x1b[" not in proc.stderr  # no ANSI colour codes


@pytest.mark.parametrize(
    "content,code",
    [
        (b"", "empty_file"),
        (b"hello, this is not a document\n", "unsupported_file_type"),
        (b"\xff\xd8\xff", "corrupt_file"),
    ],
)
def test_extract_refuses_bad_files_before_loading_models(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "input.jpg"
    path.write_bytes(content)
    assert_clean_refusal(docintel("extract", str(path)), code)


def test_check_refuses_an_empty_file_before_loading_models(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert_clean_refusal(docintel("check", "--business", "retirement_withdrawal", str(path)), "empty_file")


def test_a_content_stream_bomb_fails_cleanly_under_a_4_gb_address_space(tmp_path: Path) -> None:
    """300 MB of content in a 300 KB PDF (a 143 KB one took the CLI to 15 GB)."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(content_bomb(300))
    assert_clean_refusal(docintel("extract", str(path), limit_as=4 * GB), "too_complex")


def test_a_bomb_the_byte_scan_lets_through_is_stopped_by_the_child_under_4_gb(tmp_path: Path) -> None:
    """Rectangles under the stream budget, each an object in pdfplumber: the reader child runs out of its own
    address space (lowered here so the test is quick) and the CLI says so."""
    path = tmp_path / "rects.pdf"
    path.write_bytes(content_bomb(3, operands=b"0 0 1 1 re f "))
    proc = docintel("extract", str(path), limit_as=4 * GB, env={"DOCINTEL_CAPTURE__ISOLATE_MEMORY_MB": "256"})
    assert_clean_refusal(proc, "too_complex")
