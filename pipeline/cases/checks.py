"""Re-running the cross-document checks of a case after every change (upload, correction, facts, finalize)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from checks.registries import configured_registry
from config.settings import Settings
from domain.models import CheckReport
from pipeline.cases.views import to_domain_document
from pipeline.documents.check import check_documents
from storage.models import Case, CheckReportRow


def warm_registry(settings: Settings) -> None:
    """Builds the configured registry adapter now, so a broken configuration fails at start-up."""
    configured_registry(settings.checks)


def evaluate(case: Case, *, settings: Settings) -> CheckReport:
    """The check report of the case as it stands: current extractions with the clerk's corrections applied."""
    documents = [to_domain_document(d) for d in sorted(case.documents, key=lambda d: d.seq)]
    return check_documents(
        documents,
        business=case.business_type,
        business_date=dt.date.fromisoformat(case.business_date),
        facts=dict(case.facts or {}),
        settings=settings,
    )


def rerun_checks(session: Session, case: Case, *, trigger: str, settings: Settings) -> CheckReportRow:
    """Evaluates the case and stores the report beside the earlier ones (never replacing them)."""
    report = evaluate(case, settings=settings)
    row = CheckReportRow(case_id=case.id, passed=report.passed, report=report_json(report), trigger=trigger)
    session.add(row)
    session.flush()
    return row


def report_json(report: CheckReport) -> dict[str, Any]:
    body = report.to_json()
    body.pop("documents", None)  # the case view lists the documents itself
    return body
