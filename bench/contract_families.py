"""Contract accuracy by template family, with the families the reading rules were not written against reported
apart, and the confidence calibration measured out of family. Called by ``bench/contract_accuracy.py
--per-family N``; prints one JSON object.

- ``families``: every family with its role: ``tuned`` (the rules were written looking at it), ``held_out`` (written
  from the real forms' structure, never looked at while writing rules), ``first_held_out`` (measured once as
  held out, then used for tuning; see docs/contracts.md).
- ``held_out`` / ``tuned``: field accuracy per form and field over those families.
- ``calibration``: leave-one-family-out: each family's field confidences come from a table fitted on the other
  families only (``extractors.contracts.calibration.fit_table``); the reliability table, the expected calibration
  error and the share of all fields that can be accepted at 99.9 % precision are computed on those. With
  ``--fit-calibration`` the table fitted on every family is written to ``extractors/contracts/calibration.json``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scored:
    form: str
    doc_type: str
    family: str
    field: str
    right: bool
    found: bool
    cls: str  # evidence class (extractors.contracts.calibration.evidence_class), "" when not found
    score: float  # the recogniser's score before calibration


def _ratio(hits: Sequence[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def roles() -> dict[str, str]:
    from samples.generator.contract_families import FIRST_HELD_OUT, HELD_OUT
    from samples.generator.contracts import TEMPLATES

    out = {}
    for doc_type, families in TEMPLATES.items():
        for family in families:
            role = "held_out" if family in HELD_OUT[doc_type] else "tuned"
            out[f"{doc_type}/{family}"] = "first_held_out" if family in FIRST_HELD_OUT[doc_type] else role
    return out


def family_set(seed: int, per_family: int, forms: Sequence[str], families: Sequence[str]) -> Iterator:
    """``per_family`` documents of each family in each form, cycling through difficulties."""
    from samples.generator.contracts import DIFFICULTIES, make_contract

    for key in families:
        doc_type, family = key.split("/")
        for form in forms:
            for i in range(per_family):
                difficulty = DIFFICULTIES[i % len(DIFFICULTIES)]
                rng = random.Random(f"{seed}/{key}/{form}/{i}")
                name = f"{doc_type}_{form}_{family}_{difficulty}_{i:03d}"
                yield make_contract(
                    rng, doc_type=doc_type, template=family, form=form, difficulty=difficulty, name=name
                )


def read(sample, engine, settings):  # type: ignore[no-untyped-def]
    """The document as the pipeline builds it, and the evidence its extractor reported per field."""
    from extractors.document import build_document, engine_version_for, read_page
    from extractors.registry import extractor_for
    from pipeline.documents.extract import InputFile, capture_pages

    pages = [p for name, data in sample.files for p in capture_pages(InputFile(name, data), settings)]
    reads = [read_page(p.with_(index=i), engine) for i, p in enumerate(pages)]
    doc = build_document(
        reads,
        sources=[n for n, _ in sample.files],
        doc_type=None,
        engine_version=engine_version_for(reads, engine),
        capture_ms=0.0,
        review_below=settings.ocr.review_below,
    )
    evidence = {}
    if doc.doc_type != "unknown":
        evidence = extractor_for(doc.doc_type).extract([r.ocr for r in reads]).extra.get("evidence", {})
    return doc, evidence


def score_sample(sample, doc, evidence) -> list[Scored]:  # type: ignore[no-untyped-def]
    from extractors.contracts.calibration import evidence_class
    from extractors.contracts.choose import Evidence

    out = []
    for name, want in sample.truth.items():
        got = doc.value(name) if doc.doc_type == sample.doc_type else None
        ev = evidence.get(name)
        cls = evidence_class(Evidence(**{k: v for k, v in ev.items() if k != "score"})) if ev else ""
        score = float(ev["score"]) if ev else (doc.fields[name].confidence if name in doc.fields else 0.0)
        out.append(
            Scored(sample.form, sample.doc_type, sample.template, name, got == want, got is not None, cls, score)
        )
    return out


def reliability(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> tuple[list[dict], float]:
    """Equal-width bins of predicted probability: count, mean prediction, share right; and the expected
    calibration error (the count-weighted mean gap)."""
    rows, ece = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        cell = [(p, ok) for p, ok in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not cell:
            continue
        mean_p = sum(p for p, _ in cell) / len(cell)
        acc = sum(ok for _, ok in cell) / len(cell)
        ece += len(cell) / len(pairs) * abs(mean_p - acc)
        rows.append(
            {"bin": f"{lo:.1f}-{hi:.1f}", "n": len(cell), "mean_confidence": round(mean_p, 4), "right": round(acc, 4)}
        )
    return rows, round(ece, 4)


def coverage_at(pairs: Sequence[tuple[float, bool]], total: int, precision: float = 0.999) -> dict:
    """The lowest confidence threshold whose accepted fields (at or above it) are right at ``precision``, and
    the share of all ``total`` fields it accepts."""
    ranked = sorted(pairs, key=lambda t: -t[0])
    best_n, best_t, right = 0, None, 0
    for n, (p, ok) in enumerate(ranked, start=1):
        right += ok
        if right / n >= precision and (n == len(ranked) or ranked[n][0] < p):
            best_n, best_t = n, p
    return {
        "precision": precision,
        "threshold": best_t,
        "accepted": best_n,
        "of": total,
        "coverage": round(best_n / total, 4) if total else None,
    }


def calibration_report(scored: Sequence[Scored]) -> dict:
    """Leave one family out: each family's confidences come from a table fitted on the other families only (all
    forms together, as the committed table is); reported per form."""
    from extractors.contracts.calibration import fit_table, lookup

    pairs: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    raw: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for family in sorted({(s.doc_type, s.family) for s in scored}):
        table = fit_table([(s.cls, s.score, s.right) for s in scored if (s.doc_type, s.family) != family and s.found])
        for s in scored:
            if (s.doc_type, s.family) == family and s.found:
                # A field without evidence keeps the recogniser's score, as the extractor leaves it.
                # As the extractor applies it (calibration.lookup): bin 0 lowers only, an unseen cell is capped.
                p = lookup(table, s.cls, s.score) if s.cls else s.score
                pairs[s.form].append((p, s.right))
                raw[s.form].append((s.score, s.right))
    out: dict = {}
    for form in sorted(pairs):
        total = sum(s.form == form for s in scored)
        table_rows, ece = reliability(pairs[form])
        out[form] = {
            "fields": total,
            "found": len(pairs[form]),
            "reliability": table_rows,
            "ece": ece,
            "coverage_at_99_9": coverage_at(pairs[form], total),
            "recogniser_score_only": {
                "ece": reliability(raw[form])[1],
                "coverage_at_99_9": coverage_at(raw[form], total),
            },
        }
    return out


def run(args) -> dict:  # type: ignore[no-untyped-def]
    from config.settings import get_settings
    from extractors.contracts.calibration import TABLE, fit_table
    from extractors.engines import get_engine

    settings = get_settings()
    engine = get_engine(settings=get_settings().ocr)
    role = roles()
    families = [f for f in role if not args.families or f.split("/")[1] in args.families.split(",")]
    forms = args.forms.split(",")
    scored: list[Scored] = []
    docs: dict[str, int] = defaultdict(int)
    pages: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    misses: list[str] = []
    for path in filter(None, args.add_rows.split(",")):  # rows saved by earlier runs (--rows), added as they are
        scored.extend(Scored(**json.loads(line)) for line in Path(path).read_text(encoding="utf-8").splitlines())
    for sample in family_set(args.seed, args.per_family, forms, families):
        t0 = time.perf_counter()
        try:
            doc, evidence = read(sample, engine, settings)
            got = score_sample(sample, doc, evidence)
        except Exception as exc:  # a failed document counts as all fields wrong, and is listed
            misses.append(f"{sample.name}: {type(exc).__name__}: {exc}")
            got = [
                Scored(sample.form, sample.doc_type, sample.template, n, False, False, "", 0.0) for n in sample.truth
            ]
        seconds[sample.form] += time.perf_counter() - t0
        docs[f"{sample.form}/{sample.doc_type}/{sample.template}"] += 1
        pages[sample.form] += sample.pages
        scored.extend(got)
        for s in got:
            if not s.right and len(misses) < args.misses:
                misses.append(f"{sample.name}: {s.field}: want {sample.truth[s.field]!r} got {doc.value(s.field)!r}")
        print(
            json.dumps({"done": sample.name, "wrong": [s.field for s in got if not s.right]}),
            file=sys.stderr,
            flush=True,
        )

    def accuracy(keep) -> dict:  # type: ignore[no-untyped-def]
        by: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
        for s in scored:
            if keep(s):
                by[f"{s.form}/{s.doc_type}"][s.field].append(s.right)
        return {
            k: {
                "fields": {n: _ratio(v) for n, v in sorted(f.items())},
                "min": min(_ratio(v) for v in f.values()),
                "all": _ratio([x for v in f.values() for x in v]),
            }
            for k, f in sorted(by.items())
        }

    fields_scored: dict[str, int] = defaultdict(int)
    for s in scored:
        fields_scored[f"{s.form}/{s.doc_type}/{s.family}"] += 1
    by_family: dict[str, list[bool]] = defaultdict(list)
    for s in scored:
        by_family[f"{s.form}/{s.doc_type}/{s.family}"].append(s.right)
    report = {
        "bench": "contract_accuracy.families",
        "engine": engine.version(),
        "seed": args.seed,
        "per_family": args.per_family,
        "families": {f: role[f] for f in families},
        "documents": dict(sorted(docs.items())),
        "rows_added_from": args.add_rows or None,
        "fields_scored": dict(sorted(fields_scored.items())),
        "pages": dict(pages),
        "held_out": accuracy(lambda s: role[f"{s.doc_type}/{s.family}"] == "held_out"),
        "first_held_out": accuracy(lambda s: role[f"{s.doc_type}/{s.family}"] == "first_held_out"),
        "tuned": accuracy(lambda s: role[f"{s.doc_type}/{s.family}"] == "tuned"),
        "by_family": {k: _ratio(v) for k, v in sorted(by_family.items())},
        "calibration_leave_one_family_out": calibration_report(scored),
        "seconds_per_page": {form: round(seconds[form] / max(pages[form], 1), 3) for form in pages},
        "misses": misses,
    }
    if args.rows:
        with Path(args.rows).open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(asdict(s), ensure_ascii=False) + "\n" for s in scored)
    if args.fit_calibration:
        table = fit_table([(s.cls, s.score, s.right) for s in scored if s.found and s.cls])
        TABLE.write_text(
            json.dumps(
                {
                    "fitted_on": {
                        "forms": forms,
                        "families": families,
                        "per_family": args.per_family,
                        "seed": args.seed,
                    },
                    "table": table,
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        report["calibration_table"] = str(Path(TABLE).relative_to(Path(__file__).resolve().parent.parent))
    return report
