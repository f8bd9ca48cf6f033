"""``docintel reprocess``: read stored documents again (after a model or rule change) as a fan-out of chunked tasks
on the workers, with a progress bar (stderr) and, at the end, the diff report (stdout, JSON).

    docintel reprocess --doc-type id_card_front --from 2026-01-01 --to 2026-06-30 --engine-version OLD
    docintel reprocess --dry-run ...            how many documents would be read, in how many tasks
    docintel reprocess ... --detach             print the job id and leave it to the workers
    docintel reprocess --resume JOB             send what an interrupted job has left (done items stay done)
    docintel reprocess --status JOB             follow (or report on) a job
    docintel reprocess ... --inline             no worker: run the tasks in this process

Exit status: 0 when every document was read, 1 when some failed (the report says which), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="created_from", help="documents stored from this day (YYYY-MM-DD, UTC) or time")
    p.add_argument("--to", dest="created_to", help="... up to and including this day (or before this time)")
    p.add_argument("--doc-type", action="append", default=[], help="only this document type (repeatable)")
    p.add_argument("--branch", action="append", default=[], help="only this branch (repeatable)")
    p.add_argument("--engine-version", action="append", default=[], help="only documents read by this engine")
    p.add_argument("--limit", type=int, default=None, help="at most this many documents")
    p.add_argument("--chunk-size", type=int, default=None, help="documents per task (default: jobs.chunk_size)")
    p.add_argument("--callback-url", default=None, help="POSTed (HMAC-signed) when the job ends")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="only count what would be read")
    mode.add_argument("--resume", metavar="JOB", help="send the unfinished items of this job again")
    mode.add_argument("--status", metavar="JOB", help="follow this job (no new work is sent)")
    p.add_argument("--detach", action="store_true", help="do not wait: print the job id and return")
    p.add_argument("--inline", action="store_true", help="run the tasks here, without a broker or worker")
    p.add_argument("--timeout", type=float, default=None, help="stop waiting after this many seconds")


def _services():  # type: ignore[no-untyped-def]
    from config.settings import get_settings
    from pipeline.services import open_services

    return open_services(get_settings())


def _selection(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from domain.errors import InputError
    from pipeline.reprocess.run import Selection, parse_when

    if args.limit is not None and args.limit < 1:
        raise InputError("--limit must be at least 1", message_zh="--limit 至少为 1")
    return Selection(
        created_from=parse_when(args.created_from),
        created_to=parse_when(args.created_to, end=True),
        doc_types=tuple(args.doc_type),
        branches=tuple(args.branch),
        engine_versions=tuple(args.engine_version),
        limit=args.limit,
    )


def _snapshot(svc, job_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from pipeline.work.job_store import counts, get_job

    with svc.db.session() as s:
        job = get_job(s, job_id)
        c = counts(s, job_id)
        return {"state": job.state, "total": job.total, "done": c.get("done", 0) + c.get("failed", 0)}


def follow(svc, job_id: str, *, timeout_s: float | None, poll_s: float = 0.5, step=None) -> str:  # type: ignore[no-untyped-def]
    """Waits for the job with a progress bar on stderr; returns its final state (or the current one on timeout)."""
    from tqdm import tqdm

    from storage.jobs_models import JobState

    snap = _snapshot(svc, job_id)
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    with tqdm(total=snap["total"], unit="doc", file=sys.stderr, desc=job_id[:8], disable=None) as bar:
        while True:
            if step is not None:
                step()
            snap = _snapshot(svc, job_id)
            bar.update(snap["done"] - bar.n)
            if snap["state"] in JobState.FINAL or (deadline is not None and time.monotonic() > deadline):
                return snap["state"]
            time.sleep(poll_s)


def run(args: argparse.Namespace) -> int:
    from pipeline.reprocess import run as reprocess
    from pipeline.work.runner import InlineDispatcher, resume_job
    from storage.jobs_models import JobState

    svc = _services()
    dispatcher: Any
    if args.inline:
        dispatcher = InlineDispatcher(svc)
    else:
        from jobs.dispatch import get_dispatcher

        dispatcher = get_dispatcher()
    if args.dry_run:
        selection = _selection(args)
        with svc.db.session() as s:
            docs = reprocess.select_documents(s, selection)
        chunks = reprocess.case_aligned_chunks(docs, args.chunk_size or svc.settings.jobs.chunk_size)
        print(json.dumps({"selected": len(docs), "chunks": len(set(chunks)), "selection": selection.to_json()}))
        return 0
    if args.status:
        job_id = args.status
    elif args.resume:
        job_id = args.resume
        sent = resume_job(svc, dispatcher, job_id=job_id)
        print(f"docintel: job {job_id}: {sent} unfinished document(s) sent again", file=sys.stderr)
    else:
        outcome = reprocess.submit_reprocess(
            svc,
            dispatcher,
            selection=_selection(args),
            created_by="cli",
            role="operator",
            chunk_size=args.chunk_size,
            callback_url=args.callback_url,
        )
        job_id = outcome.body["job_id"]
        print(
            f"docintel: job {job_id}: {outcome.body['selected']} document(s) in {outcome.body['chunks']} task(s)",
            file=sys.stderr,
        )
    if args.detach and not args.inline:
        print(json.dumps({"job_id": job_id}))
        return 0
    step = dispatcher.drain if args.inline else None
    state = follow(svc, job_id, timeout_s=args.timeout, step=step)
    print(json.dumps(reprocess.reprocess_report(svc, job_id), ensure_ascii=False))
    if state not in JobState.FINAL:
        print(f"docintel: job {job_id} still {state}; follow it with --status {job_id}", file=sys.stderr)
        return 1
    return 0 if state == JobState.SUCCEEDED else 1
