"""Bytes in → pages out, dispatching on the content type."""

from __future__ import annotations

from capture.isolate import Budget, run_isolated
from capture.sniff import IMAGE_KINDS, FileKind, sniff
from config.settings import CaptureSettings
from domain.errors import FileTooLarge, UnsupportedFileType
from domain.models import Page

# Parsed in a child process with hard limits: the formats whose libraries inflate or recurse without bound
# (pdfminer, PDFium, libtiff with its many codecs and frames). Single-frame images are bounded by the pixel
# count in their header, checked before a byte is decoded.
_ISOLATED = frozenset({FileKind.PDF, FileKind.TIFF})


def budget(settings: CaptureSettings) -> Budget:
    return Budget(settings.isolate_memory_mb * 1024 * 1024, settings.isolate_cpu_s, settings.isolate_wall_s)


def load_pages(data: bytes, name: str, settings: CaptureSettings) -> list[Page]:
    """Every page of one file: decoded images (EXIF-upright, not yet localised) or PDF pages.

    Camera frames come back with ``origin="camera"``; PDF pages with a usable text layer with
    ``origin="pdf_text"`` and no OCR needed; other PDF pages rasterised with ``origin="scan"``.
    """
    if len(data) > settings.max_upload_bytes:
        raise FileTooLarge(
            f"{len(data)} bytes is over the limit of {settings.max_upload_bytes} bytes",
            message_zh=f"文件过大（上限 {settings.max_upload_bytes // (1024 * 1024)} MB）",
        )
    kind = sniff(data)
    if kind not in IMAGE_KINDS and kind != FileKind.PDF:
        raise UnsupportedFileType(
            f"a {kind} archive is not one document; submit it as a package",
            message_zh="压缩包不是单个材料，请通过材料包接口提交",
        )
    if settings.isolation == "process" and kind in _ISOLATED:
        return run_isolated(_decode, (data, name, kind, settings), budget(settings), what=f"{kind} file")
    return _decode(data, name, kind, settings)


def _decode(data: bytes, name: str, kind: FileKind, settings: CaptureSettings) -> list[Page]:
    if kind in IMAGE_KINDS:
        from capture.images import decode_image_pages

        return decode_image_pages(data, name, kind, settings)
    if kind == FileKind.PDF:
        from capture.pdf import load_pdf_pages

        return load_pdf_pages(data, name, settings)
    raise UnsupportedFileType(
        f"a {kind} archive is not one document; submit it as a package",
        message_zh="压缩包不是单个材料，请通过材料包接口提交",
    )
