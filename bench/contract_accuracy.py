"""Field accuracy of purchase contracts and rental agreements over a generated set, per form (text PDF, scanned
PDF, camera frames), per difficulty and per template, end to end through ``pipeline.documents.extract.extract_files``; and by what the pages'
quality reports said (clean / warning / error, an error asking the clerk to reshoot); how much of what was wrong
the document's reshoot list named; and, for camera frames, the accuracy after the clerk photographs the named
pages once more (the counter's loop), beside the single-shot numbers: once under the same conditions, once as the
hints ask (the next easier camera preset for the second picture); each value is then kept from the picture that
read it more surely, as a case does when a page is replaced (extractors.rereading).

Prints one JSON object. The test suite runs a small OCR subset; this is the full run (≥ 30 documents per type
and form by default; OCR'd pages take seconds each on two cores, so the scanned and camera forms take a while).

    .venv/bin/python bench/contract_accuracy.py [--per-type 30] [--forms text_pdf,scanned_pdf,camera] [--seed 11]
    .venv/bin/python bench/contract_accuracy.py --per-family 10 [--forms …] [--families …] [--fit-calibration]

With ``--per-family`` it reports by template family instead: accuracy per form and field on the held-out families
(written from the real forms and not used while writing the reading rules) apart from the tuned ones, and the
confidence calibration measured leaving one family out (bench/contract_families.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")


def _ratio(hits: list[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else float("nan")


# What a clerk changes when a hint says the page was too small, blurred or under glare.
EASIER = {"hard": "medium", "medium": "easy", "easy": "easy"}


@dataclass
class ReshootLoop:
    """Accuracy after one round of the counter's loop, under one model of the second picture."""

    fields: dict[str, dict[str, list[bool]]] = dataclass_field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    groups: dict[str, list[bool]] = dataclass_field(default_factory=lambda: defaultdict(list))
    count: dict[str, int] = dataclass_field(
        default_factory=lambda: dict.fromkeys(("documents", "pages", "of_documents", "of_pages"), 0)
    )

    def report(self) -> dict:
        return {
            "documents_reshot": f"{self.count['documents']}/{self.count['of_documents']}",
            "pages_reshot": f"{self.count['pages']}/{self.count['of_pages']}",
            "field_accuracy": {k: {n: _ratio(v) for n, v in sorted(f.items())} for k, f in sorted(self.fields.items())},
            "min_field_accuracy": {k: min(_ratio(v) for v in f.values()) for k, f in sorted(self.fields.items())},
            "by_difficulty": {k: _ratio(v) for k, v in sorted(self.groups.items())},
        }


def _above(scored: list[tuple[float, bool]]) -> dict[str, dict[str, float]]:
    """Of the values returned, how many are at or above a confidence threshold (coverage) and how many of
    those are right (precision): what a reviewer would have to look at if only the rest were shown."""
    out = {}
    for threshold in (0.0, 0.8, 0.9, 0.95):
        kept = [ok for c, ok in scored if c >= threshold]
        out[str(threshold)] = {"coverage": _ratio([c >= threshold for c, _ in scored]), "precision": _ratio(kept)}
    return out


class _SamePicturesOnce:
    """The engine, reading each distinct page image once: a reshoot pass re-reads the document over all its
    pages, and the pages not photographed again are the same pixels as before (times are taken on the first
    pass only, so this changes no number, only how long the bench runs)."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        import hashlib

        self._engine, self._seen, self._hash = engine, {}, hashlib.sha1
        self.name = engine.name

    def version(self) -> str:
        return self._engine.version()

    def recognize(self, image):  # type: ignore[no-untyped-def]
        key = (self._hash(image.tobytes()).hexdigest(), image.shape)
        if key not in self._seen:
            self._seen[key] = self._engine.recognize(image)
        return self._seen[key]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-type", type=int, default=30)
    ap.add_argument("--forms", default="text_pdf,scanned_pdf,camera")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--misses", type=int, default=40, help="how many wrong fields to list")
    ap.add_argument(
        "--no-reshoot", action="store_true", help="skip photographing again the camera pages docintel asked for"
    )
    ap.add_argument(
        "--per-family",
        type=int,
        default=0,
        help="the family report instead: this many documents per template family and form, held-out families "
        "apart, calibration measured leaving one family out (bench/contract_families.py)",
    )
    ap.add_argument("--families", default="", help="with --per-family: only these families (comma-separated)")
    ap.add_argument(
        "--fit-calibration", action="store_true", help="with --per-family: write extractors/contracts/calibration.json"
    )
    ap.add_argument("--rows", default="", help="with --per-family: write each field's result as JSON lines here")
    ap.add_argument(
        "--add-rows", default="", help="with --per-family: add the rows of earlier runs (comma-separated files)"
    )
    args = ap.parse_args()
    if args.per_family or args.add_rows:  # the family report, over new documents and/or saved rows
        from bench.contract_families import run

        print(json.dumps(run(args), ensure_ascii=False, indent=2))
        return

    from config.settings import get_settings
    from extractors.engines import get_engine
    from extractors.registry import extractor_for
    from extractors.rereading import keep_surer_readings
    from pipeline.documents.extract import InputFile, extract_files
    from samples.generator.contracts import make_contract_set, reshoot

    engine = _SamePicturesOnce(get_engine(settings=get_settings().ocr))
    review_below = get_settings().ocr.review_below
    fields: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    groups: dict[str, list[bool]] = defaultdict(list)
    types: dict[str, list[bool]] = defaultdict(list)
    pages: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    misses: list[str] = []
    quality: dict[str, list[bool]] = defaultdict(list)
    quality_docs: dict[str, int] = defaultdict(int)
    confidence: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    # What the reshoot list caught: wrong values named in it (or missing), right values named in it.
    flagged: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    loops = {"same": ReshootLoop(), "as_hinted": ReshootLoop()}
    for sample in make_contract_set(args.seed, per_type=args.per_type, forms=tuple(args.forms.split(","))):
        t0 = time.perf_counter()
        files = [InputFile(name, data) for name, data in sample.files]
        try:
            doc = next(extract_files(files, one_document=True, engine=engine))
        except Exception as exc:  # a failed document counts as all fields wrong, and is listed
            misses.append(f"{sample.name}: {type(exc).__name__}: {exc}")
            doc = None
        seconds[sample.form] += time.perf_counter() - t0
        pages[sample.form] += sample.pages
        types[sample.form].append(doc is not None and doc.doc_type == sample.doc_type)
        for name, want in sample.truth.items():
            got = doc.value(name) if doc is not None else None
            ok = got == want
            fields[f"{sample.form}/{sample.doc_type}"][name].append(ok)
            for key in (sample.difficulty, sample.template):
                groups[f"{sample.form}/{sample.doc_type}/{key}"].append(ok)
            if not ok and len(misses) < args.misses:
                misses.append(f"{sample.name}: {name}: want {want!r} got {got!r}")
        # What the quality report told the clerk about these pages: nothing, a warning, or "reshoot" (error).
        issues = [i for p in (doc.pages if doc is not None else ()) for i in p.quality.issues]
        verdict = "error" if any(i.severity == "error" for i in issues) else "warning" if issues else "clean"
        for name, want in sample.truth.items():
            quality[f"{sample.form}/{verdict}"].append(doc is not None and doc.value(name) == want)
            field = doc.fields.get(name) if doc is not None else None
            if field is not None:
                confidence[sample.form].append((field.confidence, field.value == want))
        quality_docs[f"{sample.form}/{sample.difficulty}/{verdict}"] += 1
        if doc is not None:
            asked = {f for r in doc.reshoot for f in r.fields}
            for name, want in sample.truth.items():
                ok = doc.value(name) == want
                flagged[sample.form]["wrong" if not ok else "right"].append(name in asked or doc.value(name) is None)
        if sample.form == "camera" and not args.no_reshoot:
            # The counter's loop: the clerk photographs again the pages docintel named (every page when a
            # required field was found nowhere), once, and each value is kept from the surer reading. Two clerks: one
            # who takes the same kind of picture again, and one who does what the hint says (closer, steadier,
            # out of the glare), modelled as the next easier camera preset for the new picture only.
            pages_again: set[int] = set()
            if doc is not None and doc.reshoot:
                pages_again = {r.page for r in doc.reshoot if r.page is not None}
                if any(r.page is None for r in doc.reshoot):
                    pages_again = set(range(sample.pages))
            for conditions, difficulty in (("same", sample.difficulty), ("as_hinted", EASIER[sample.difficulty])):
                final, loop = doc, loops[conditions]
                if pages_again:
                    rng = random.Random(f"{args.seed}/{sample.name}/reshoot")
                    again = reshoot(sample, pages_again, rng, difficulty=difficulty)
                    again_files = [InputFile(n, d) for n, d in again.files]
                    again_doc = next(extract_files(again_files, one_document=True, engine=engine))
                    # As the case does on a page replacement: each value from the picture that read it surer.
                    final = (
                        keep_surer_readings(
                            doc.fields,
                            again_doc,
                            replaced=pages_again,
                            required=extractor_for(again_doc.doc_type).required_fields,
                            groups=extractor_for(again_doc.doc_type).field_groups,
                            review_below=review_below,
                        )
                        if doc is not None and again_doc.doc_type == doc.doc_type != "unknown"
                        else again_doc
                    )
                    loop.count["documents"] += 1
                    loop.count["pages"] += len(pages_again)
                loop.count["of_documents"] += 1
                loop.count["of_pages"] += sample.pages
                for name, want in sample.truth.items():
                    ok = final is not None and final.value(name) == want
                    loop.fields[f"{sample.form}/{sample.doc_type}"][name].append(ok)
                    loop.groups[f"{sample.form}/{sample.doc_type}/{sample.difficulty}"].append(ok)
        wrong = [n for n, want in sample.truth.items() if doc is None or doc.value(n) != want]
        print(json.dumps({"done": sample.name, "pages": sample.pages, "wrong": wrong}), file=sys.stderr, flush=True)
    report = {
        "bench": "contract_accuracy",
        "engine": engine.version(),
        "per_type": args.per_type,
        "seed": args.seed,
        "document_type_accuracy": {form: _ratio(v) for form, v in types.items()},
        "field_accuracy": {k: {n: _ratio(v) for n, v in sorted(f.items())} for k, f in sorted(fields.items())},
        "min_field_accuracy": {k: min(_ratio(v) for v in f.values()) for k, f in sorted(fields.items())},
        "by_difficulty_and_template": {k: _ratio(v) for k, v in sorted(groups.items())},
        "field_accuracy_by_quality_verdict": {k: _ratio(v) for k, v in sorted(quality.items())},
        "documents_by_quality_verdict": dict(sorted(quality_docs.items())),
        "values_above_confidence": {form: _above(v) for form, v in confidence.items()},
        "reshoot_list": {
            form: {"wrong_values_named": _ratio(v["wrong"]), "right_values_named": _ratio(v["right"])}
            for form, v in flagged.items()
        },
        "after_one_reshoot": {conditions: loop.report() for conditions, loop in loops.items() if loop.fields} or None,
        "pages": dict(pages),
        "seconds_per_page": {form: round(seconds[form] / max(pages[form], 1), 3) for form in pages},
        "misses": misses,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
