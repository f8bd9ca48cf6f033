"""Each extractor's declared ``fields`` is every field it emits: run over every contract template (text layer, no
OCR) and over recorded ID-card OCR pages, no extractor emits a field it does not declare (domain/fields.py labels
the declared ones)."""

from __future__ import annotations

import json
import random

import pytest
from idcard_pages import BACK_LONG_TERM, GARBLED_BACK, MERGED_FRONT, SPLIT_FRONT

from capture.pdf import load_pdf_pages
from config.settings import CaptureSettings
from domain.models import OcrPage
from extractors.registry import extractor_for
from samples.generator.contracts import TEMPLATES, make_text_pdf


@pytest.mark.parametrize("doc_type", sorted(TEMPLATES))
def test_contract_extractors_emit_only_declared_fields(doc_type):
    declared = set(extractor_for(doc_type).fields)
    for template in TEMPLATES[doc_type]:
        pdf, _, _ = make_text_pdf(random.Random(f"declared:{template}"), doc_type, template, "easy")
        pages = [
            OcrPage(p.text_layer, p.width, p.height, "pdf_text_layer")
            for p in load_pdf_pages(pdf, "x.pdf", CaptureSettings())
        ]
        emitted = set(extractor_for(doc_type).extract(pages).fields)
        assert emitted and emitted <= declared, (template, sorted(emitted - declared))


def test_id_card_extractors_emit_only_declared_fields(project_root):
    for doc_type, pages in (
        ("id_card_front", [MERGED_FRONT, SPLIT_FRONT]),
        ("id_card_back", [BACK_LONG_TERM, GARBLED_BACK]),
    ):
        declared = set(extractor_for(doc_type).fields)
        for page in pages:
            emitted = set(extractor_for(doc_type).extract([page]).fields)
            assert emitted <= declared, (doc_type, sorted(emitted - declared))
    truth = json.loads((project_root / "samples/idcards/ground_truth.json").read_text(encoding="utf-8"))
    for capture in truth["captures"]:
        for doc in capture["documents"]:
            assert set(doc["fields"]) <= set(extractor_for(doc["doc_type"]).fields), capture["file"]
    for line in (project_root / "samples/contracts/truth.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        assert set(item["truth"]) <= set(extractor_for(item["doc_type"]).fields), item["files"]
