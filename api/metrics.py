"""Prometheus metrics: request latency by route, extraction latency by stage, OCR queue depth.

Each app has its own registry, so several apps in one process (tests) never collide.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_latency = Histogram(
            "docintel_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.requests_in_flight = Gauge(
            "docintel_http_requests_in_flight", "HTTP requests being served", registry=self.registry
        )
        self.stage_latency = Histogram(
            "docintel_extraction_stage_duration_seconds",
            "extraction latency per stage (capture, ocr, classify, extract, total)",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.documents = Counter(
            "docintel_documents_extracted_total", "documents extracted", ["doc_type"], registry=self.registry
        )
        self.queue_depth = Gauge(
            "docintel_ocr_queue_depth", "OCR and signing jobs waiting or running in the pool", registry=self.registry
        )
        self.rejected = Counter(
            "docintel_ocr_rejected_total", "jobs refused because the OCR queue was full", registry=self.registry
        )

    def observe_extraction(self, doc_type: str, timing_ms: Mapping[str, float]) -> None:
        self.documents.labels(doc_type=doc_type).inc()
        for stage, ms in timing_ms.items():
            self.stage_latency.labels(stage=stage).observe(float(ms) / 1000)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Times every request under its route template (``/v1/cases/{case_id}``), never the raw path, so ids do not
    explode the label space."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        self.metrics.requests_in_flight.inc()
        try:
            await self.app(scope, receive, _send)
        finally:
            self.metrics.requests_in_flight.dec()
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.request_latency.labels(scope["method"], template, str(status["code"])).observe(
                time.perf_counter() - start
            )
