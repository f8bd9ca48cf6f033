"""Checks on generated cases with planted problems: detections and false alarms, and the time of one case.

Prints one JSON object:
- ``planted``: per planted problem, how many cases, how many were reported by the expected rule id, and how many
  stopped the case (``passed`` false);
- ``consistent``: how many consistent cases, how many had an error finding (false alarms), with their rule ids;
- ``timing``: ``docintel check`` in a subprocess over a 3-document case (ID front, back, a 4-page contract
  photographed page by page) — wall seconds and the stages; and the rules alone over the extracted documents.

    .venv/bin/python bench/check.py [--seeds 3] [--contract-form text_pdf|camera]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from config.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")


def _cases(seeds: int):
    from samples.generator.case import BUSINESSES, PLANT_BUSINESSES, PLANTS

    for seed in range(seeds):
        for business in BUSINESSES:
            yield seed, business, None
        for plant in PLANTS:
            allowed = PLANT_BUSINESSES.get(plant, BUSINESSES)
            yield seed, allowed[seed % len(allowed)], plant


def detections(seeds: int, contract_form: str, work: Path) -> dict:
    from checks.registries.local import LocalRegistry
    from domain.models import Severity
    from extractors.engines import get_engine
    from pipeline.documents.check import check_case, read_document
    from samples.generator.case import make_case, write_case

    engine = get_engine(settings=get_settings().ocr)
    planted: dict[str, Counter] = {}
    consistent = Counter()
    false_alarm_rules: Counter = Counter()
    warnings_on_consistent: Counter = Counter()
    for seed, business, plant in _cases(seeds):
        sample = make_case(seed, business=business, plant=plant, contract_form=contract_form)
        paths = write_case(sample, work / sample.name)
        result = check_case(
            business=business,
            inputs=[read_document(p) for p in paths],
            business_date=sample.business_date,
            facts=sample.facts,
            engine=engine,
            registry=LocalRegistry(sample.records),
        )
        findings = result.report.findings
        if plant is None:
            errors = [f.rule for f in findings if f.severity == Severity.ERROR]
            consistent["cases"] += 1
            consistent["with_error"] += bool(errors)
            false_alarm_rules.update(errors)
            warnings_on_consistent.update(f.rule for f in findings if f.severity == Severity.WARNING)
        else:
            c = planted.setdefault(plant, Counter())
            c["cases"] += 1
            c["reported_by_expected_rule"] += sample.expected_rule in {f.rule for f in findings}
            c["as_error"] += any(f.rule == sample.expected_rule and f.severity == Severity.ERROR for f in findings)
            c["case_stopped"] += not result.report.passed
    total = sum(c["cases"] for c in planted.values())
    return {
        "planted": {k: dict(v) for k, v in planted.items()},
        "planted_total": total,
        "planted_detected": sum(c["reported_by_expected_rule"] for c in planted.values()),
        "consistent": dict(consistent),
        "false_alarm_rules": dict(false_alarm_rules),
        "warnings_on_consistent": dict(warnings_on_consistent),
    }


def timing(work: Path, runs: int) -> dict:
    from samples.generator.case import make_case, write_case

    sample = make_case(1, business="purchase_withdrawal", contract_form="camera", contract_pages=4)
    paths = write_case(sample, work / "timing_case")
    registry = {
        "DOCINTEL_CHECKS__REGISTRY": "local",
        "DOCINTEL_CHECKS__REGISTRY_FILE": str(work / "timing_case" / "registry.json"),
    }
    env = os.environ | registry
    cmd = [sys.executable, "-m", "cli.main", "check", "--business", "purchase_withdrawal", "--business-date",
           sample.business_date.isoformat(), *map(str, paths)]  # fmt: skip
    walls, cpus, stages, body = [], [], [], {}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        body = json.loads(proc.stdout)
        stages.append(body["timing_ms"])
    # The rules alone, over the documents just extracted (rebuilt from the JSON would lose nothing they read).
    from checks.engine import run_checks
    from checks.registries.local import LocalRegistry
    from domain.models import ExtractedDocument, Field

    docs = [
        ExtractedDocument(
            d["doc_type"],
            {k: Field(k, v["value"], v["confidence"]) for k, v in d["fields"].items()},
            tuple(d["source"]),
        )
        for d in body["documents"]
    ]
    registry = LocalRegistry(json.loads((work / "timing_case" / "registry.json").read_text())["sources"])
    t0 = time.perf_counter()
    n = 200
    for _ in range(n):
        run_checks(
            business="purchase_withdrawal",
            documents=docs,
            business_date=sample.business_date,
            registry=registry,
            settings=get_settings().checks,
        )
    rules_ms = (time.perf_counter() - t0) / n * 1000
    return {
        "case": "ID front + ID back (camera frames) + 4-page contract (4 camera frames)",
        "pages": sum(len(d["pages"]) for d in body["documents"]),
        "passed": body["passed"],
        "cli_wall_s": [round(w, 2) for w in walls],
        # CPU seconds of the whole command (all threads): less sensitive than wall time to a busy machine.
        "cli_cpu_s": [round(c, 2) for c in cpus],
        "load_average_1m": round(os.getloadavg()[0], 2),
        "stages_ms": stages[-1],
        "rules_only_ms": round(rules_ms, 3),
        "cpu_count": os.cpu_count(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--contract-form", choices=("text_pdf", "camera"), default="text_pdf")
    ap.add_argument("--timing-runs", type=int, default=2)
    ap.add_argument("--skip-detections", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        work = Path(tmp)
        out = {"seeds": args.seeds, "contract_form": args.contract_form}
        if not args.skip_detections:
            out["detections"] = detections(args.seeds, args.contract_form, work)
        out["timing"] = timing(work, args.timing_runs)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
