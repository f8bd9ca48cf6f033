"""Rendering of the application and receipt: Chinese text, embedded fonts, the case.json attachment, the QR code's
payload and the PDF/A-3b properties."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest

from signing.data import ApplicationData
from signing.render import render_application, render_receipt
from signing.render.application import DEFAULT_FONT
from signing.render.common import canonical_json, sha256_hex
from signing.render.pdfa_check import pdfa3b_problems


def _text(pdf: bytes) -> str:
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return proc.stdout.decode("utf-8")


def _attachment(pdf: bytes, name: str = "case.json") -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader

    r = PdfFileReader(io.BytesIO(pdf))
    entries = r.root["/Names"]["/EmbeddedFiles"]["/Names"]
    for i in range(0, len(entries), 2):
        if entries[i] == name:
            return entries[i + 1].get_object()["/EF"]["/F"].get_object().data
    raise AssertionError(f"{name} not attached")


def test_application_text_is_chinese_and_complete(application_pdf: bytes, demo_data: ApplicationData) -> None:
    text = _text(application_pdf)
    assert "住房公积金业务电子申请书" in text
    assert "退休提取" in text
    assert demo_data.applicant_name in text
    assert demo_data.applicant_id_number in text  # the application is the applicant's own document: full data
    assert demo_data.documents[0].value("address")[:6] in text.replace("\n", "")
    assert "交叉校验结果" in text and "未能核对法定退休年龄" in text
    assert demo_data.operator in text and demo_data.branch in text


def test_every_font_is_embedded(application_pdf: bytes) -> None:
    out = subprocess.run(["pdffonts", "-"], input=application_pdf, capture_output=True, check=True).stdout.decode()
    rows = out.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        assert " yes " in row and "WenQuanYi" in row, row


def test_case_json_attachment_and_qr_hash(application_pdf: bytes, demo_data: ApplicationData) -> None:
    raw = _attachment(application_pdf)
    case = json.loads(raw)
    assert case == json.loads(json.dumps(demo_data.to_json()))
    assert case["applicant"]["id_number"] == demo_data.applicant_id_number
    assert case["documents"][0]["fields"]["name"]["value"] == demo_data.applicant_name
    assert raw == canonical_json(demo_data.to_json())
    # The footer prints the start of the attachment's SHA-256, which is what the QR code carries.
    assert sha256_hex(raw)[:16] in _text(application_pdf)


def test_application_is_a_pdfa3b_candidate(application_pdf: bytes) -> None:
    assert pdfa3b_problems(application_pdf) == []


def test_pdfa_check_catches_plain_reportlab_output() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "plain")
    c.save()
    problems = pdfa3b_problems(buf.getvalue())
    assert any("OutputIntents" in p for p in problems)
    assert any("not embedded" in p or "font descriptor" in p for p in problems)


def test_receipt_masks_the_id_number(demo_data: ApplicationData) -> None:
    pdf = render_receipt(demo_data)
    text = _text(pdf)
    assert "住房公积金业务电子回单" in text
    assert demo_data.applicant_id_number not in text
    assert demo_data.applicant_id_number[:4] + "*" * 10 + demo_data.applicant_id_number[-4:] in text
    assert json.loads(_attachment(pdf))["case_id"] == demo_data.case_id
    assert pdfa3b_problems(pdf) == []


def test_rendered_page_is_not_blank(application_pdf: bytes, tmp_path) -> None:
    from PIL import Image, ImageStat

    src = tmp_path / "app.pdf"
    src.write_bytes(application_pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(src), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    assert ImageStat.Stat(page).stddev[0] > 20  # text, tables and a QR code, not an empty page


def test_bad_page_image_is_a_domain_error(demo_data: ApplicationData) -> None:
    from dataclasses import replace

    from domain.errors import CorruptFile

    with pytest.raises(CorruptFile):
        render_application(replace(demo_data, page_images=(b"not an image",)))


def test_missing_font_fails_with_config_error(demo_data: ApplicationData, tmp_path) -> None:
    from domain.errors import ConfigError

    with pytest.raises(ConfigError, match="font"):
        render_application(demo_data, font_path=tmp_path / "missing.ttc")


def test_qr_code_decodes_to_case_id_and_attachment_hash(application_pdf: bytes, tmp_path) -> None:
    import cv2

    src = tmp_path / "app.pdf"
    src.write_bytes(application_pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(src), str(tmp_path / "q")], check=True)
    payload, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(next(tmp_path.glob("q*.png")))))
    qr = json.loads(payload)
    assert qr["case"] == json.loads(_attachment(application_pdf))["case_id"]
    assert qr["sha256"] == sha256_hex(_attachment(application_pdf))
    assert qr["doc"] == "application"


def _plumbed_text(pdf: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def _contract_case(demo_data: ApplicationData, project_root) -> ApplicationData:
    """The demo case plus a purchase contract with every field the extractor emits, and warnings as extractors
    write them (English field names in them), finalised at 14:53:06 UTC."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from domain.models import ExtractedDocument, Field

    line = (project_root / "samples/contracts/truth.jsonl").read_text(encoding="utf-8").splitlines()[0]
    truth = json.loads(line)["truth"]
    contract = ExtractedDocument(
        "purchase_contract",
        {k: Field(name=k, value=v, confidence=0.95, page=0) for k, v in truth.items()},
        ("contract.pdf",),
        warnings=(
            "purchase_contract: not found: lease_start",
            "buyers[1].id_number: fails the GB 11643 check (check digit); left as read / 公民身份号码校验未通过，请人工核对",
        ),
    )
    return replace(
        demo_data,
        documents=(*demo_data.documents, contract),
        created_at=datetime(2026, 12, 4, 14, 46, 54, tzinfo=UTC),
        finalized_at=datetime(2026, 12, 4, 14, 53, 6, tzinfo=UTC),
    )


def test_application_names_every_field_in_chinese_and_prints_the_funds_time(demo_data, project_root) -> None:
    from domain.fields import DOC_TYPE_LABELS_ZH, FIELD_LABELS_ZH

    data = _contract_case(demo_data, project_root)
    assert set(data.documents[-1].fields) >= {"total_price_in_words", "unit_price", "buyers"}
    for pdf in (render_application(data), render_receipt(data)):
        text = _plumbed_text(pdf)
        assert "2026-12-04 22:53:06 (UTC+08:00)" in text and "2026-12-04 22:46:54 (UTC+08:00)" in text
        assert "UTC+00:00" not in text and "14:53:06" not in text
        # No field or document-type name in English; rule ids (``amounts.unit_price``) are codes, like the case id.
        english = [n for n in [*FIELD_LABELS_ZH, *DOC_TYPE_LABELS_ZH] if re.search(rf"(?<![\w.]){n}(?![\w.\[])", text)]
        assert english == []
    text = _plumbed_text(render_application(data))
    for label in ("总价款（大写）", "单价", "有效期限起始日期", "购房合同", "元/平方米", "买受人证件号码"):
        assert label in text.replace("\n", ""), label
    # Another fund, another zone; an unknown zone fails before rendering.
    from dataclasses import replace

    from domain.errors import InputError

    assert "2026-12-04 14:53:06 (UTC+00:00)" in _plumbed_text(render_receipt(replace(data, time_zone="UTC")))
    with pytest.raises(InputError):
        replace(data, time_zone="Mars/Olympus_Mons")


def test_seal_shows_the_signing_time_in_the_funds_zone() -> None:
    from datetime import UTC, datetime

    from signing.render.seal import render_seal

    when = datetime(2026, 12, 4, 14, 53, 6, tzinfo=UTC)
    seal = render_seal(
        width=170, height=76, title="电子签章", signer="Test", when=when, level="B-B", font_path=DEFAULT_FONT
    )
    assert "2026-12-04 22:53:06 +08:00" in _plumbed_text(seal)


def _photo_images(pdf: bytes) -> list[dict]:
    """Images on the first page shaped like an ID photo (about 26 × 32 mm) at the right of the applicant's details."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0]
        return [
            im
            for im in first.images
            if 0.6 < (im["x1"] - im["x0"]) / (im["bottom"] - im["top"]) < 0.95 and im["x1"] > first.width * 0.75
        ]


def test_the_portrait_fills_the_photo_box_when_the_case_has_one(demo_data: ApplicationData) -> None:
    import dataclasses

    import cv2
    import numpy as np

    portrait = np.full((400, 320, 3), 180, np.uint8)
    cv2.circle(portrait, (160, 150), 80, (90, 90, 90), -1)
    jpeg = cv2.imencode(".jpg", portrait)[1].tobytes()
    with_photo = render_application(dataclasses.replace(demo_data, portrait_jpeg=jpeg))
    (photo,) = _photo_images(with_photo)
    assert photo["srcsize"][0] / photo["srcsize"][1] == pytest.approx(0.8, abs=0.01)
    assert "申请人姓名" in _text(with_photo)
    assert json.loads(_attachment(with_photo))["has_portrait"] is True
    # Without a portrait, the layout is the one before: no photo box.
    assert _photo_images(render_application(demo_data)) == []
