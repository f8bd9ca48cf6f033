"""File types by content, never by name: a PDF renamed to .jpg is a PDF."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import EmptyFile, UnsupportedFileType


class FileKind(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    BMP = "bmp"
    WEBP = "webp"
    PDF = "pdf"
    ZIP = "zip"


_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"}

IMAGE_KINDS = frozenset({FileKind.JPEG, FileKind.PNG, FileKind.TIFF, FileKind.BMP, FileKind.WEBP})


def sniff(data: bytes) -> FileKind:
    if not data:
        raise EmptyFile("the file is empty (0 bytes)", message_zh="文件为空（0 字节）")
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return FileKind.TIFF
    if head.startswith(b"BM"):
        return FileKind.BMP
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileKind.WEBP
    # PDF readers accept a header within the first 1024 bytes; so do we.
    if b"%PDF-" in data[:1024]:
        return FileKind.PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return FileKind.ZIP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        # Phones save HEIC by default; say what to do rather than "unsupported".
        raise UnsupportedFileType(
            "HEIC/HEIF photos are not supported: export the photo as JPEG",
            message_zh="不支持 HEIC/HEIF 格式照片，请导出为 JPEG 后上传",
        )
    raise UnsupportedFileType(
        "not a supported file: expected JPEG, PNG, TIFF, BMP, WebP or PDF content",
        message_zh="不支持的文件类型：仅支持 JPEG、PNG、TIFF、BMP、WebP 图像或 PDF",
    )
