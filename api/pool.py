"""The bounded pool where OCR (and signing) run, off the event loop, so health checks and small requests stay
responsive while frames are read. Sized to the cores; a full queue answers 503 at once instead of piling up."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from api.metrics import Metrics
from domain.errors import ExternalServiceError

T = TypeVar("T")


class ServerBusy(ExternalServiceError):
    code = "server_busy"
    http_status = 503
    default_zh = "服务繁忙，请稍后重试"


class ProcessingTimeout(ExternalServiceError):
    code = "processing_timeout"
    http_status = 503
    default_zh = "处理超时，请稍后重试"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class WorkPool:
    def __init__(self, *, size: int, queue_limit: int, timeout_s: float, metrics: Metrics) -> None:
        self.size = size or cores()
        self.queue_limit = queue_limit
        self.timeout_s = timeout_s
        self._metrics = metrics
        self._executor = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="docintel-ocr")
        self._pending = 0
        self._lock = threading.Lock()

    @property
    def depth(self) -> int:
        return self._pending

    def _done(self, _future: object) -> None:
        with self._lock:
            self._pending -= 1
            self._metrics.queue_depth.set(self._pending)

    def run(self, fn: Callable[[], T]) -> T:
        """Runs ``fn`` in the pool and waits for it (called from a request's worker thread, never the loop).

        A job that outlives the request's time budget is abandoned, not killed (threads cannot be): it still
        counts in the queue depth until it ends, so a flood of slow inputs is refused rather than stacked up.
        """
        with self._lock:
            if self._pending >= self.queue_limit:
                self._metrics.rejected.inc()
                raise ServerBusy(
                    f"{self._pending} jobs are queued (limit {self.queue_limit}); retry shortly",
                    message_zh="识别队列已满，请稍后重试",
                )
            self._pending += 1
            self._metrics.queue_depth.set(self._pending)
        future = self._executor.submit(fn)
        future.add_done_callback(self._done)
        try:
            return future.result(timeout=self.timeout_s)
        except FutureTimeout:
            future.cancel()
            raise ProcessingTimeout(
                f"processing took longer than {self.timeout_s:.0f} s", message_zh="处理超时，请稍后重试或减少页数"
            ) from None

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
