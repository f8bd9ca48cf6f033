"""What the clerk's console (``api/console``) shows and does, composed from the case use cases.

The console signs in with an API key and then works with the same ``Principal`` as the API: the same branch
rule (another branch's case is "not found"), the same roles, the same audit trail. Names and ID numbers are masked
on the case list, and on the case page for roles not in ``console.unmask_roles``; each unmasked view leaves an
audit row, as ``GET /v1/cases/{id}`` does.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from checks.rules.fields import KEY_FIELDS
from config.settings import Settings
from domain.errors import Unauthorized, UnknownDocType
from domain.fields import label_zh
from domain.masking import mask_id_number, mask_name, mask_text
from extractors.registry import extractor_for
from pipeline.cases.override import id_card_flags
from pipeline.cases.records import CASE_READERS, CASE_WRITERS, artifact_links
from pipeline.cases.signatures import signature_view
from pipeline.cases.views import case_view, field_views, latest_corrections
from pipeline.keys import Principal, Role, authenticate
from pipeline.services import CaseServices, audit
from storage.repositories import (
    current_extraction,
    get_api_key,
    get_case,
    latest_check_report,
    latest_check_reports,
    latest_signature,
    list_branch_cases,
)

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


# --- sign-in ----------------------------------------------------------------------------------------------
def session_secret(settings: Settings) -> str:
    """The key that signs console cookies: the setting, or a random one kept in ``var_dir/console_secret`` (0600)
    so that a restart, or a second process on the machine, keeps the clerks signed in."""
    if settings.console.session_secret:
        return settings.console.session_secret
    path = Path(settings.var_dir) / "console_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic, and never over a secret another process wrote first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def sign_in(svc: CaseServices, *, key: str) -> Principal:
    """The key's principal (Unauthorized for a malformed, unknown or revoked key); audited."""
    principal = authenticate(svc.db, key=key)
    with svc.db.session() as s:
        audit(s, principal, "console.login", "api_key", principal.key_id)
    return principal


def principal_for(svc: CaseServices, *, key_id: str) -> Principal:
    """The principal of a signed-in console session, read again on every request so that revoking the key ends
    the session."""
    with svc.db.session() as s:
        row = get_api_key(s, key_id)
        if row is None or row.revoked_at is not None:
            raise Unauthorized("the console session's key is unknown or revoked", message_zh="登录已失效，请重新登录")
        return Principal(key_id=row.id, role=Role(row.role), branch=row.branch)


def may_unmask(principal: Principal, settings: Settings) -> bool:
    return principal.role.value in settings.console.unmask_roles


def may_write(principal: Principal) -> bool:
    return principal.role in CASE_WRITERS


# --- masking ----------------------------------------------------------------------------------------------
def _is_name(field: str) -> bool:
    return field == "name" or field.endswith("_name")


def _is_id(field: str) -> bool:
    return field.endswith("id_number")


def mask_value(field: str, value: Any) -> Any:
    """A field's value as a role without the right to read personal data sees it."""
    if isinstance(value, list):
        return [{k: mask_value(k, v) for k, v in x.items()} if isinstance(x, dict) else x for x in value]
    if isinstance(value, str) and _is_id(field):
        return mask_id_number(value)
    if isinstance(value, str) and _is_name(field) and field != "seller_name":
        return mask_name(value)
    return value


def _applicant(docs: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    front = next((d for d in docs if d["doc_type"] == "id_card_front"), None)
    if front is None:
        return None, None
    fields = front["fields"]
    name = (fields.get("name") or {}).get("value")
    number = (fields.get("id_number") or {}).get("value")
    return (mask_name(str(name)) if name else None, mask_id_number(str(number)) if number else None)


# --- the case list ----------------------------------------------------------------------------------------
def case_list(svc: CaseServices, *, principal: Principal, limit: int = 200) -> list[dict[str, Any]]:
    """The branch's cases, newest first: business type, date, state, open problems, applicant (masked)."""
    principal.require(*CASE_READERS)
    with svc.db.session() as s:
        cases = list_branch_cases(s, branch=principal.branch, limit=limit)
        reports = latest_check_reports(s, [c.id for c in cases])
        rows = []
        for c in cases:
            docs = [{"doc_type": d.doc_type, "fields": field_views(d)} for d in c.documents]
            report = reports.get(c.id)
            findings = report.report.get("findings", []) if report else []
            reshoot = sum(
                1
                for d in c.documents
                for r in current_extraction(d).result.get("reshoot", [])
                if set(r.get("fields", [])) - set(latest_corrections(d))
            )
            name, number = _applicant(docs)
            rows.append(
                {
                    "id": c.id,
                    "business_type": c.business_type,
                    "business_date": c.business_date,
                    "status": c.status,
                    "created_at": c.created_at,
                    "documents": len(c.documents),
                    "errors": sum(1 for f in findings if f.get("severity") == "error"),
                    "warnings": sum(1 for f in findings if f.get("severity") == "warning"),
                    "reshoot": reshoot,
                    "passed": bool(report and report.passed),
                    "applicant_name": name,
                    "applicant_id": number,
                }
            )
        return rows


# --- the case page ----------------------------------------------------------------------------------------
def page_box(bbox: Any, size: Any) -> dict[str, float] | None:
    """A field's box in percent of its page (what the page image is drawn at), or None when there is none."""
    if not bbox or not size or len(bbox) != 4 or not size[0] or not size[1]:
        return None
    w, h = float(size[0]), float(size[1])
    x0, y0, x1, y1 = (float(v) for v in bbox)
    x0, x1 = max(0.0, min(x0, x1)), min(w, max(x0, x1))
    y0, y1 = max(0.0, min(y0, y1)), min(h, max(y0, y1))
    if x1 <= x0 or y1 <= y0:
        return None
    return {
        "left": round(100 * x0 / w, 3),
        "top": round(100 * y0 / h, 3),
        "width": round(100 * (x1 - x0) / w, 3),
        "height": round(100 * (y1 - y0) / h, 3),
    }


def _required_fields(doc_type: str) -> tuple[str, ...]:
    """The fields the checks need of a document type, then the ones its extractor requires."""
    try:
        required = extractor_for(doc_type).required_fields
    except UnknownDocType:
        required = ()
    return tuple(dict.fromkeys([*KEY_FIELDS.get(doc_type, {}), *required]))


def _document_page(doc: dict[str, Any], unmasked: bool) -> dict[str, Any]:
    extraction = doc["extraction"]
    pages = [
        {"index": p["index"], "size": p.get("size"), "unit": p.get("unit"), "boxes": []} for p in extraction["pages"]
    ]
    fields = []
    for name, f in doc["fields"].items():
        machine = f.get("machine") or {}
        page = machine.get("page")
        box = None
        if isinstance(page, int) and 0 <= page < len(pages):
            box = page_box(machine.get("bbox"), pages[page]["size"])
            if box is not None:
                pages[page]["boxes"].append({"field": name, **box})
        value, machine_value = f.get("value"), machine.get("value")
        if not unmasked:
            value, machine_value = mask_value(name, value), mask_value(name, machine_value)
        fields.append(
            {
                "name": name,
                "label_zh": label_zh(name),
                "value": value,
                "editable": not isinstance(f.get("value"), list | dict),
                "machine_value": machine_value,
                "confidence": machine.get("confidence"),
                "page": page,
                "has_box": box is not None,
                "source": f.get("source"),
                "warnings": [w for w in extraction.get("warnings", []) if w.startswith(f"{name}:")],
            }
        )
    # A required field that was not read is listed too, empty, so the clerk can type it from the paper.
    for name in _required_fields(doc["doc_type"]):
        if name not in doc["fields"]:
            fields.append(
                {
                    "name": name,
                    "label_zh": label_zh(name),
                    "value": None,
                    "editable": True,
                    "machine_value": None,
                    "confidence": None,
                    "page": None,
                    "has_box": False,
                    "source": "missing",
                    "warnings": [],
                }
            )
    return {
        "id": doc["id"],
        "index": doc["index"],
        "doc_type": doc["doc_type"],
        "files": doc["files"],
        "pages": pages,
        "fields": fields,
        "warnings": extraction.get("warnings", []) if unmasked else [mask_text(w) for w in extraction["warnings"]],
        "quality": extraction.get("quality", {}),
        "timing_ms": extraction.get("timing_ms", {}),
        "reshoot": doc.get("reshoot", []),
        "crops": doc.get("crops", []),
    }


def case_page(svc: CaseServices, *, principal: Principal, case_id: str) -> dict[str, Any]:
    """Everything the case page shows. Names and ID numbers unmasked only for ``console.unmask_roles``, with an
    audit row for each such view (a masked view is audited as a read too)."""
    principal.require(*CASE_READERS)
    unmasked = may_unmask(principal, svc.settings)
    with svc.db.session() as s:
        case = get_case(s, case_id, branch=principal.branch, with_documents=True)
        report = latest_check_report(s, case.id)
        view = case_view(case, report=report, artifacts=artifact_links(s, case.id))
        for doc, row in zip(view["documents"], sorted(case.documents, key=lambda d: d.seq), strict=True):
            corrected = set(latest_corrections(row))
            doc["reshoot"] = [
                {**r, "fields": [f for f in r.get("fields", []) if f not in corrected]}
                for r in current_extraction(row).result.get("reshoot", [])
                if set(r.get("fields", [])) - corrected
            ]
        signature = signature_view(latest_signature(s, case.id))
        trust_flags = id_card_flags(case, svc.settings.api.finalize_override_flags)
        action = "console.case.read" if unmasked else "console.case.read_masked"
        audit(s, principal, action, "case", case.id, documents=len(case.documents), unmasked=unmasked)
    checks = view["check_report"] or {"findings": [], "passed": False}
    findings = sorted(checks.get("findings", []), key=lambda f: _SEVERITY_ORDER.get(f.get("severity"), 3))
    needs_signature = case.business_type in svc.settings.console.signature_required_for
    blockers = []
    if view["status"] != "open":
        blockers.append("finalized")
    if not checks.get("passed"):
        blockers.append("checks")
    if needs_signature and signature is None:
        blockers.append("signature")
    if not may_write(principal):
        blockers.append("role")
    return {
        "case": {k: view[k] for k in ("id", "business_type", "business_date", "status", "facts", "finalized_at")},
        "documents": [_document_page(d, unmasked) for d in view["documents"]],
        "findings": findings,
        "passed": bool(checks.get("passed")),
        "artifacts": [a["kind"] for a in view["artifacts"]],
        "signature": signature,
        "signature_required": needs_signature,
        "unmasked": unmasked,
        "can_write": may_write(principal) and view["status"] == "open",
        "can_finalize": not blockers,
        "finalize_blockers": blockers,
        # ID card flags that make finalize ask for the clerk's reason (pipeline.cases.override).
        "trust_flags": [{k: f[k] for k in ("index", "doc_type", "page", "code")} for f in trust_flags],
        "override_reason_max": svc.settings.api.override_reason_max_chars,
        "state": state_token(view),
    }


def state_token(view: dict[str, Any]) -> str:
    """Changes whenever what the page shows changes: documents, extraction versions, the report, the status."""
    docs = ",".join(f"{d['id']}:{d['extraction']['version']}" for d in view["documents"])
    report = (view.get("check_report") or {}).get("created_at", "")
    return f"{view['status']}|{report}|{docs}"


def case_state(svc: CaseServices, *, principal: Principal, case_id: str) -> dict[str, Any]:
    """What the page polls while frames are being read: cheap, and without personal data (not audited)."""
    principal.require(*CASE_READERS)
    with svc.db.session() as s:
        case = get_case(s, case_id, branch=principal.branch, with_documents=True)
        report = latest_check_report(s, case.id)
        docs = sorted(case.documents, key=lambda d: d.seq)
        token = f"{case.status}|{report.created_at.isoformat() if report else ''}|" + ",".join(
            f"{d.id}:{current_extraction(d).version}" for d in docs
        )
        return {
            "status": case.status,
            "documents": len(docs),
            "passed": bool(report and report.passed),
            "state": token,
        }
