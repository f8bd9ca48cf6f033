"""PDF bytes → pages, deciding per page: a usable text layer is read as it is (pdfplumber, no OCR), a page
without one is rasterised (pypdfium2) for OCR. Limits are checked from the document structure before any page
is parsed or rendered, so a 5,000-page or 20-metre-wide PDF is refused in milliseconds.
"""

from __future__ import annotations

import io
import logging
import threading
import unicodedata
from collections.abc import Sequence

import numpy as np

from capture.pdf_budget import PdfBudget, measure
from config.settings import CaptureSettings
from domain.errors import CorruptFile, DocintelError, EncryptedPdf, PageTooLarge, TooManyPages
from domain.models import Page, TextLine

log = logging.getLogger(__name__)

PT_PER_MM = 72 / 25.4
# PDFium's load errors (fpdfview.h): FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY.
_PDFIUM_ENCRYPTED = {4, 5}
# PDFium is not thread-safe; the API reads uploads in a thread pool.
_PDFIUM_LOCK = threading.RLock()


def pdf_budget(settings: CaptureSettings) -> PdfBudget:
    mb = 1024 * 1024
    return PdfBudget(
        max_objects=settings.pdf_max_objects,
        max_content_bytes=settings.pdf_max_content_mb * mb,
        max_font_bytes=settings.pdf_max_font_mb * mb,
        max_image_bytes=settings.pdf_max_image_mb * mb,
    )


def _corrupt(why: str) -> CorruptFile:
    return CorruptFile(f"the PDF cannot be read: {why}", message_zh="PDF 文件已损坏或不完整，请重新上传")


def _check_complete(data: bytes) -> None:
    # Every complete PDF ends with %%EOF (a few bytes of trailing junk are common); an upload cut short does not.
    if b"%%EOF" not in data[-2048:]:
        raise _corrupt("it is truncated (no %%EOF end marker)")


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in _PDFIUM_ENCRYPTED:
            raise EncryptedPdf(
                "the PDF is encrypted and needs a password to open",
                message_zh="PDF 已加密，需要密码才能打开，请上传未加密的文件",
            ) from None
        raise _corrupt(str(exc)) from None


def check_limits(doc, settings: CaptureSettings) -> list[tuple[float, float]]:
    """Page count and page sizes (points) from the page tree, without loading page content."""
    import pypdfium2 as pdfium

    n = len(doc)
    if n == 0:
        raise _corrupt("it has no pages")
    if n > settings.max_pages:
        raise TooManyPages(
            f"the PDF has {n} pages; at most {settings.max_pages} are accepted",
            message_zh=f"PDF 共 {n} 页，超过上限 {settings.max_pages} 页，请拆分后上传",
        )
    sizes = []
    for i in range(n):
        try:
            w, h = doc.get_page_size(i)
        except pdfium.PdfiumError:
            raise _corrupt(f"page {i + 1} cannot be found in the page tree") from None
        if not (w > 0 and h > 0):
            raise _corrupt(f"page {i + 1} has no size")
        check_page_size(i, w, h, settings)
        sizes.append((float(w), float(h)))
    return sizes


def check_page_size(index: int, w_pt: float, h_pt: float, settings: CaptureSettings) -> None:
    """Sides in PDF units times the page's UserUnit (1/72 inch unless the page says otherwise)."""
    if max(w_pt, h_pt) > settings.max_page_mm * PT_PER_MM:
        w, h = w_pt / PT_PER_MM, h_pt / PT_PER_MM
        raise PageTooLarge(
            f"page {index + 1} is {w:.0f} × {h:.0f} mm; the largest side accepted is {settings.max_page_mm:.0f} mm",
            message_zh=f"第 {index + 1} 页尺寸过大（{w:.0f}×{h:.0f} 毫米），上限 {settings.max_page_mm:.0f} 毫米",
        )


def _meaningful(text: str) -> int:
    """Letters, digits and CJK ideographs: what a real text layer has and a broken font map lacks."""
    return sum(1 for ch in text if ch.isalnum() and unicodedata.category(ch)[0] in "LN")


def words_to_lines(words: Sequence[dict], *, gap_factor: float = 0.8) -> list[TextLine]:
    """pdfplumber words → visual lines: words on one row that nearly touch join; a wide gap starts a new line,
    the way an OCR detector cuts a row at a column gap."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        cy, h = (w["top"] + w["bottom"]) / 2, w["bottom"] - w["top"]
        for row in rows[-3:]:
            ref = row[0]
            rcy, rh = (ref["top"] + ref["bottom"]) / 2, ref["bottom"] - ref["top"]
            if abs(cy - rcy) <= 0.5 * min(h, rh):
                row.append(w)
                break
        else:
            rows.append([w])
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        segment = [row[0]]
        for w in row[1:]:
            prev = segment[-1]
            height = max(prev["bottom"] - prev["top"], w["bottom"] - w["top"], 1.0)
            if w["x0"] - prev["x1"] <= gap_factor * height:
                segment.append(w)
            else:
                lines.append(_line(segment))
                segment = [w]
        lines.append(_line(segment))
    lines.sort(key=lambda ln: (round(ln.bbox[1]), ln.bbox[0]))
    return lines


def _line(words: list[dict]) -> TextLine:
    bbox = (
        float(min(w["x0"] for w in words)),
        float(min(w["top"] for w in words)),
        float(max(w["x1"] for w in words)),
        float(max(w["bottom"] for w in words)),
    )
    return TextLine("".join(w["text"] for w in words), 1.0, bbox)


def _image_cover(page) -> float:
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, (im["x1"] - im["x0"]) * (im["bottom"] - im["top"])) for im in page.images)
    return min(covered / area, 1.0)


def _user_unit(page) -> float:
    from pdfminer.pdftypes import resolve1

    try:
        unit = float(resolve1(page.page_obj.attrs.get("UserUnit", 1.0)))
    except (TypeError, ValueError):
        return 1.0
    return unit if unit > 0 else 1.0


def read_text_layers(data: bytes, n_pages: int, settings: CaptureSettings) -> list[list[TextLine] | None]:
    """Per page: its text lines when the text layer is usable, else None (the page needs OCR)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    result: list[list[TextLine] | None] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i, page in enumerate(pdf.pages[:n_pages]):
                unit = _user_unit(page)
                if unit != 1.0:
                    check_page_size(i, float(page.width) * unit, float(page.height) * unit, settings)
                words = page.extract_words(x_tolerance=1.5, y_tolerance=2.0, keep_blank_chars=False)
                text = "".join(w["text"] for w in words)
                useful = _meaningful(text)
                broken = text.count("(cid:") + text.count("\ufffd")
                cover = _image_cover(page)
                if cover < 0.02:
                    # No picture on the page: its text layer is all there is (even a short or empty one).
                    usable = broken * 10 <= useful
                else:
                    # A scan with a few stamped words (a page footer) still needs OCR; a scan carrying a full
                    # invisible OCR layer does not.
                    usable = (
                        useful >= settings.pdf_min_text_chars
                        and broken * 10 < useful
                        and (cover < 0.5 or useful >= settings.pdf_text_over_image_chars)
                    )
                result.append(words_to_lines(words) if usable else None)
                page.close()
    except (DocintelError, MemoryError, SystemError):
        raise  # out of memory is the reader's budget spent (capture/isolate.py), not a damaged file
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise _corrupt(f"its text layer is malformed ({type(exc).__name__})") from None
    except Exception as exc:
        if "password" in str(exc).lower() or type(exc).__name__ == "PDFPasswordIncorrect":
            raise EncryptedPdf("the PDF is encrypted", message_zh="PDF 已加密，无法读取") from None
        raise _corrupt(f"{type(exc).__name__}") from None
    if len(result) != n_pages:
        # pdfminer and PDFium disagree on the page tree of a damaged file (it happens on fuzzed files): no text
        # layer can be matched to a page then, so every page is rendered and read by OCR.
        log.warning("pdf text layer: %d pages where PDFium finds %d; every page is rasterised", len(result), n_pages)
        return [None] * n_pages
    return result


def raster_scale(w_pt: float, h_pt: float, settings: CaptureSettings) -> float:
    """Pixels per point: the configured DPI, lowered so the image stays within the pixel limits."""
    scale = settings.pdf_raster_dpi / 72
    w, h = w_pt * scale, h_pt * scale
    shrink = min(1.0, (settings.max_pixels / max(w * h, 1.0)) ** 0.5, settings.pdf_max_raster_side_px / max(w, h))
    return scale * shrink


def render_page(doc, index: int, scale: float) -> np.ndarray:
    import pypdfium2 as pdfium

    page = doc[index]
    try:
        bitmap = page.render(scale=scale, grayscale=False)
        return np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])  # pdfium writes BGR(x): OpenCV's order
    except pdfium.PdfiumError as exc:
        raise _corrupt(f"page {index + 1} cannot be rendered ({exc})") from None
    finally:
        page.close()


def load_pdf_pages(data: bytes, name: str, settings: CaptureSettings) -> list[Page]:
    """Every page of a PDF: text-layer pages as ``origin="pdf_text"`` (points, no image), others rasterised as
    ``origin="scan"`` (pixels, BGR image)."""
    _check_complete(data)
    measure(data, pdf_budget(settings))  # before any parser sees a byte
    with _PDFIUM_LOCK:  # held only while PDFium works: the text layer is read by pdfminer, in parallel
        doc = _open(data)
        try:
            sizes = check_limits(doc, settings)
        finally:
            doc.close()
    layers = read_text_layers(data, len(sizes), settings)
    images: dict[int, np.ndarray] = {}
    if any(lines is None for lines in layers):
        with _PDFIUM_LOCK:
            doc = _open(data)
            try:
                for i, lines in enumerate(layers):
                    if lines is None:
                        images[i] = render_page(doc, i, raster_scale(*sizes[i], settings))
            finally:
                doc.close()
    pages: list[Page] = []
    for i, ((w, h), lines) in enumerate(zip(sizes, layers, strict=True)):
        source = f"{name}#{i + 1}"
        if lines is not None:
            pages.append(Page(i, source, w, h, unit="pt", origin="pdf_text", image=None, text_layer=tuple(lines)))
        else:
            ih, iw = images[i].shape[:2]
            image = images[i]
            pages.append(
                Page(i, source, float(iw), float(ih), unit="px", origin="scan", image=image, transforms=("raster",))
            )
    log.info("pdf %s: %d pages, %d from the text layer", name, len(pages), len(pages) - len(images))
    return pages


def render_pdf_page(data: bytes, index: int, scale: float) -> np.ndarray:
    """One page of a PDF as a BGR image at ``scale`` pixels per point (for showing a text-layer page)."""
    with _PDFIUM_LOCK:
        doc = _open(data)
        try:
            return render_page(doc, index, scale)
        finally:
            doc.close()
