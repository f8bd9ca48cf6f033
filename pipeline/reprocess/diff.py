"""What changed between two readings of a document, and the job's report over all of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any


def _values(result: dict[str, Any]) -> dict[str, Any]:
    return {name: (f or {}).get("value") for name, f in (result.get("fields") or {}).items()}


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Field values added, removed or changed, and a change of type. Confidence and boxes are not compared: a
    reprocess is judged by what it would put on the application."""
    before, after = _values(old), _values(new)
    fields = {
        name: {"old": before.get(name), "new": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
    out: dict[str, Any] = {"fields": fields}
    if old.get("doc_type") != new.get("doc_type"):
        out["doc_type"] = {"old": old.get("doc_type"), "new": new.get("doc_type")}
    if old.get("engine") != new.get("engine"):
        out["engine"] = {"old": old.get("engine"), "new": new.get("engine")}
    out["changed"] = bool(fields) or "doc_type" in out
    return out


def check_diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """A case's check report before and after: pass/fail and the rules that started or stopped firing."""

    def fired(report: dict[str, Any] | None) -> set[str]:
        return {f"{f.get('rule')}:{f.get('severity')}" for f in (report or {}).get("findings", [])}

    old, new = fired(before), fired(after)
    return {
        "passed_before": None if before is None else bool(before.get("passed")),
        "passed_after": bool(after.get("passed")),
        "findings_added": sorted(new - old),
        "findings_removed": sorted(old - new),
    }


def summarize(items: Iterable[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]) -> dict[str, Any]:
    """The job's report from its items' (state, result, error)."""
    fields: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    engines: Counter[str] = Counter()
    n = changed = failed = type_changes = cases = verdict_changes = 0
    for state, result, error in items:
        n += 1
        if state == "failed":
            failed += 1
            errors[(error or {}).get("code", "unknown")] += 1
            continue
        diff = (result or {}).get("diff") or {}
        changed += bool(diff.get("changed"))
        type_changes += "doc_type" in diff
        fields.update(diff.get("fields", {}).keys())
        if "engine" in diff:
            engines[f"{diff['engine']['old']} -> {diff['engine']['new']}"] += 1
        check = (result or {}).get("case_check")
        if check:
            cases += 1
            verdict_changes += check["passed_before"] is not None and check["passed_before"] != check["passed_after"]
    return {
        "documents": n,
        "changed": changed,
        "unchanged": n - changed - failed,
        "failed": failed,
        "doc_type_changes": type_changes,
        "fields_changed": dict(fields.most_common()),
        "engines": dict(engines),
        "errors": dict(errors),
        "cases_checked": cases,
        "cases_verdict_changed": verdict_changes,
    }
