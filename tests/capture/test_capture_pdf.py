"""PDF pages: text layer vs scan decided per page, and hostile PDFs refused quickly with a clear error."""

from __future__ import annotations

import io
import random

import pytest

from capture.load import load_pages
from capture.pdf import load_pdf_pages, words_to_lines
from config.settings import CaptureSettings
from domain.errors import CorruptFile, EncryptedPdf, PageTooLarge, TooManyPages
from samples.generator.contract_pdf import Para, Title, images_to_pdf, render_page_images, render_text_pdf, scanned_pdf

SETTINGS = CaptureSettings()


@pytest.fixture(scope="module")
def text_pdf() -> bytes:
    blocks = [
        Title("房屋租赁合同"),
        Para("出租人（甲方）：⟦王芳⟧　证件号码：⟦110105198506151234⟧"),
        Para("月租金：3500元。" * 20),
    ]
    return render_text_pdf(blocks)


def _blank_pages_pdf(n: int, *, width_pt: float = 595, height_pt: float = 842, extra: str = "") -> bytes:
    """A minimal PDF with ``n`` empty pages, written by hand (reportlab would take long for 5,000 pages)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{i + 3} 0 R" for i in range(n))
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_pt} {height_pt}] {extra}>>".encode()
    objs.extend(page for _ in range(n))
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_text_pdf_pages_come_from_the_text_layer(text_pdf: bytes) -> None:
    pages = load_pdf_pages(text_pdf, "c.pdf", SETTINGS)
    assert [p.origin for p in pages] == ["pdf_text"]
    page = pages[0]
    assert page.image is None and page.unit == "pt" and page.source == "c.pdf#1"
    assert page.width == pytest.approx(595.3, abs=0.5) and page.height == pytest.approx(841.9, abs=0.5)
    text = "\n".join(line.text for line in page.text_layer)
    assert "房屋租赁合同" in text and "110105198506151234" in text and "王芳" in text
    for line in page.text_layer:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height


def test_load_pages_dispatches_pdf_content(text_pdf: bytes) -> None:
    assert load_pages(text_pdf, "renamed.jpg", SETTINGS)[0].origin == "pdf_text"


def test_scanned_pdf_pages_are_rasterised_at_the_configured_dpi(text_pdf: bytes) -> None:
    scan = scanned_pdf(text_pdf, random.Random(1), "easy", dpi=150)
    settings = CaptureSettings(pdf_raster_dpi=100)
    pages = load_pdf_pages(scan, "s.pdf", settings)
    assert [p.origin for p in pages] == ["scan"]
    page = pages[0]
    assert page.text_layer is None and page.unit == "px"
    assert page.image.shape == (int(page.height), int(page.width), 3)
    assert page.image.shape[0] == pytest.approx(842 * 100 / 72, abs=3)


def test_raster_size_is_capped_by_the_pixel_limit(text_pdf: bytes) -> None:
    scan = scanned_pdf(text_pdf, random.Random(2), "easy", dpi=150)
    pages = load_pdf_pages(scan, "s.pdf", CaptureSettings(pdf_raster_dpi=300, max_pixels=1_000_000))
    h, w = pages[0].image.shape[:2]
    assert h * w <= 1_000_000 * 1.01


def test_mixed_pdf_is_decided_per_page(text_pdf: bytes) -> None:
    from pypdfium2 import PdfDocument

    scan = images_to_pdf(render_page_images(text_pdf, dpi=100), dpi=100)
    mixed = PdfDocument.new()
    for src in (text_pdf, scan, text_pdf):
        mixed.import_pages(PdfDocument(src))
    buf = io.BytesIO()
    mixed.save(buf)
    pages = load_pdf_pages(buf.getvalue(), "m.pdf", SETTINGS)
    assert [p.origin for p in pages] == ["pdf_text", "scan", "pdf_text"]
    assert [p.source for p in pages] == ["m.pdf#1", "m.pdf#2", "m.pdf#3"]


def test_encrypted_pdf_is_refused() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("user-secret", "owner-secret"))
    c.drawString(72, 720, "contract")
    c.save()
    with pytest.raises(EncryptedPdf) as err:
        load_pdf_pages(buf.getvalue(), "enc.pdf", SETTINGS)
    assert "password" in err.value.message and "加密" in err.value.message_zh


def test_five_thousand_pages_are_refused_before_reading_them() -> None:
    data = _blank_pages_pdf(5000)
    with pytest.raises(TooManyPages) as err:
        load_pdf_pages(data, "big.pdf", SETTINGS)
    assert "5000" in err.value.message and str(SETTINGS.max_pages) in err.value.message


def test_page_count_limit_is_configurable() -> None:
    data = _blank_pages_pdf(3)
    assert len(load_pdf_pages(data, "three.pdf", CaptureSettings(max_pages=3))) == 3
    with pytest.raises(TooManyPages):
        load_pdf_pages(data, "three.pdf", CaptureSettings(max_pages=2))


def test_twenty_metre_wide_page_is_refused() -> None:
    data = _blank_pages_pdf(1, width_pt=20000 * 72 / 25.4)
    with pytest.raises(PageTooLarge) as err:
        load_pdf_pages(data, "wide.pdf", SETTINGS)
    assert "20000" in err.value.message


def test_page_enlarged_by_its_user_unit_is_refused() -> None:
    data = _blank_pages_pdf(1, extra="/UserUnit 100 ")  # an A4 box in units of 100/72 inch: 21 × 29.7 m
    with pytest.raises(PageTooLarge):
        load_pdf_pages(data, "unit.pdf", SETTINGS)


def test_page_tree_loop_is_refused() -> None:
    data = _blank_pages_pdf(1).replace(b"/Kids [3 0 R]", b"/Kids [2 0 R 3 0 R]").replace(b"/Count 1", b"/Count 2")
    with pytest.raises(CorruptFile):
        load_pdf_pages(data, "loop.pdf", SETTINGS)


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_refused(text_pdf: bytes, cut: float) -> None:
    with pytest.raises(CorruptFile):
        load_pdf_pages(text_pdf[: int(len(text_pdf) * cut)], "cut.pdf", SETTINGS)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ],
    ids=["garbage", "dangling-page-tree"],
)
def test_malformed_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(CorruptFile):
        load_pdf_pages(data, "bad.pdf", SETTINGS)


def test_words_join_into_lines_and_split_at_column_gaps() -> None:
    words = [
        {"text": "出卖人：", "x0": 70, "x1": 112, "top": 100, "bottom": 111},
        {"text": "某某置业有限公司", "x0": 113, "x1": 197, "top": 98, "bottom": 110},
        {"text": "买受人：", "x0": 300, "x1": 342, "top": 100, "bottom": 111},
        {"text": "第二行", "x0": 70, "x1": 101, "top": 125, "bottom": 136},
    ]
    lines = words_to_lines(words)
    assert [ln.text for ln in lines] == ["出卖人：某某置业有限公司", "买受人：", "第二行"]
    assert lines[0].bbox == (70, 98, 197, 111) and lines[0].confidence == 1.0
