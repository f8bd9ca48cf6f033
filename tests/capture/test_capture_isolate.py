"""Hard bounds on reading untrusted files: a child process per PDF/TIFF with its own address-space, CPU and
wall-time limits, killed when over budget; and inflated-size and object-count limits measured from the raw
bytes before any parser runs. Bombs are generated here (tests/capture/pdf_bombs.py), a few KB each. A real bomb
that only the child's address space stops (rectangles, ~30 s to fill it) runs end to end once through the CLI
(tests/cli/test_cli_bad_input.py) and once through the API (tests/api/test_api_hostile_pdf.py)."""

from __future__ import annotations

import time

import psutil
import pytest
from pdf_bombs import content_bomb, deep_nesting, many_pages, object_flood

from capture.isolate import Budget, run_isolated
from capture.load import load_pages
from capture.pdf_budget import PdfBudget, measure
from config.settings import CaptureSettings
from domain.errors import CorruptFile, TooComplex, TooManyPages

MB = 1024 * 1024
SETTINGS = CaptureSettings()


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / MB


def no_children_left() -> bool:
    """Every reader child has ended (multiprocessing's fork server and resource tracker stay)."""
    kids = [p for p in psutil.Process().children(recursive=True) if "multiprocessing." not in " ".join(p.cmdline())]
    return not [p for p in kids if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_a_child_that_allocates_past_its_address_space_is_refused_as_too_complex() -> None:
    with pytest.raises(TooComplex) as err:
        run_isolated(bytearray, (3 * 1024 * MB,), Budget(512 * MB, 30, 30))
    assert err.value.detail["reason"].startswith("memory")
    assert err.value.http_status == 422 and err.value.exit_code == 2


def test_a_child_that_spins_is_stopped_by_its_cpu_limit() -> None:
    t0 = time.monotonic()
    with pytest.raises(TooComplex) as err:
        run_isolated(sum, (range(10**13),), Budget(512 * MB, 1, 60))
    assert err.value.detail["reason"] == "CPU"
    assert time.monotonic() - t0 < 30  # stopped by RLIMIT_CPU, far before its wall time
    assert no_children_left()


def test_a_child_past_its_wall_time_is_killed_not_abandoned() -> None:
    with pytest.raises(TooComplex) as err:
        run_isolated(time.sleep, (60,), Budget(512 * MB, 30, 1.0))
    assert err.value.detail["reason"] == "wall"
    assert no_children_left()


def test_a_result_and_a_domain_error_come_back_whole() -> None:
    assert run_isolated(sorted, ([3, 1, 2],), Budget(512 * MB, 10, 30)) == [1, 2, 3]
    with pytest.raises(CorruptFile) as err:
        load_pages(b"%PDF-1.7\n garbage", "x.pdf", SETTINGS)  # raised in the child, rebuilt here
    assert "truncated" in err.value.message and err.value.message_zh


def test_a_content_stream_bomb_is_refused_from_its_bytes() -> None:
    """300 MB of zeros in one Flate content stream, a 300 KB file: refused before pdfminer sees it (it took a
    server from 1.2 to 15.5 GB)."""
    bomb = content_bomb(300)
    assert len(bomb) < 400_000
    before = rss_mb()
    with pytest.raises(TooComplex) as err:
        load_pages(bomb, "bomb.pdf", SETTINGS)
    assert err.value.detail["reason"] == "pdf_inflated_size"
    assert rss_mb() - before < 100


def test_measure_counts_streams_by_kind_and_objects() -> None:
    budget = PdfBudget(max_objects=1000, max_content_bytes=64 * MB, max_font_bytes=MB, max_image_bytes=MB)
    totals = measure(content_bomb(2), budget)
    assert totals.content_bytes == 2 * MB and totals.image_bytes == 0 and totals.objects == 4
    with pytest.raises(TooComplex):
        measure(content_bomb(2), PdfBudget(1000, MB, MB, MB))
    with pytest.raises(TooComplex) as err:
        measure(object_flood(2000), budget)
    assert err.value.detail["reason"] == "pdf_objects"


@pytest.mark.parametrize(
    "build,error",
    [
        (lambda: many_pages(5000), TooManyPages),
        (lambda: object_flood(300_000), TooComplex),
        (lambda: deep_nesting(100_000), None),  # read or refused, never a crash
    ],
)
def test_structural_bombs_end_cleanly(build, error) -> None:
    data = build()
    if error is None:
        try:
            pages = load_pages(data, "deep.pdf", SETTINGS)
        except (CorruptFile, TooComplex):
            return
        assert len(pages) == 1
    else:
        with pytest.raises(error):
            load_pages(data, "bomb.pdf", SETTINGS)


def test_a_process_forked_after_the_fork_server_started_reads_too() -> None:
    """A Celery prefork pool process is forked from a main process that may already run a fork server; it
    must start its own rather than wait on one that is not its child."""
    import os

    run_isolated(sorted, ([2, 1],), Budget(512 * MB, 10, 30))  # the fork server is running now
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked child reports through the pipe
        try:
            ok = run_isolated(sorted, ([4, 3],), Budget(512 * MB, 10, 30)) == [3, 4]
        except BaseException:
            ok = False
        os.write(writer, b"1" if ok else b"0")
        os._exit(0)
    os.close(writer)
    answer = os.read(reader, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"


def _pages_of_a_sample_pdf(conn) -> None:  # runs in a billiard (Celery pool) process
    from pathlib import Path

    try:
        data = (
            Path(__file__).resolve().parents[2]
            / "samples"
            / "contracts"
            / "rental_agreement_city_template_text_pdf.pdf"
        ).read_bytes()
        conn.send(len(load_pages(data, "contract.pdf", SETTINGS)))
    except BaseException as exc:
        conn.send(f"{type(exc).__name__}: {exc}")


def test_a_celery_pool_process_reads_pdfs_in_a_child_too() -> None:
    """Billiard's pool processes are daemonic and carry an authkey of billiard's type; the reader child starts
    from them all the same (an AssertionError, then a TypeError, failed every PDF of a package before)."""
    import billiard

    parent, child = billiard.Pipe(duplex=False)
    proc = billiard.Process(target=_pages_of_a_sample_pdf, args=(child,), daemon=True)
    proc.start()
    assert parent.poll(120)
    answer = parent.recv()
    proc.join(10)
    assert answer == 4, answer
