"""Generated purchase contracts and rental agreements with ground truth, in three forms:

- ``text_pdf``: an e-contract as online signing systems issue it (reportlab, embedded CJK TrueType font);
- ``scanned_pdf``: the same pages printed, scanned and saved as an image-only PDF;
- ``camera``: one document-camera frame per page (JPEG), via the shared camera model in ``camera.py``;
- ``scanned_tiff`` (on request, not in the default set): the scans as one multi-page TIFF.

``python -m samples.generator.contracts OUT_DIR --per-type N`` writes a set with a ``truth.jsonl`` beside it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from samples.generator.contract_families import PURCHASE_FAMILIES, RENTAL_FAMILIES
from samples.generator.contract_pdf import (
    images_to_tiff,
    page_count,
    render_page_images,
    render_text_pdf,
    scanned_pages,
    scanned_pdf,
)
from samples.generator.contract_templates import PURCHASE_TEMPLATES, RENTAL_TEMPLATES
from samples.generator.contract_values import make_purchase_facts, make_rental_facts

DOC_TYPES = ("purchase_contract", "rental_agreement")
FORMS = ("text_pdf", "scanned_pdf", "camera")
DIFFICULTIES = ("easy", "medium", "hard")
# Template families by document type: our first templates, then the families modelled on the real forms
# (samples.generator.contract_families); ``HELD_OUT`` names those the reading rules were not written against.
TEMPLATES = {
    "purchase_contract": {**PURCHASE_TEMPLATES, **PURCHASE_FAMILIES},
    "rental_agreement": {**RENTAL_TEMPLATES, **RENTAL_FAMILIES},
}
_RESALE = ("resale_prose", "resale_city")
MIN_PAGES, MAX_PAGES = 2, 6
A4_FRAME = (2592, 1944)  # a 5 MP document camera
A4_FILL = (0.86, 0.96)  # share of the frame height the page takes


@dataclass(frozen=True)
class ContractSample:
    doc_type: str
    template: str
    form: str
    difficulty: str
    truth: Mapping[str, Any]
    files: tuple[tuple[str, bytes], ...]  # one PDF, or one camera frame per page, in page order
    pages: int
    printed: bytes = b""  # the text PDF every form is printed from, for photographing a page again

    @property
    def name(self) -> str:
        return re.sub(r"_p\d+$", "", Path(self.files[0][0]).stem)


def _layout(doc_type: str, template: str, rng: random.Random, hard: bool) -> tuple[list, dict]:
    if doc_type == "purchase_contract":
        buyers = 2 if rng.random() < (0.35 if hard else 0.15) else 1
        facts = make_purchase_facts(
            rng, resale=template in _RESALE or (template in PURCHASE_TEMPLATES and rng.random() < 0.2), buyers=buyers
        )
    else:
        facts = make_rental_facts(rng)
    truth = facts.truth()
    if template == "freeform":
        del truth["lease_term_months"]  # the free-form wording states the dates only
    return TEMPLATES[doc_type][template](facts, rng, hard), truth


def make_text_pdf(
    rng: random.Random, doc_type: str, template: str, difficulty: str, *, max_pages: int = MAX_PAGES
) -> tuple[bytes, dict, int]:
    """A 2–6 page text PDF and its truth; layouts that print outside that range are drawn again."""
    for _ in range(60):
        blocks, truth = _layout(doc_type, template, rng, difficulty == "hard")
        pdf = render_text_pdf(blocks, title=doc_type, footer=rng.choice((None, "第 {n} 页", "- {n} -")))
        n = page_count(pdf)
        if MIN_PAGES <= n <= max_pages:
            return pdf, truth, n
    raise RuntimeError(f"template {template} never fits {MIN_PAGES}–{max_pages} pages")


def _recompress(jpeg: bytes, quality: int) -> bytes:
    import cv2
    import numpy as np

    ok, buf = cv2.imencode(
        ".jpg", cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    assert ok
    return buf.tobytes()


def camera_frames(pdf: bytes, rng: random.Random, difficulty: str) -> list[bytes]:
    """Each page printed and photographed on a desk by the counter's document camera (JPEG bytes).

    A counter camera for A4 is a 5-megapixel one framed so the page fills most of the picture."""
    import cv2
    from PIL import Image

    from samples.generator.camera import shoot

    frames = []
    for image in render_page_images(pdf, dpi=200):
        page = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        shot = shoot([page], seed=rng.randrange(2**31), difficulty=difficulty, frame_size=A4_FRAME, fill=A4_FILL)
        frames.append(shot.jpeg)
    return frames


def make_contract(
    rng: random.Random,
    *,
    doc_type: str,
    template: str,
    form: str,
    difficulty: str,
    name: str,
    compact: bool = False,
    max_pages: int = MAX_PAGES,
) -> ContractSample:
    """One sample. ``compact`` trades image quality for size (the copies kept in the repository)."""
    pdf, truth, pages = make_text_pdf(rng, doc_type, template, difficulty, max_pages=max_pages)
    if form == "text_pdf":
        files: tuple[tuple[str, bytes], ...] = ((f"{name}.pdf", pdf),)
    elif form == "scanned_pdf":
        scan = scanned_pdf(pdf, rng, difficulty, dpi=150 if compact else None, quality=50 if compact else None)
        files = ((f"{name}.pdf", scan),)
    elif form == "scanned_tiff":
        files = ((f"{name}.tif", images_to_tiff(scanned_pages(pdf, rng, difficulty, dpi=200), dpi=200)),)
    elif form == "camera":
        frames = camera_frames(pdf, rng, difficulty)
        if compact:
            frames = [_recompress(f, 45) for f in frames]
        files = tuple((f"{name}_p{i + 1}.jpg", f) for i, f in enumerate(frames))
    else:
        raise ValueError(f"unknown form {form!r}; known: {', '.join((*FORMS, 'scanned_tiff'))}")
    return ContractSample(doc_type, template, form, difficulty, truth, files, pages, pdf)


def reshoot(
    sample: ContractSample, pages: set[int], rng: random.Random, *, difficulty: str | None = None
) -> ContractSample:
    """The same camera sample with ``pages`` (0-based) photographed again, as a clerk does when asked to:
    same paper and camera, a new picture — under the sample's own conditions unless ``difficulty`` says how
    the clerk changed them."""
    if sample.form != "camera":
        raise ValueError("only camera frames can be photographed again")
    again = camera_frames(sample.printed, rng, difficulty or sample.difficulty)
    files = tuple((name, again[i] if i in pages else data) for i, (name, data) in enumerate(sample.files))
    return replace(sample, files=files)


def make_contract_set(
    seed: int,
    *,
    per_type: int,
    forms: tuple[str, ...] = FORMS,
    difficulties: tuple[str, ...] = DIFFICULTIES,
    doc_types: tuple[str, ...] = DOC_TYPES,
) -> Iterator[ContractSample]:
    """``per_type`` documents of each type in each form, cycling through templates and difficulties."""
    for doc_type in doc_types:
        templates = sorted(TEMPLATES[doc_type])
        for form in forms:
            for i in range(per_type):
                rng = random.Random(f"{seed}/{doc_type}/{form}/{i}")
                template = templates[i % len(templates)]
                difficulty = difficulties[(i // len(templates)) % len(difficulties)]
                name = f"{doc_type}_{form}_{template}_{difficulty}_{i:03d}"
                yield make_contract(
                    rng, doc_type=doc_type, template=template, form=form, difficulty=difficulty, name=name
                )


def write_set(out: Path, samples: Iterator[ContractSample]) -> int:
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for s in samples:
            for fname, data in s.files:
                (out / fname).write_bytes(data)
            record = {
                "files": [f for f, _ in s.files],
                "doc_type": s.doc_type,
                "template": s.template,
                "form": s.form,
                "difficulty": s.difficulty,
                "pages": s.pages,
                "truth": dict(s.truth),
            }
            truth.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def committed_samples(seed: int = 2026) -> list[ContractSample]:
    """The few samples kept in the repository (samples/contracts/): two text PDFs, one scanned PDF and the
    camera frames of a four-page purchase contract."""
    out = []
    wanted = [
        ("purchase_contract", "gf2014", "text_pdf", "easy", None),
        ("rental_agreement", "city_template", "text_pdf", "medium", None),
        ("rental_agreement", "party_table", "scanned_pdf", "medium", 2),
        ("purchase_contract", "gf2014", "camera", "easy", 4),
    ]
    for doc_type, template, form, difficulty, pages in wanted:
        for attempt in range(200):  # the first seed whose layout has the wanted page count
            key = f"{seed}/{doc_type}/{template}/{form}/{attempt}"
            if pages is None or make_text_pdf(random.Random(key), doc_type, template, difficulty)[2] == pages:
                break
        name = f"{doc_type}_{template}_{form}"
        sample = make_contract(
            random.Random(key),
            doc_type=doc_type,
            template=template,
            form=form,
            difficulty=difficulty,
            name=name,
            compact=True,
        )
        out.append(sample)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-type", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--forms", default=",".join(FORMS))
    ap.add_argument("--committed", action="store_true", help="write the few samples kept in samples/contracts/")
    args = ap.parse_args()
    if args.committed:
        n = write_set(args.out, iter(committed_samples()))
    else:
        forms = tuple(args.forms.split(","))
        n = write_set(args.out, make_contract_set(args.seed, per_type=args.per_type, forms=forms))
    print(json.dumps({"documents": n, "out": str(args.out)}))


if __name__ == "__main__":
    main()
