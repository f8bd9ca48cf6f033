"""``docintel worker [-c N] [--ocr-threads T] [--pool prefork|solo|threads]``: a Celery worker on the configured broker
(embedded ``sqla+sqlite`` by default, Redis at scale). It migrates the database at start when ``auto_migrate``."""

from __future__ import annotations

import argparse
import os


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--concurrency", type=int, default=None, help="worker processes (default: jobs.concurrency)")
    p.add_argument("--ocr-threads", type=int, default=None, help="inference threads per process (ocr.threads)")
    p.add_argument(
        "--ocr-engine",
        default=None,
        help="OCR engine (ocr.engine), e.g. torch-cuda for a bulk worker on a GPU host (with --pool threads)",
    )
    p.add_argument("--pool", choices=["prefork", "solo", "threads"], default="prefork")
    p.add_argument("-Q", "--queues", default=None, help="queues to consume (default: the OCR and control queues)")
    p.add_argument("-n", "--hostname", default=None, help="worker name (default: celery@<host>)")
    p.add_argument("--loglevel", default="INFO")


def worker_argv(args: argparse.Namespace) -> list[str]:
    from config.settings import get_settings
    from jobs.celery_app import broker_kind

    settings = get_settings()
    queues = args.queues or f"{settings.jobs.ocr_queue},{settings.jobs.control_queue}"
    argv = [
        "worker",
        f"--concurrency={args.concurrency or settings.jobs.concurrency}",
        f"--pool={args.pool}",
        f"--queues={queues}",
        f"--loglevel={args.loglevel}",
    ]
    if args.hostname:
        argv.append(f"--hostname={args.hostname}")
    if broker_kind(settings.jobs.broker_url) == "sqla":
        # The SQL transport has no broadcast: no worker-to-worker chatter on it.
        argv += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    return argv


def run(args: argparse.Namespace) -> int:
    from jobs.embedded import exit_with_parent

    exit_with_parent()
    if args.ocr_threads is not None:
        # Before the settings and the app are built, and inherited by every pool process.
        os.environ["DOCINTEL_OCR__THREADS"] = str(args.ocr_threads)
    if args.ocr_engine is not None:
        os.environ["DOCINTEL_OCR__ENGINE"] = args.ocr_engine
    from config.settings import get_settings
    from extractors.engines.registry import assert_engine_viable

    get_settings.cache_clear()
    assert_engine_viable(get_settings().ocr)  # e.g. torch-cuda with no GPU: exit 3 now, not at the first page
    from jobs.celery_app import app

    app.worker_main(worker_argv(args))
    return 0
