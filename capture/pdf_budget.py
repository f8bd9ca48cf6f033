"""What a PDF inflates to, measured from its raw bytes before any PDF library parses it.

A 1.4 MB PDF can carry 300 MB of Flate-compressed content stream; pdfminer turns every operand into a Python
object and needs ~50 bytes of memory per byte of content. So every ``stream … endstream`` body whose
dictionary names FlateDecode is inflated here in bounded chunks (nothing is kept, only counted), and the
totals are held against budgets by kind: page content and other streams (what the parsers turn into
objects), fonts, and images (decoded by PDFium into one bitmap, bounded by its size). Objects are counted
too (``N G obj`` headers plus the ``/N`` of object streams).

This scan reads no PDF structure a library could misread: it is a byte-level guard in front of the parsers,
and the child process with hard limits (capture/isolate.py) is the one that holds whatever it misses (other
filters, streams it cannot frame).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from domain.errors import TooComplex

_MB = 1024 * 1024
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_N = re.compile(rb"/N\s+(\d{1,9})\b")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_FONT = re.compile(rb"/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)\b")
_DICT_LOOKBACK = 4096
_CHUNK = 1 << 16
_OUT_STEP = 1 << 20


@dataclass(frozen=True)
class PdfBudget:
    max_objects: int
    max_content_bytes: int  # page content, forms, object streams, anything not a font or an image
    max_font_bytes: int
    max_image_bytes: int


@dataclass(frozen=True)
class StreamTotals:
    objects: int
    content_bytes: int
    font_bytes: int
    image_bytes: int


def _inflated_size(data: bytes, start: int, end: int, cap: int) -> int:
    """Bytes the zlib stream at ``data[start:end]`` inflates to, counting at most ``cap`` + one step."""
    d = zlib.decompressobj()
    total = 0
    pos = start
    try:
        while pos < end and not d.eof:
            total += len(d.decompress(data[pos : min(pos + _CHUNK, end)], _OUT_STEP))
            pos += _CHUNK
            while d.unconsumed_tail and not d.eof and total <= cap:
                out = len(d.decompress(d.unconsumed_tail, _OUT_STEP))
                if not out:
                    break
                total += out
            if total > cap:
                break
    except zlib.error:
        pass  # not (only) Flate, or damaged: the parsers will judge it; what was inflated still counts
    return total


def _object_count(data: bytes) -> int:
    count = len(_OBJ.findall(data))
    for m in _OBJSTM.finditer(data):
        # The object stream's /N sits in the same dictionary, before or after /Type.
        window = data[max(0, m.start() - 512) : m.end() + 512]
        n = _N.search(window)
        count += int(n.group(1)) if n else 0
    return count


def _too_complex(what: str, value: int, limit: int) -> TooComplex:
    return TooComplex(
        f"the PDF holds {what} of {value // _MB} MB inflated, over the limit of {limit // _MB} MB",
        message_zh=f"PDF 内容解压后过大（{what}，上限 {limit // _MB} MB），疑似压缩炸弹",
        reason="pdf_inflated_size",
    )


def measure(data: bytes, budget: PdfBudget) -> StreamTotals:
    """Totals of the file, raising TooComplex as soon as one goes over its budget."""
    objects = _object_count(data)
    if objects > budget.max_objects:
        raise TooComplex(
            f"the PDF holds {objects} objects, over the limit of {budget.max_objects}",
            message_zh=f"PDF 对象过多（{objects} 个，上限 {budget.max_objects} 个）",
            reason="pdf_objects",
        )
    content = font = image = 0
    pos = 0
    while (m := _STREAM.search(data, pos)) is not None:
        start = m.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        pos = end + len(b"endstream")
        head = data[max(0, m.start() - _DICT_LOOKBACK) : m.start()]
        head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        if not _FLATE.search(head):
            continue
        if _IMAGE.search(head):
            image += _inflated_size(data, start, end, budget.max_image_bytes - image)
            if image > budget.max_image_bytes:
                raise _too_complex("images", image, budget.max_image_bytes)
        elif _FONT.search(head):
            font += _inflated_size(data, start, end, budget.max_font_bytes - font)
            if font > budget.max_font_bytes:
                raise _too_complex("fonts", font, budget.max_font_bytes)
        else:
            content += _inflated_size(data, start, end, budget.max_content_bytes - content)
            if content > budget.max_content_bytes:
                raise _too_complex("page content", content, budget.max_content_bytes)
    return StreamTotals(objects, content, font, image)
