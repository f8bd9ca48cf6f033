"""Case use cases for the counter: create, read, set facts, correct a field, download a signed output.

Uploads live in ``pipeline.cases.upload`` and finalisation in ``pipeline.cases.finalize``. Every function is keyword-only,
takes the caller's ``Principal`` and sees only the caller's branch: another branch's case is "not found".
Every answer that carries personal data leaves an audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from checks.business import parse_business
from domain.errors import Conflict, InputError, NotFound
from domain.text import require_plain_text
from pipeline import idempotency
from pipeline.cases.checks import rerun_checks
from pipeline.cases.views import case_view, document_view, report_view
from pipeline.idempotency import Outcome
from pipeline.keys import Principal, Role
from pipeline.services import CaseServices, audit
from storage.models import Case, FieldCorrection
from storage.repositories import (
    current_extraction,
    get_artifact,
    get_case,
    get_case_for_update,
    get_document,
    latest_check_report,
    list_artifacts,
)

T = TypeVar("T")

CASE_WRITERS = (Role.COUNTER, Role.ADMIN)
CASE_READERS = (Role.COUNTER, Role.LOAN, Role.ADMIN)
FACT_NAMES = ("bank_card_number", "property_address")
_FIELD_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")


class CaseFinalized(Conflict):
    code = "case_finalized"
    default_zh = "该业务已办结，不能再修改"


class CaseFinalizing(Conflict):
    code = "case_finalizing"
    default_zh = "该业务正在办结，请稍后重试"


FINALIZING = "finalizing"  # claimed by a finalize call that renders and signs (pipeline.cases.finalize)


def ensure_open(case: Case) -> None:
    if case.status == FINALIZING:
        raise CaseFinalizing(f"case {case.id} is being finalized", message_zh="该业务正在办结，不能再修改")
    if case.status != "open":
        raise CaseFinalized(f"case {case.id} is finalized and cannot change", message_zh="该业务已办结，不能再修改")


def artifact_links(session, case_id: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [
        {
            "kind": a.kind,
            "sha256": a.blob_sha256,
            "signature_level": a.signature_level,
            "created_at": a.created_at.isoformat(),
            "href": f"/v1/cases/{case_id}/{a.kind}.pdf",
        }
        for a in list_artifacts(session, case_id)
    ]


def _clean_facts(facts: dict[str, Any] | None) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, value in (facts or {}).items():
        if name not in FACT_NAMES:
            raise InputError(
                f"unknown fact {name!r}; known: {', '.join(FACT_NAMES)}", message_zh=f"未知的业务信息项 {name}"
            )
        if value is not None:
            cleaned[name] = require_plain_text(str(value), what=name).strip()[:500]
    return cleaned


def parse_business_date_or_today(value: str | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError("business_date must be YYYY-MM-DD", message_zh="业务日期格式应为 YYYY-MM-DD") from None


def create_case(
    svc: CaseServices,
    *,
    principal: Principal,
    business_type: str,
    business_date: str | None = None,
    facts: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> Outcome:
    principal.require(*CASE_WRITERS)
    business = parse_business(business_type)
    date = parse_business_date_or_today(business_date)
    cleaned = _clean_facts(facts)
    key = idempotency.check_key(idempotency_key)
    req = idempotency.request_hash(business=business.value, date=business_date, facts=cleaned)
    try:
        with svc.db.session() as s:
            if (
                done := idempotency.replay(s, principal=principal, scope="case.create", key=key, req_hash=req)
            ) is not None:
                return done
            case = Case(
                branch=principal.branch,
                business_type=business.value,
                business_date=date,
                facts=cleaned,
                created_by=principal.key_id,
            )
            case.documents = []
            s.add(case)
            s.flush()
            report = rerun_checks(s, case, trigger="create", settings=svc.settings)
            outcome = Outcome(201, case_view(case, report=report))
            idempotency.remember(s, principal=principal, scope="case.create", key=key, req_hash=req, outcome=outcome)
            return outcome
    except IntegrityError:
        return replay_after_race(svc, principal=principal, scope="case.create", key=key, req_hash=req)


def replay_after_race(
    svc: CaseServices, *, principal: Principal, scope: str, key: str | None, req_hash: str
) -> Outcome:
    """A twin request with the same Idempotency-Key committed first: answer what it answered."""
    with svc.db.session() as s:
        done = idempotency.replay(s, principal=principal, scope=scope, key=key, req_hash=req_hash)
    if done is None:  # the conflict was not ours to explain: let it surface
        raise Conflict("a concurrent request changed this case; retry", message_zh="请求冲突，请重试")
    if done.body.get("documents"):
        with svc.db.session() as s:
            for d in done.body["documents"]:
                audit(s, principal, "document.upload_replay", "document", d["id"], case_id=done.body.get("case_id"))
    return done


def get_case_details(svc: CaseServices, *, principal: Principal, case_id: str) -> dict[str, Any]:
    """Documents, fields with evidence and the current check report. Audited: it shows personal data."""
    principal.require(*CASE_READERS)
    with svc.db.session() as s:
        case = get_case(s, case_id, branch=principal.branch, with_documents=True)
        view = case_view(case, report=latest_check_report(s, case.id), artifacts=artifact_links(s, case.id))
        audit(s, principal, "case.read", "case", case.id, documents=len(case.documents))
        return view


def set_facts(svc: CaseServices, *, principal: Principal, case_id: str, facts: dict[str, Any]) -> dict[str, Any]:
    """Sets facts typed in by the clerk (bank card number, …) and re-runs the checks."""
    principal.require(*CASE_WRITERS)
    cleaned = _clean_facts(facts)
    with svc.db.session() as s:
        case = get_case_for_update(s, case_id, branch=principal.branch)
        ensure_open(case)
        case.facts = {**(case.facts or {}), **cleaned}
        s.flush()
        s.expire_all()
        case = get_case(s, case_id, branch=principal.branch, with_documents=True)
        report = rerun_checks(s, case, trigger="facts", settings=svc.settings)
        audit(s, principal, "case.facts", "case", case.id, facts=sorted(cleaned))
        return case_view(case, report=report, artifacts=artifact_links(s, case.id))


def correct_field(
    svc: CaseServices,
    *,
    principal: Principal,
    case_id: str,
    document_id: str,
    field: str,
    value: Any,
    reason: str,
    clerk: str | None = None,
) -> dict[str, Any]:
    """Keeps the clerk's value beside the machine's (never overwriting it) and re-runs the checks."""
    principal.require(*CASE_WRITERS)
    if not reason or not reason.strip():
        raise InputError("a correction needs a reason", message_zh="更正须填写原因")
    require_plain_text(reason, what="reason")
    if isinstance(value, str):
        require_plain_text(value, what=field)
    if clerk is not None:
        require_plain_text(clerk, what="clerk")
    if not _FIELD_RE.fullmatch(field or ""):
        raise InputError(
            "field name must be 1-64 lowercase letters, digits or '_'",
            message_zh="字段名应为 1-64 个小写字母、数字或下划线",
        )
    with svc.db.session() as s:
        case = get_case_for_update(s, case_id, branch=principal.branch)
        ensure_open(case)
        doc = get_document(s, document_id, case_id=case.id)
        ext = current_extraction(doc)
        machine = ext.result.get("fields", {}).get(field)
        s.add(
            FieldCorrection(
                document_id=doc.id,
                field_name=field,
                value=value,
                machine_value=machine.get("value") if machine else None,
                extraction_version=ext.version,
                reason=reason.strip()[:2000],
                corrected_by=principal.key_id,
                clerk=clerk,
            )
        )
        s.flush()
        s.expire_all()  # collections loaded before the insert are stale: read the case afresh
        case = get_case(s, case_id, branch=principal.branch, with_documents=True)
        report = rerun_checks(s, case, trigger="correction", settings=svc.settings)
        audit(s, principal, "field.correct", "document", doc.id, field=field)
        return {"document": document_view(doc), "check_report": report_view(report)}


def artifact_pdf(svc: CaseServices, *, principal: Principal, case_id: str, kind: str) -> bytes:
    """The signed application or receipt of a finalized case. Audited."""
    principal.require(*CASE_READERS)
    with svc.db.session() as s:
        case = get_case(s, case_id, branch=principal.branch)
        artifact = get_artifact(s, case.id, kind)
        if artifact is None:
            raise NotFound(
                f"case {case.id} has no signed {kind} yet; finalize it first",
                message_zh="该业务尚未办结，暂无已签章文件",
            )
        data = svc.blobs.get(artifact.blob_sha256)
        audit(s, principal, f"{kind}.download", "case", case.id, sha256=artifact.blob_sha256)
        return data
