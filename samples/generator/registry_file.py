"""``python -m samples.generator registry``: writes ``samples/registry/registry.json``, the registry records of the
demo cases and of every committed sample set, so the committed samples verify against the local registry."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from samples.generator.case import BUSINESSES, plan_case
from samples.generator.registry import SOURCES, merge, records_from_truth, registry_document


def demo_case_records(seed: int = 0) -> dict[str, dict[str, dict[str, Any]]]:
    """The records of the cases ``python -m samples.generator case --seed 0`` writes, one per business."""
    out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SOURCES}
    for business in BUSINESSES:
        merge(out, plan_case(seed, business=business).records)
    return out


DEMO_SEEDS = (0, 7)  # seed 7 is the case devtools/demo.py generates


def committed_records(samples_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """What ``samples/registry/registry.json`` holds: the demo cases and every sample set under ``samples/``."""
    records: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SOURCES}
    for seed in DEMO_SEEDS:
        merge(records, demo_case_records(seed))
    merge(records, records_from_truth(samples_dir))
    return records


def add_arguments(p: argparse.ArgumentParser) -> None:
    from config.settings import PROJECT_ROOT

    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "samples" / "registry" / "registry.json")
    p.add_argument("--samples", type=Path, default=PROJECT_ROOT / "samples", help="folder of sample sets to include")


def run(args: argparse.Namespace) -> int:
    doc = registry_document(committed_records(args.samples))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"out": str(args.out), **{s: len(doc["sources"][s]) for s in SOURCES}}))
    return 0
