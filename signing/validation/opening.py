"""Opening a PDF for validation: pyHanko's lenient reader, tolerant of a null /Encrypt, and unlocked with the
empty user password when only an owner password is set (as every PDF viewer opens such a file)."""

from __future__ import annotations

import io
import logging
import zlib

from pyhanko.pdf_utils.misc import PdfError

from domain.errors import EncryptedPdf

log = logging.getLogger(__name__)

# What pyHanko's reader raises on a malformed file (it has no single exception type for it).
READ_ERRORS: tuple[type[BaseException], ...] = (
    PdfError,
    ValueError,  # PdfReadError is a ValueError
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
    EOFError,
    OverflowError,
    NotImplementedError,
    UnicodeDecodeError,
    LookupError,
    zlib.error,
)


def _reader_class():
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    class _Reader(PdfFileReader):
        @property
        def encrypt_dict(self):
            # ISO 32000-2 7.3.9: a key whose value is null is the same as an absent key. pyHanko refuses
            # ``/Encrypt null`` ("must be a dictionary"); such a file is simply not encrypted.
            try:
                value = self.trailer.raw_get("/Encrypt")
            except KeyError:
                return None
            if isinstance(value, generic.IndirectObject):
                value = self.get_object(value.reference, never_decrypt=True)
            if isinstance(value, generic.NullObject) or value is None:
                return None
            return super().encrypt_dict

    return _Reader


def open_reader(pdf: bytes):
    """pyHanko's reader over ``pdf``; raises what the reader raises when the structure cannot be parsed."""
    return _reader_class()(io.BytesIO(pdf), strict=False)


def unlock(reader) -> str | None:
    """Opens an encrypted ``reader`` the way a viewer would (empty user password) and returns a note saying
    so; returns None for a file that is not encrypted. Raises ``EncryptedPdf`` with the precise reason when the
    file cannot be opened without a secret."""
    from pyhanko.pdf_utils.crypt import AuthStatus, PubKeySecurityHandler, StandardSecurityHandler

    try:
        handler = reader.security_handler
    except READ_ERRORS as exc:
        raise EncryptedPdf(
            f"the PDF's encryption dictionary is malformed ({exc}); its signatures cannot be checked",
            message_zh="PDF 加密字典损坏，无法校验签章",
        ) from exc
    if handler is None:
        return None
    if isinstance(handler, PubKeySecurityHandler):
        raise EncryptedPdf(
            "the PDF is encrypted for named recipients (public-key security handler); "
            "it cannot be opened without a recipient's private key",
            message_zh="PDF 已按接收人证书加密，无法打开校验",
        )
    if not isinstance(handler, StandardSecurityHandler):
        raise EncryptedPdf(
            f"the PDF uses an unsupported security handler ({type(handler).__name__})",
            message_zh="PDF 使用了不支持的加密方式",
        )
    try:
        result = reader.decrypt(b"")
    except READ_ERRORS as exc:
        raise EncryptedPdf(
            f"the PDF's encryption cannot be opened ({exc})", message_zh="PDF 加密无法解开，无法校验签章"
        ) from exc
    if result.status == AuthStatus.FAILED:
        raise EncryptedPdf(
            "the PDF needs a password to open (a user password is set); its signatures cannot be checked",
            message_zh="PDF 需要打开密码，无法校验签章",
        )
    return "the PDF is encrypted with an owner password only; it was opened with the empty user password"
