"""Bulk reprocessing on real workers and Redis, driven through ``docintel reprocess``: selection by engine version,
new versions beside the old, a diff report, and a resume after the worker was killed and the broker lost its queue."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from jobs_helpers import ROOT, purge_queues, sample
from sqlalchemy import select

from storage.jobs_models import ItemState, JobItem
from storage.models import Case, CheckReportRow, Document, DocumentFile, Extraction
from storage.repositories import ensure_blob_row

OLD_ENGINE = "old-engine/0.9"
WRONG_NAME = "王错误"


def _store(env, principal, entries: list[tuple[str, str, str]], status: str = "open") -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """A case whose documents were read by ``engine`` — stored rows over the real sample files, as an older
    release would have left them (its reading of the name was wrong)."""
    with env.db.session() as s:
        case = Case(
            branch=principal.branch,
            business_type="retirement_withdrawal",
            business_date="2026-06-01",
            facts={},
            status=status,
            created_by=principal.key_id,
        )
        s.add(case)
        s.flush()
        ids = []
        for seq, (path, doc_type, engine) in enumerate(entries):
            data = sample(path)
            sha = env.services.blobs.put(data)
            ensure_blob_row(s, sha256=sha, size=len(data), content_type="image/jpeg")
            doc = Document(case_id=case.id, seq=seq, part_index=0, doc_type=doc_type, created_by=principal.key_id)
            s.add(doc)
            s.flush()
            s.add(DocumentFile(document_id=doc.id, position=0, blob_sha256=sha, filename=path.rsplit("/", 1)[-1]))
            fields = {"name": {"value": WRONG_NAME, "confidence": 0.41, "page": 0, "bbox": None}}
            result = {"doc_type": doc_type, "fields": fields, "engine": engine, "source": [path], "warnings": []}
            s.add(
                Extraction(
                    document_id=doc.id,
                    version=1,
                    engine=engine,
                    doc_type=doc_type,
                    result=result,
                    reason="upload",
                    created_by=principal.key_id,
                )
            )
            ids.append(doc.id)
        return case.id, ids


def _cli(env, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "reprocess", *args],
        cwd=ROOT,
        env={**os.environ, **env.env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.redis
def test_reprocess_adds_versions_with_a_diff_and_resumes_only_what_is_left(redis_server, tmp_path):
    from jobs_helpers import make_job_env

    env = make_job_env("redis", tmp_path, redis_server)
    try:
        _run(env)
    finally:
        for w in env.workers:
            w.stop()
        env.db.dispose()


def _run(env) -> None:  # type: ignore[no-untyped-def]
    principal, _ = env.principal("admin", "B3")
    case_id, ids = _store(
        env,
        principal,
        [
            ("idcards/idcard_0000_easy_front.jpg", "id_card_front", OLD_ENGINE),
            ("idcards/idcard_0004_easy_front.jpg", "id_card_front", OLD_ENGINE),
            ("idcards/idcard_0001_medium_front.jpg", "id_card_front", OLD_ENGINE),
            ("idcards/idcard_0005_medium_both.jpg", "id_card_front", "current-engine/1.0"),  # not selected
        ],
    )
    finalized_case, (back,) = _store(
        env, principal, [("idcards/idcard_0003_medium_back.jpg", "id_card_back", OLD_ENGINE)], status="finalized"
    )
    selected, untouched = [*ids[:3], back], ids[3]

    dry = _cli(env, "--engine-version", OLD_ENGINE, "--chunk-size", "1", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["selected"] == 4

    submitted = _cli(env, "--engine-version", OLD_ENGINE, "--chunk-size", "1", "--detach")
    assert submitted.returncode == 0, submitted.stderr
    job_id = json.loads(submitted.stdout)["job_id"]

    def items() -> list[JobItem]:
        with env.db.session() as s:
            return list(s.scalars(select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.seq)))

    first = env.start_worker()
    env.wait_for(lambda: any(i.state == ItemState.DONE for i in items()))
    first.kill()  # interrupted: the worker is gone ...
    purge_queues(env)  # ... and so are the messages still waiting in the broker
    before = {i.id: (i.attempts, i.finished_at) for i in items() if i.state == ItemState.DONE}
    assert 1 <= len(before) < 4

    env.start_worker()
    resumed = _cli(env, "--resume", job_id, "--timeout", "240")
    assert resumed.returncode == 0, resumed.stderr + "\n" + "\n".join(w.log()[-2000:] for w in env.workers)
    assert "sent again" in resumed.stderr
    report = json.loads(resumed.stdout)

    # Only what was left was done again: finished items kept their single run.
    after = {i.id: i for i in items()}
    assert all(i.state == ItemState.DONE for i in after.values())
    for item_id, (attempts, finished_at) in before.items():
        assert (after[item_id].attempts, after[item_id].finished_at) == (attempts, finished_at)

    # New versions beside the old ones, never overwriting; the unselected document untouched.
    with env.db.session() as s:
        for doc_id in selected:
            versions = list(
                s.scalars(select(Extraction).where(Extraction.document_id == doc_id).order_by(Extraction.version))
            )
            assert [(v.version, v.reason) for v in versions] == [(1, "upload"), (2, "reprocess")]
            assert versions[0].engine == OLD_ENGINE and versions[0].result["fields"]["name"]["value"] == WRONG_NAME
            assert versions[1].created_by == job_id and versions[1].engine != OLD_ENGINE
        assert len(list(s.scalars(select(Extraction).where(Extraction.document_id == untouched)))) == 1

    # The diff report: which fields changed, per document and in sum; the case's checks were run again.
    assert report["state"] == "succeeded" and report["progress"] == {"done": 4, "total": 4}
    summary = report["report"]
    assert summary["documents"] == 4 and summary["failed"] == 0 and summary["cases_checked"] == 2
    changed = {c["document_id"]: c for c in report["changes"]}
    for doc_id in selected[:3]:  # the fronts: the old wrong name is replaced by what the new engine reads
        assert changed[doc_id]["fields"]["name"]["old"] == WRONG_NAME
        assert changed[doc_id]["fields"]["name"]["new"] != WRONG_NAME
        assert changed[doc_id]["old_version"] == 1 and changed[doc_id]["new_version"] == 2
    assert summary["fields_changed"]["name"] >= 3
    assert summary["engines"]  # old → new engine, counted
    # The open case got a new check report; the finalized one keeps its record as signed (evaluated, not stored).
    with env.db.session() as s:
        triggers = dict(s.execute(select(CheckReportRow.case_id, CheckReportRow.trigger)).all())
        assert triggers.get(case_id) == "reprocess" and finalized_case not in triggers
        checks = [
            i.result["case_check"]
            for i in s.scalars(select(JobItem).where(JobItem.job_id == job_id))
            if "case_check" in i.result
        ]
        assert sorted((c["case_id"], c["stored"]) for c in checks) == sorted([(case_id, True), (finalized_case, False)])
