"""Reprocessing pieces: the diff of two readings, the report over a job, case-aligned chunks, dates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from domain.errors import InputError
from pipeline.keys import create_api_key
from pipeline.reprocess.diff import check_diff, diff_results, summarize
from pipeline.reprocess.run import case_aligned_chunks, finish_reprocess, parse_when
from pipeline.work import job_store
from storage.jobs_models import Job, JobItem
from storage.models import Case, CheckReportRow, Document, Extraction


def _result(doc_type: str, engine: str, **values: object) -> dict:
    return {
        "doc_type": doc_type,
        "engine": engine,
        "fields": {k: {"value": v, "confidence": 0.9, "page": 0, "bbox": [0, 0, 1, 1]} for k, v in values.items()},
    }


def test_diff_lists_values_that_changed_not_confidences():
    old = _result("id_card_front", "e1", name="王错误", sex="男", address="甲")
    new = _result("id_card_front", "e2", name="王小明", sex="男", ethnicity="汉")
    new["fields"]["sex"]["confidence"] = 0.1
    diff = diff_results(old, new)
    assert diff["fields"] == {
        "address": {"old": "甲", "new": None},
        "ethnicity": {"old": None, "new": "汉"},
        "name": {"old": "王错误", "new": "王小明"},
    }
    assert diff["engine"] == {"old": "e1", "new": "e2"} and diff["changed"] and "doc_type" not in diff
    same = diff_results(old, _result("id_card_front", "e1", name="王错误", sex="男", address="甲"))
    assert same == {"fields": {}, "changed": False}
    assert diff_results(old, _result("unknown", "e1"))["doc_type"] == {"old": "id_card_front", "new": "unknown"}


def test_report_sums_the_items():
    changed = {"diff": diff_results(_result("a", "e1", x=1), _result("a", "e2", x=2))}
    unchanged = {"diff": diff_results(_result("a", "e2", x=1), _result("a", "e2", x=1))}
    checked = {
        **unchanged,
        "case_check": check_diff(
            {"passed": True, "findings": []}, {"passed": False, "findings": [{"rule": "r", "severity": "error"}]}
        ),
    }
    report = summarize([("done", changed, None), ("done", checked, None), ("failed", None, {"code": "corrupt_file"})])
    assert report["documents"] == 3 and report["changed"] == 1 and report["unchanged"] == 1 and report["failed"] == 1
    assert report["fields_changed"] == {"x": 1} and report["errors"] == {"corrupt_file": 1}
    assert report["cases_checked"] == 1 and report["cases_verdict_changed"] == 1
    assert checked["case_check"]["findings_added"] == ["r:error"]


def test_chunks_never_split_a_case_once_full():
    docs = [("d1", "A"), ("d2", "A"), ("d3", "A"), ("d4", "B"), ("d5", None), ("d6", None), ("d7", "C")]
    assert case_aligned_chunks(docs, 2) == [0, 0, 0, 1, 1, 2, 2]
    assert case_aligned_chunks(docs, 100) == [0] * 7
    assert case_aligned_chunks([], 3) == []


def test_dates():
    assert parse_when("2026-06-01") == dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert parse_when("2026-06-01", end=True) == dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    assert parse_when("2026-06-01T08:00:00+08:00") == dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert parse_when(None) is None
    with pytest.raises(InputError):
        parse_when("June")


def test_a_case_left_unchecked_by_a_dead_worker_is_checked_when_the_job_finishes(svc):
    """The worker recorded the case's last document as done and died before checking the case; the resumed job
    sends only unfinished items, so nothing else would ever check it."""
    key = create_api_key(svc.db, role="admin", branch="B3")
    result = _result("id_card_front", "old-engine/0.9", name="张三")
    with svc.db.session() as s:
        case = Case(
            branch="B3", business_type="retirement_withdrawal", business_date="2026-06-01", created_by=key.key_id
        )
        s.add(case)
        s.flush()
        doc = Document(case_id=case.id, seq=0, part_index=0, doc_type="id_card_front", created_by=key.key_id)
        s.add(doc)
        s.flush()
        s.add(
            Extraction(
                document_id=doc.id,
                version=1,
                engine="old-engine/0.9",
                doc_type="id_card_front",
                result=result,
                reason="upload",
                created_by=key.key_id,
            )
        )
        job = job_store.create_job(
            s, kind="reprocess", items=[{"document_id": doc.id}], branch="B3", created_by=key.key_id, role="admin"
        )
        job_id, case_id = job.id, case.id
        (item_id,) = s.scalars(select(JobItem.id).where(JobItem.job_id == job_id))
    assert job_store.claim_item(svc.db, item_id=item_id, settings=svc.settings.jobs) is not None
    diff = {"document_id": doc.id, "old_version": 1, "diff": diff_results(result, result), "doc_type": "id_card_front"}
    assert job_store.complete_item(svc.db, item_id=item_id, result=diff)  # ... and the worker is gone

    finish_reprocess(svc, job_id)
    with svc.db.session() as s:
        report = s.get(Job, job_id).result["report"]
        assert (report["documents"], report["cases_checked"]) == (1, 1)
        rows = s.scalars(select(CheckReportRow).where(CheckReportRow.case_id == case_id)).all()
        assert [r.trigger for r in rows] == ["reprocess"]
    finish_reprocess(svc, job_id)  # a second finish (the sweep) checks nothing again
    with svc.db.session() as s:
        assert len(s.scalars(select(CheckReportRow).where(CheckReportRow.case_id == case_id)).all()) == 1
