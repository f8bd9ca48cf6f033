"""Package throughput on real Celery workers against the pipeline in a plain loop, on the embedded broker and on
Redis, in one run. Prints one JSON object.

    python bench/jobs.py [--files 20] [--seed 7] [--brokers sqla,redis] [--configs 1x1,2x1,1x2] [--repeat 1]

A package of generated, mixed documents (ID-card frames: fronts, backs, both sides in one frame; contracts as text
PDFs and scanned PDFs) is read under each setting ``PxT`` (P worker processes, T inference threads each, i.e.
``settings.ocr.threads`` → ONNX Runtime ``intra_op_num_threads``):
- ``plain``: ``pipeline.documents.extract.extract_files`` over the files in a loop, in P processes of T threads;
- ``celery``: ``docintel worker -c P --ocr-threads T`` on the broker, the package submitted as the API does
  (``submit_package``), timed from submission to the job's end (reading, grouping, storing, checks).
Models are loaded and one warm-up file read per process before timing. Reported: documents/minute, CPU seconds per
document (all processes of the worker or the loop), the scaling of 2x1 over 1x1, the overhead of the Celery path
over the plain loop with the same setting (by wall time, and by CPU time, which other load on the host does not
distort), the host's load around each run, and an acceptance run of the package through the HTTP API with every
document accounted for. Wall-time numbers mean something only on an otherwise idle host (``--max-load``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
os.environ.setdefault("DOCINTEL_OCR__MODEL_DIR", str(ROOT / "var" / "models"))


# --- the package -------------------------------------------------------------------------------------------------
def make_package(count: int, seed: int) -> list[tuple[str, bytes]]:
    """About 7 in 10 files are ID-card frames (1 in 7 of them both sides), the rest contracts as PDFs."""
    from samples.generator.contracts import make_contract
    from samples.generator.idcard import make_capture

    rng = random.Random(seed)
    files: list[tuple[str, bytes]] = []
    n_contracts = max(1, round(count * 0.3))
    for i in range(count - n_contracts):
        sides = "both" if i % 7 == 6 else ("front", "back")[i % 2]
        cap = make_capture(i, seed=seed, difficulty=("easy", "medium")[i % 2], sides=sides)
        files.append((f"id_{i:02d}_{sides}.jpg", cap.shot.jpeg))
    for j in range(n_contracts):
        doc_type = ("purchase_contract", "rental_agreement")[j % 2]
        template = {"purchase_contract": "gf2014", "rental_agreement": "city_template"}[doc_type]
        form = ("text_pdf", "scanned_pdf")[j % 2]
        sample = make_contract(
            rng, doc_type=doc_type, template=template, form=form, difficulty="easy", name=f"c_{j:02d}_{form}",
            compact=True, max_pages=3,
        )  # fmt: skip
        files.extend(sample.files)
    return files


def as_zip(files: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return buf.getvalue()


# --- plain loop ----------------------------------------------------------------------------------------------------
_engine = None


def _plain_init(threads: int) -> None:
    global _engine
    os.environ["DOCINTEL_OCR__THREADS"] = str(threads)
    from config.settings import get_settings
    from extractors.engines import get_engine

    get_settings.cache_clear()
    _engine = get_engine(settings=get_settings().ocr)


def _plain_read(item: tuple[str, bytes]) -> tuple[int, float]:
    from config.settings import get_settings
    from pipeline.documents.extract import InputFile, extract_files

    c0 = time.process_time()  # CPU of every thread of this process
    n = len(list(extract_files([InputFile(*item)], engine=_engine, settings=get_settings())))
    return n, time.process_time() - c0


def plain_loop(files: list[tuple[str, bytes]], *, processes: int, threads: int) -> dict:
    ctx = mp.get_context("spawn")  # fresh processes: no ONNX Runtime state crosses a fork
    with ctx.Pool(processes, initializer=_plain_init, initargs=(threads,)) as pool:
        pool.map(_plain_read, files[:processes], chunksize=1)  # warm-up, one file per process
        t0 = time.perf_counter()
        reads = list(pool.imap(_plain_read, files, chunksize=1))
        wall = time.perf_counter() - t0
    documents = sum(n for n, _ in reads)
    cpu = sum(c for _, c in reads)
    return _numbers(wall, cpu, documents)


def _numbers(wall: float, cpu: float, documents: int) -> dict:
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "documents": documents,
        "docs_per_min": round(documents / wall * 60, 1),
        "cpu_s_per_doc": round(cpu / documents, 3),
    }


def _tree_cpu(pid: int) -> float:
    """User + system CPU of a process and all its descendants (the worker and its pool)."""
    import psutil

    total = 0.0
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                t = proc.cpu_times()
                total += t.user + t.system
    except psutil.NoSuchProcess:
        pass
    return total


# --- Celery ----------------------------------------------------------------------------------------------------------
def celery_run(files: list[tuple[str, bytes]], *, broker: str, processes: int, threads: int, redis) -> dict:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from devtools.job_servers import WorkerProcess, settings_for
    from jobs.dispatch import dispatcher_for
    from pipeline.keys import Principal, Role, create_api_key
    from pipeline.packages.submit import Upload, submit_package
    from pipeline.services import CaseServices
    from storage import migrate
    from storage.blobs import build_blob_store
    from storage.db import Database
    from storage.jobs_models import Job, JobState
    from storage.models import Document

    tmp = Path(tempfile.mkdtemp(prefix=f"bench-jobs-{broker}-"))
    env = {
        "DOCINTEL_VAR_DIR": str(tmp),
        "DOCINTEL_STORAGE__DATABASE_URL": f"sqlite:///{tmp / 'docintel.db'}",
        "DOCINTEL_JOBS__BROKER_URL": f"sqla+sqlite:///{tmp / 'broker.db'}" if broker == "sqla" else redis.url(1),
        "DOCINTEL_OCR__THREADS": str(threads),
        "DOCINTEL_SIGNING__DEV_PKI_DIR": str(tmp / "pki"),
    }
    if broker == "redis":
        import redis as redis_lib

        redis_lib.Redis.from_url(redis.url(1)).flushdb()
    settings = settings_for(env)
    db = Database(settings.storage)
    migrate.upgrade(db)
    svc = CaseServices(db=db, blobs=build_blob_store(settings.storage), settings=settings)
    dispatcher = dispatcher_for(settings)
    key = create_api_key(db, role="loan", branch="BENCH")
    principal = Principal(key.key_id, Role.LOAN, "BENCH")
    worker = WorkerProcess(env, name="bench", log_dir=tmp, concurrency=processes, ocr_threads=threads).start()

    def run(package: list[tuple[str, bytes]]) -> tuple[float, float, str, str]:
        c0 = _tree_cpu(worker.proc.pid)
        t0 = time.perf_counter()
        outcome = submit_package(
            svc, dispatcher, principal=principal, uploads=[Upload("p.zip", as_zip(package))],
            business_type="purchase_withdrawal",
        )  # fmt: skip
        job_id = outcome.body["job_id"]
        while True:
            with db.session() as s:
                state = s.get(Job, job_id).state
            if state in JobState.FINAL:
                return time.perf_counter() - t0, _tree_cpu(worker.proc.pid) - c0, job_id, state
            time.sleep(0.05)

    try:
        worker.wait_ready()
        run(files[:processes])  # warm-up: one file per process
        wall, cpu, job_id, state = run(files)
        with db.session() as s:
            job = s.get(Job, job_id)
            stored = s.scalar(select(func.count()).select_from(Document).where(Document.case_id == job.case_id))
            entries = job.result.get("documents", [])
            accounted = {f for e in entries for f in e["files"]} == {n for n, _ in files}
    finally:
        worker.stop()
        db.dispose()
    return {**_numbers(wall, cpu, stored), "state": state, "every_file_accounted_for": accounted}


def acceptance_via_api(files: list[tuple[str, bytes]], *, redis) -> dict:  # type: ignore[no-untyped-def]
    """The package through the HTTP API (uvicorn-less ASGI client), one embedded worker; every document accounted
    for in GET /v1/jobs/{id} and stored once in the case."""
    from starlette.testclient import TestClient

    from api.app import create_app
    from devtools.job_servers import WorkerProcess, settings_for
    from jobs.dispatch import dispatcher_for
    from pipeline.keys import create_api_key

    tmp = Path(tempfile.mkdtemp(prefix="bench-jobs-api-"))
    env = {
        "DOCINTEL_VAR_DIR": str(tmp),
        "DOCINTEL_STORAGE__DATABASE_URL": f"sqlite:///{tmp / 'docintel.db'}",
        "DOCINTEL_JOBS__BROKER_URL": f"sqla+sqlite:///{tmp / 'broker.db'}",
        "DOCINTEL_OCR__THREADS": "1",
        "DOCINTEL_SIGNING__DEV_PKI_DIR": str(tmp / "pki"),
    }
    settings = settings_for(env)
    app = create_app(settings)
    app.state.dispatcher = dispatcher_for(settings)
    worker = WorkerProcess(env, name="accept", log_dir=tmp, concurrency=2, ocr_threads=1).start()
    key = create_api_key(app.state.services.db, role="loan", branch="BENCH")
    headers = {"Authorization": f"Bearer {key.secret}"}
    try:
        worker.wait_ready()
        with TestClient(app) as client:
            t0 = time.perf_counter()
            r = client.post(
                "/v1/packages",
                headers=headers,
                files=[("file", ("package.zip", as_zip(files), "application/zip"))],
                data={"business_type": "purchase_withdrawal"},
            )
            accepted_s = time.perf_counter() - t0
            job_id = r.json()["job_id"]
            while (view := client.get(f"/v1/jobs/{job_id}", headers=headers).json())["state"] not in (
                "succeeded", "partial", "failed",
            ):  # fmt: skip
                time.sleep(0.2)
            wall = time.perf_counter() - t0
            case = client.get(f"/v1/cases/{view['case_id']}", headers=headers).json()
    finally:
        worker.stop()
        app.state.core.close()
    documents = view["documents"]
    files_seen = {f for d in documents for f in d["files"]}
    done = [d for d in documents if d["state"] == "done"]
    return {
        "status": r.status_code,
        "accepted_in_s": round(accepted_s, 3),
        "state": view["state"],
        "progress": view["progress"],
        "files": len(files),
        "documents": len(done),
        "failed": len(documents) - len(done),
        "doc_types": dict(sorted(_count(d["doc_type"] for d in done).items())),
        "every_file_accounted_for": files_seen == {n for n, _ in files},
        "stored_once_in_case": sorted(d["id"] for d in case["documents"]) == sorted(d["document_id"] for d in done),
        "wall_s": round(wall, 2),
        "setting": "embedded broker, 2x1",
    }


def _count(values) -> dict:  # type: ignore[no-untyped-def]
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--brokers", default="sqla,redis")
    parser.add_argument("--configs", default="1x1,2x1,1x2")
    parser.add_argument("--repeat", type=int, default=1, help="runs per setting; the median is reported")
    parser.add_argument("--no-acceptance", action="store_true")
    parser.add_argument("--max-load", type=float, default=0.0, help="wait for the 1-min load to fall under this")
    parser.add_argument("--max-wait", type=float, default=1200.0, help="longest wait for a quiet host, seconds")
    args = parser.parse_args()

    from devtools.job_servers import RedisServer

    files = make_package(args.files, args.seed)
    configs = [tuple(int(x) for x in c.split("x")) for c in args.configs.split(",")]
    brokers = [b for b in args.brokers.split(",") if b]
    redis = RedisServer().start() if "redis" in brokers else None
    load_before = os.getloadavg()
    out: dict = {
        "host": {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before]},
        "package": {"files": len(files), "bytes": sum(len(d) for _, d in files), "seed": args.seed},
        "plain": {},
        "celery": {b: {} for b in brokers},
    }

    def quiet_enough() -> float:
        """Waits (at most ``--max-wait`` s) for the host's 1-minute load to fall under ``--max-load``."""
        deadline = time.monotonic() + args.max_wait
        while args.max_load and os.getloadavg()[0] > args.max_load and time.monotonic() < deadline:
            time.sleep(10)
        return round(os.getloadavg()[0], 2)

    def one_run(fn, **kw) -> dict:  # type: ignore[no-untyped-def]
        load = quiet_enough()
        return {**fn(files, **kw), "loadavg_1m_at_start": load, "loadavg_1m_at_end": round(os.getloadavg()[0], 2)}

    def median_run(fn, **kw) -> dict:  # type: ignore[no-untyped-def]
        runs = [one_run(fn, **kw) for _ in range(args.repeat)]
        best = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
        return {**best, "walls_s": [r["wall_s"] for r in runs]} if args.repeat > 1 else best

    try:
        for p, t in configs:
            out["plain"][f"{p}x{t}"] = median_run(plain_loop, processes=p, threads=t)
            for b in brokers:
                out["celery"][b][f"{p}x{t}"] = median_run(celery_run, broker=b, processes=p, threads=t, redis=redis)
        if not args.no_acceptance:
            try:
                out["acceptance_api"] = acceptance_via_api(files, redis=redis)
            except Exception as exc:  # the timed runs above still get printed
                out["acceptance_api"] = {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        if redis is not None:
            redis.stop()

    ratios: dict = {}
    for b in brokers:
        runs = out["celery"][b]
        r: dict = {}
        if "1x1" in runs and "2x1" in runs:
            r["scaling_2x1_over_1x1"] = round(runs["2x1"]["docs_per_min"] / runs["1x1"]["docs_per_min"], 3)
        for setting, run in runs.items():
            plain = out["plain"].get(setting)
            if plain:
                r[f"overhead_{setting}_wall"] = round(
                    (run["wall_s"] / run["documents"]) / (plain["wall_s"] / plain["documents"]), 3
                )
                # CPU per document: what the Celery path costs, whatever else the host is running.
                r[f"overhead_{setting}_cpu"] = round(run["cpu_s_per_doc"] / plain["cpu_s_per_doc"], 3)
        ratios[b] = r
    out["ratios"] = ratios
    every = {f"{b}:{s}": v["docs_per_min"] for b in brokers for s, v in out["celery"][b].items()}
    if every:
        best = max(every, key=every.get)
        out["best_setting"] = {"setting": best, "docs_per_min": every[best], "cpus": os.cpu_count()}
    out["host"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
