"""The applicant's handwritten signature from the counter's signature pad (电子签名).

The pad (the console's canvas, or counter software with a hardware pad) sends a PNG. It is checked (a PNG, of a
sensible size, with ink on it), stored in the blob store before the row that names it, and audited. Signing again
adds a row; the latest is in effect and earlier ones stay on record. Finalize draws the latest into the application.
"""

from __future__ import annotations

import io
from typing import Any

from domain.errors import CorruptFile, FileTooLarge, InputError, UnsupportedFileType
from pipeline.cases.records import CASE_READERS, CASE_WRITERS, ensure_open
from pipeline.keys import Principal
from pipeline.services import CaseServices, audit
from storage.models import CaseSignature
from storage.repositories import ensure_blob_row, get_case, get_case_for_update, latest_signature

MAX_SIDE_PX = 4000
MIN_INK_PIXELS = 40  # a few strokes; an empty or near-empty pad is refused
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SignatureRequired(InputError):
    code = "signature_required"
    http_status = 409
    default_zh = "该业务须由申请人签名后才能办结"


def _ink(data: bytes) -> tuple[int, int, int]:
    """(width, height, dark pixels) of a PNG drawn on white or on transparency."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "PNG":
                raise UnsupportedFileType("a signature is a PNG image", message_zh="签名应为 PNG 图像")
            w, h = img.size
            if w > MAX_SIDE_PX or h > MAX_SIDE_PX or w < 20 or h < 10:
                raise InputError(
                    f"a signature image is 20x10 to {MAX_SIDE_PX}x{MAX_SIDE_PX} pixels; this one is {w}x{h}",
                    message_zh="签名图像尺寸不合适",
                )
            img.load()
            rgba = img.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CorruptFile(f"the signature PNG cannot be decoded ({exc})", message_zh="签名图像无法解码") from exc
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    gray = Image.alpha_composite(white, rgba).convert("L")
    dark = sum(gray.histogram()[:160])
    return w, h, dark


def store_signature(
    svc: CaseServices, *, principal: Principal, case_id: str, png: bytes, max_bytes: int
) -> dict[str, Any]:
    """Keeps the applicant's signature with the case; answers what the case page shows of it."""
    principal.require(*CASE_WRITERS)
    if len(png) > max_bytes:
        raise FileTooLarge(f"a signature PNG is at most {max_bytes} bytes", message_zh="签名图像过大")
    if not png.startswith(_PNG_MAGIC):
        raise UnsupportedFileType("a signature is a PNG image", message_zh="签名应为 PNG 图像")
    w, h, dark = _ink(png)
    if dark < MIN_INK_PIXELS:
        raise InputError("the signature pad is empty: sign, then accept", message_zh="签名板为空，请签名后再确认")
    with svc.db.session() as s:
        ensure_open(get_case(s, case_id, branch=principal.branch))
    sha = svc.blobs.put(png)  # durable before the row names it
    with svc.db.session() as s:
        case = get_case_for_update(s, case_id, branch=principal.branch)
        ensure_open(case)
        ensure_blob_row(s, sha256=sha, size=len(png), content_type="image/png")
        row = CaseSignature(case_id=case.id, blob_sha256=sha, width=w, height=h, created_by=principal.key_id)
        s.add(row)
        s.flush()
        audit(s, principal, "signature.store", "case", case.id, sha256=sha)
        return signature_view(row)


def signature_view(row: CaseSignature | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"sha256": row.blob_sha256, "width": row.width, "height": row.height, "at": row.created_at.isoformat()}


def signature_png(svc: CaseServices, *, principal: Principal, case_id: str) -> bytes | None:
    """The signature in effect, or None. Audited: a signature is personal data."""
    principal.require(*CASE_READERS)
    with svc.db.session() as s:
        case = get_case(s, case_id, branch=principal.branch)
        row = latest_signature(s, case.id)
        if row is None:
            return None
        audit(s, principal, "signature.read", "case", case.id, sha256=row.blob_sha256)
        return svc.blobs.get(row.blob_sha256)


def case_signature_bytes(svc: CaseServices, session, case_id: str) -> bytes | None:  # type: ignore[no-untyped-def]
    """For finalize, inside its transaction: the PNG in effect, or None."""
    row = latest_signature(session, case_id)
    return None if row is None else svc.blobs.get(row.blob_sha256)
