"""The bounded OCR pool: jobs run off the caller's thread, a full queue is refused at once (503), an overlong job
is abandoned with a 503, and the queue-depth gauge follows the jobs."""

from __future__ import annotations

import threading

import pytest

from api.metrics import Metrics
from api.pool import ProcessingTimeout, ServerBusy, WorkPool


def test_a_full_queue_is_refused_and_depth_follows_the_jobs():
    metrics = Metrics()
    pool = WorkPool(size=1, queue_limit=2, timeout_s=30, metrics=metrics)
    release = threading.Event()
    started = threading.Event()
    results: list[str] = []

    def slow() -> str:
        started.set()
        release.wait(30)
        return threading.current_thread().name

    callers = [threading.Thread(target=lambda: results.append(pool.run(slow))) for _ in range(2)]
    for t in callers:
        t.start()
    started.wait(30)
    while pool.depth < 2:  # both jobs admitted (one running, one waiting)
        threading.Event().wait(0.01)
    with pytest.raises(ServerBusy):
        pool.run(lambda: "third")
    assert metrics.rejected._value.get() == 1
    release.set()
    for t in callers:
        t.join(30)
    assert len(results) == 2 and all(name.startswith("docintel-ocr") for name in results)
    assert pool.run(lambda: "again") == "again"
    assert pool.depth == 0 and metrics.queue_depth._value.get() == 0
    pool.shutdown()


def test_a_job_past_the_time_budget_is_a_503_and_still_counted_until_it_ends():
    pool = WorkPool(size=1, queue_limit=4, timeout_s=0.05, metrics=Metrics())
    release = threading.Event()
    with pytest.raises(ProcessingTimeout) as info:
        pool.run(lambda: release.wait(30))
    assert info.value.http_status == 503 and info.value.message_zh
    assert pool.depth == 1  # abandoned, not killed: it still holds its place
    release.set()
    pool._executor.shutdown(wait=True)
    assert pool.depth == 0


def test_errors_of_a_job_reach_the_caller():
    pool = WorkPool(size=2, queue_limit=4, timeout_s=30, metrics=Metrics())

    def bad() -> None:
        raise ValueError("bad frame")

    with pytest.raises(ValueError, match="bad frame"):
        pool.run(bad)
    assert pool.depth == 0
    pool.shutdown()
