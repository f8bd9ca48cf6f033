"""Re-running the cross-document checks of a case after every change (upload, correction, facts, finalize)."""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from checks.engine import run_checks
from checks.facts import CaseFacts
from checks.registries import registry_from_settings
from checks.registries.base import Registry
from config.settings import ChecksSettings, Settings
from domain.models import CheckReport
from pipeline.case_views import to_domain_document
from storage.models import Case, CheckReportRow

log = logging.getLogger(__name__)


@cache
def _registry(checks_settings_json: str) -> Registry | None:
    # One adapter per configuration and process: the local registry reads its file once.
    return registry_from_settings(ChecksSettings.model_validate_json(checks_settings_json))


def warm_registry(settings: Settings) -> None:
    """Builds the configured registry adapter now, so a broken configuration fails at start-up."""
    _registry(settings.checks.model_dump_json())


def evaluate(case: Case, *, settings: Settings) -> CheckReport:
    """The check report of the case as it stands: current extractions with the clerk's corrections applied."""
    documents = [to_domain_document(d) for d in sorted(case.documents, key=lambda d: d.seq)]
    facts = case.facts or {}
    return run_checks(
        business=case.business_type,
        documents=documents,
        business_date=dt.date.fromisoformat(case.business_date),
        facts=CaseFacts(bank_card_number=facts.get("bank_card_number"), property_address=facts.get("property_address")),
        registry=_registry(settings.checks.model_dump_json()),
        settings=settings.checks,
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
