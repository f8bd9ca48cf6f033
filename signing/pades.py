"""PAdES signing with pyHanko at B-B, B-T, B-LT and B-LTA.

``sign`` is pure with respect to its inputs: bytes in, bytes out, nothing kept. Who signs (``keys``), who
timestamps (``tsa``) and which roots the validation data is gathered against (``validation_context``) are passed in.
"""

from __future__ import annotations

import asyncio
import binascii
import contextlib
import io
import logging
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import CorruptFile, EncryptedPdf, ExternalServiceError, InputError, SignerUnavailable

from .spec import Level, SignatureSpec

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer
    from pyhanko.sign.timestamps import TimeStamper
    from pyhanko_certvalidator import ValidationContext

log = logging.getLogger(__name__)

DEFAULT_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def sign(
    pdf: bytes,
    *,
    spec: SignatureSpec,
    signer: Signer,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
    trust_roots: list | None = None,
    font_path: Path = DEFAULT_FONT,
    signer_lock: threading.Lock | None = None,
) -> bytes:
    """Signs ``pdf`` at ``spec.level`` and returns the signed file (the input plus incremental updates).

    B-T and above need ``timestamper``; B-LT and above need ``trust_roots`` (a validation context with fetching is
    built for the call and its HTTP sessions closed after) or a ready ``validation_context``, to gather the OCSP
    responses and CRLs that go into the DSS. ``signer_lock`` serialises use of ``signer``: a pyHanko Signer
    is not safe to sign two documents at once (see ``signing.keys.KeyHandle.lock``).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    level = spec.level
    if level.needs_timestamp and timestamper is None:
        raise SignerUnavailable(f"{level} needs a time-stamping authority; none is configured")
    if level.embeds_validation_info and validation_context is None and not trust_roots:
        raise SignerUnavailable(f"{level} needs a validation context with trust roots; none is configured")

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfReadError, ValueError, KeyError, IndexError) as exc:
        raise CorruptFile(f"not a readable PDF ({exc})", message_zh="不是可读取的 PDF 文件") from exc
    if writer.prev.encrypted:
        raise EncryptedPdf("the PDF is encrypted; decrypt it before signing")

    field_spec = None
    stamp_style = None
    if spec.appearance is not None:
        field_spec, stamp_style = _visible_seal(writer, spec, signer, font_path=font_path)
    reserve = _signature_reserve(signer, timestamped=level.needs_timestamp)

    async def run() -> None:
        from pyhanko_certvalidator import ValidationContext
        from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

        from .http import new_session, with_session

        async with new_session() as session:
            vc = validation_context
            if level.embeds_validation_info and vc is None:
                backend = AIOHttpFetcherBackend(session=session)
                vc = ValidationContext(
                    trust_roots=list(trust_roots or ()), allow_fetching=True, fetcher_backend=backend
                )
            await _sign_with(vc, with_session(timestamper, session) if timestamper is not None else None)

    async def _sign_with(vc, tsa) -> None:
        meta = signers.PdfSignatureMetadata(
            field_name=spec.field_name,
            reason=spec.reason,
            location=spec.location,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            embed_validation_info=level.embeds_validation_info,
            use_pades_lta=level is Level.B_LTA,
            validation_context=vc if level.embeds_validation_info else None,
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            timestamper=tsa if level.needs_timestamp else None,
            stamp_style=stamp_style,
            new_field_spec=field_spec or fields.SigFieldSpec(sig_field_name=spec.field_name),
        )
        await pdf_signer.async_sign_pdf(writer, output=out, bytes_reserved=reserve)

    out = io.BytesIO()
    try:
        with signer_lock or contextlib.nullcontext():
            asyncio.run(run())
    except Exception as exc:
        raise _map_signing_error(exc, level) from exc
    return out.getvalue()


def _visible_seal(writer: Any, spec: SignatureSpec, signer: Signer, *, font_path: Path) -> tuple[Any, Any]:
    from pyhanko.pdf_utils import content, layout
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields
    from pyhanko.stamp import StaticStampStyle

    from .render.seal import render_seal

    app = spec.appearance
    assert app is not None
    pages = int(writer.root["/Pages"]["/Count"])
    page_ix = app.page if app.page >= 0 else pages + app.page
    if not 0 <= page_ix < pages:
        raise InputError(f"seal page {app.page} does not exist (the PDF has {pages})", message_zh="签章页不存在")
    media_box = writer.find_page_for_modification(page_ix)[0].get_object()["/MediaBox"]
    x1 = float(media_box[2]) - app.margin
    y0 = float(media_box[1]) + app.margin
    box = (int(x1 - app.width), int(y0), int(x1), int(y0 + app.height))
    seal_pdf = render_seal(
        width=box[2] - box[0],
        height=box[3] - box[1],
        title=app.title_zh,
        signer=_common_name(signer),
        when=datetime.now(UTC),
        level=str(spec.level),
        font_path=font_path,
        time_zone=app.time_zone,
    )

    class _SealContent(content.PdfContent):
        """Imports page 1 of the seal PDF (held in memory) as the appearance; cf. pyHanko's ImportedPdfPage."""

        def render(self) -> bytes:
            xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(seal_pdf)), page_ix=0)
            name = "/Seal" + binascii.hexlify(uuid.uuid4().bytes).decode("ascii")
            self.resources.xobject[name] = xobj
            x_0, y_0, x_1, y_1 = xobj.get_object()["/BBox"]
            self.box = layout.BoxConstraints(width=abs(x_1 - x_0), height=abs(y_1 - y_0))
            return name.encode("ascii") + b" Do"

    style = StaticStampStyle(background=_SealContent(), border_width=0, background_opacity=1.0)
    return fields.SigFieldSpec(sig_field_name=spec.field_name, on_page=page_ix, box=box), style


def _signature_reserve(signer: Signer, *, timestamped: bool) -> int:
    """Bytes to reserve for the CMS container, generously, instead of pyHanko's size estimate, which is a full
    dry-run signature (half the cost of a B-B signature). The unused tail is zero padding."""
    certs = [signer.signing_cert, *(signer.cert_registry or ())]
    size = 8192 + sum(len(c.dump()) for c in certs if c is not None)
    size += 16384 if timestamped else 0
    return size + size % 2  # pyHanko wants an even count (hex digits come in pairs)


def _common_name(signer: Signer) -> str:
    cert = signer.signing_cert
    if cert is None:
        return ""
    try:
        return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    except Exception:  # an odd subject must not stop signing
        return ""


def _map_signing_error(exc: Exception, level: Level) -> Exception:
    """pyHanko and aiohttp errors → domain errors with a message an operator can act on."""
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps import TimestampRequestError
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    if isinstance(exc, TimestampRequestError):
        return ExternalServiceError(f"time-stamping authority failed for {level}: {exc}", message_zh="时间戳服务不可用")
    if isinstance(exc, PathBuildingError):
        return SignerUnavailable(
            f"the signing certificate does not chain to a trusted root ({exc})",
            message_zh="签名证书无法链接到受信任根证书",
        )
    if isinstance(exc, PathValidationError):
        return SignerUnavailable(
            f"the signing certificate is not valid now (revoked or expired?): {exc}", message_zh="签名证书已吊销或过期"
        )
    if isinstance(exc, SigningError):
        return SignerUnavailable(f"signing failed: {exc}")
    if isinstance(exc, OSError | asyncio.TimeoutError):
        return ExternalServiceError(f"a PKI service could not be reached while signing at {level}: {exc}")
    return exc
