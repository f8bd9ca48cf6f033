"""run_checks: every rule that applies to the business, over the documents of one case, into one report."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from checks.business import parse_business
from checks.context import CaseContext
from checks.facts import CaseFacts
from checks.registries.base import Registry
from checks.rules import RULES
from checks.rules.base import Rule
from config.settings import ChecksSettings
from domain.business import Business
from domain.errors import InputError
from domain.models import CheckReport, ExtractedDocument, Finding, Severity

log = logging.getLogger(__name__)

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def parse_business_date(value: str | dt.date | None) -> dt.date:
    """A date, an ISO ``YYYY-MM-DD`` string, or None for today."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"business date {value!r} is not a date in the form YYYY-MM-DD",
            message_zh=f"业务日期 {value} 格式错误，应为 YYYY-MM-DD",
        ) from None


def _run_rule(r: Rule, ctx: CaseContext) -> list[Finding]:
    try:
        return r.findings(ctx)
    except Exception:
        # A rule that breaks on odd input must not hide the case's other findings, nor pass silently.
        log.exception("rule %s failed", r.id)
        return [
            Finding(
                rule=r.id,
                severity=Severity.WARNING,
                message="该项检查未能完成，请人工核对",
                refs=("case",),
                indeterminate=True,
            )
        ]


def run_checks(
    *,
    business: Business | str,
    documents: Sequence[ExtractedDocument],
    business_date: dt.date | str | None = None,
    facts: CaseFacts | None = None,
    registry: Registry | None = None,
    settings: ChecksSettings,
) -> CheckReport:
    """Findings sorted by severity (errors first), then rule order; positions in refs are those of ``documents``.

    ``registry=None`` means outside registries are not asked: the registry rules do not run, and one
    INDETERMINATE info finding (``registry.configured``) says so. Build the configured one with
    ``checks.registries.configured_registry``.
    """
    biz = parse_business(business)
    ctx = CaseContext.build(
        business=biz,
        documents=documents,
        business_date=parse_business_date(business_date),
        facts=facts or CaseFacts(),
        registry=registry,
        settings=settings,
    )
    order = {r.id: i for i, r in enumerate(RULES)}
    findings = [f for r in RULES if r.applies_to(biz) for f in _run_rule(r, ctx)]
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], order[f.rule]))
    report = CheckReport(business=biz.value, findings=tuple(findings), business_date=ctx.business_date.isoformat())
    log.info(
        "checked %s case of %d documents: %d findings, passed=%s",
        biz.value,
        len(documents),
        len(findings),
        report.passed,
    )
    return report
