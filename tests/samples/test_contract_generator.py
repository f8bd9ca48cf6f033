"""The contract generator: realistic layouts (2–6 pages, several templates), truth in the documented formats,
text PDFs with an embedded font whose text layer holds the truth, scans without one, one camera frame a page."""

from __future__ import annotations

import io
import json
import random
import re
from decimal import Decimal
from pathlib import Path

import cn2an
import pdfplumber
import pytest
from stdnum.cn import ric

from samples.generator.contracts import (
    DOC_TYPES,
    MAX_PAGES,
    MIN_PAGES,
    TEMPLATES,
    make_contract,
    make_contract_set,
    make_text_pdf,
    reshoot,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONEY = re.compile(r"^\d+\.\d{2}$")


def _text(pdf: bytes) -> tuple[str, set[str]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
        fonts = {c["fontname"] for p in doc.pages for c in p.chars}
    return re.sub(r"\s", "", text), fonts


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_template_prints_the_truth_in_its_text_layer(doc_type: str) -> None:
    for template in TEMPLATES[doc_type]:
        for difficulty in ("easy", "hard"):
            pdf, truth, pages = make_text_pdf(random.Random(f"{template}{difficulty}"), doc_type, template, difficulty)
            assert MIN_PAGES <= pages <= MAX_PAGES
            text, fonts = _text(pdf)
            assert any(f.endswith("DocBody") or "WenQuanYi" in f for f in fonts)
            for key in ("property_address", "signing_date") if doc_type == "purchase_contract" else ("lessor_name",):
                value = truth[key]
                if key == "signing_date":
                    y, m, d = (int(v) for v in value.split("-"))
                    assert re.search(rf"{y}(年0?{m}月0?{d}日|-{m:02d}-{d:02d})", text), (template, value)
                else:
                    assert value in text, (template, key)
            words = truth.get("total_price_in_words") or truth["monthly_rent_in_words"]
            assert words in text


def test_truth_values_have_the_documented_formats() -> None:
    for sample in make_contract_set(5, per_type=6, forms=("text_pdf",)):
        t = sample.truth
        for key, value in t.items():
            if key.endswith("date") or (key.startswith("lease_") and key != "lease_term_months"):
                assert ISO_DATE.match(value), (key, value)
            if key in ("floor_area", "total_price", "unit_price", "monthly_rent"):
                assert MONEY.match(value), (key, value)
            if key.endswith("id_number"):
                assert len(value) == 18 and ric.is_valid(value) and value == value.upper()
        if sample.doc_type == "purchase_contract":
            assert t["buyers"][0] == {"name": t["buyer_name"], "id_number": t["buyer_id_number"]}
            assert Decimal(t["total_price"]) == Decimal(t["floor_area"]) * Decimal(t["unit_price"])
            assert Decimal(cn2an.cn2an(t["total_price_in_words"].split("元")[0], "strict")) == int(
                Decimal(t["total_price"])
            )
        else:
            assert t["lease_start"] < t["lease_end"] and t["signing_date"] <= t["lease_start"]


def test_set_covers_templates_difficulties_and_multiple_buyers() -> None:
    samples = list(make_contract_set(8, per_type=18, forms=("text_pdf",)))
    for doc_type in DOC_TYPES:
        mine = [s for s in samples if s.doc_type == doc_type]
        assert {s.template for s in mine} == set(TEMPLATES[doc_type])
        assert {s.difficulty for s in mine} == {"easy", "medium", "hard"}
        assert len({s.pages for s in mine}) >= 3
    assert any(len(s.truth.get("buyers", [])) > 1 for s in samples)


def test_text_pdf_is_deterministic() -> None:
    a = make_contract(
        random.Random(1), doc_type="rental_agreement", template="freeform", form="text_pdf", difficulty="easy", name="a"
    )
    b = make_contract(
        random.Random(1), doc_type="rental_agreement", template="freeform", form="text_pdf", difficulty="easy", name="a"
    )
    assert a.files == b.files


def test_scanned_pdf_has_no_text_layer_and_the_same_pages() -> None:
    s = make_contract(
        random.Random(3),
        doc_type="purchase_contract",
        template="party_table",
        form="scanned_pdf",
        difficulty="hard",
        name="s",
    )
    with pdfplumber.open(io.BytesIO(s.files[0][1])) as doc:
        assert len(doc.pages) == s.pages
        assert all(not p.chars and p.images for p in doc.pages)


def test_camera_form_is_one_jpeg_frame_per_page() -> None:
    s = make_contract(
        random.Random(4),
        doc_type="rental_agreement",
        template="city_template",
        form="camera",
        difficulty="medium",
        name="c",
    )
    assert len(s.files) == s.pages
    assert all(
        name.endswith(f"_p{i + 1}.jpg") and data[:3] == b"\xff\xd8\xff" for i, (name, data) in enumerate(s.files)
    )


def test_a_reshoot_replaces_only_the_named_pages() -> None:
    s = make_contract(
        random.Random(4), doc_type="rental_agreement", template="freeform", form="camera", difficulty="hard", name="c"
    )
    again = reshoot(s, {0}, random.Random(9))
    assert [n for n, _ in again.files] == [n for n, _ in s.files] and again.truth == s.truth
    assert again.files[0][1] != s.files[0][1] and again.files[0][1][:3] == b"\xff\xd8\xff"
    assert again.files[1:] == s.files[1:]
    # A clerk who follows the hint changes the conditions: same draws, another preset, another picture.
    steadier = reshoot(s, {0}, random.Random(9), difficulty="easy")
    assert steadier.files[0][1] not in (again.files[0][1], s.files[0][1]) and steadier.files[1:] == s.files[1:]
    with pytest.raises(ValueError):
        reshoot(
            make_contract(
                random.Random(4),
                doc_type="rental_agreement",
                template="freeform",
                form="text_pdf",
                difficulty="easy",
                name="t",
            ),
            {0},
            random.Random(9),
        )


def test_committed_samples_are_small_and_listed(project_root: Path) -> None:
    folder = project_root / "samples" / "contracts"
    records = [json.loads(line) for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["form"] for r in records} == {"text_pdf", "scanned_pdf", "camera"}
    camera = [r for r in records if r["form"] == "camera"]
    assert camera[0]["doc_type"] == "purchase_contract" and len(camera[0]["files"]) == camera[0]["pages"] == 4
    for r in records:
        assert all((folder / f).is_file() for f in r["files"])
    assert sum(p.stat().st_size for p in folder.iterdir()) < 2 * 1024 * 1024
