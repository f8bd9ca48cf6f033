"""The facade the pipeline, API and CLI use: build a signer once at start-up, then sign and verify bytes.

With no configuration everything runs on the TEST-ONLY dev PKI: its keys are generated on first use under
``settings.signing.dev_pki_dir`` and its TSA, OCSP responder and CRLs are served on loopback by this process
(or reused, if another docintel process already serves them), so signing and verifying work on a fresh clone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from config.settings import SigningSettings

from .keys import KeyHandle, build_key, load_certificates
from .spec import Level, SealAppearance, SignatureSpec
from .validation import TrustConfig, VerificationReport, verify

if TYPE_CHECKING:
    from asn1crypto import x509
    from pyhanko.sign.timestamps import TimeStamper

    from .devpki.server import DevPkiServer

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class DocumentSigner:
    """Everything needed to sign at any level, checked at start-up."""

    key: KeyHandle
    timestamper: TimeStamper | None = field(repr=False)
    trust_roots: tuple[x509.Certificate, ...] = field(repr=False)
    default_level: Level
    settings: SigningSettings = field(repr=False)
    dev_services: DevPkiServer | None = field(default=None, repr=False)

    @property
    def test_only(self) -> bool:
        return self.key.test_only


def build_signer(settings: SigningSettings, *, env: str) -> DocumentSigner:
    """Builds the configured signer and checks it (key, certificate, chain, TSA URL). Call once at start-up."""
    from .tsa import build_timestamper

    roots = tuple(load_certificates(list(settings.trust_roots)))
    dev_services = None
    tsa_url = settings.tsa_url
    if settings.backend == "dev":
        from .devpki.pki import load_dev_pki
        from .devpki.server import ensure_dev_services

        key = build_key(settings, env=env, trust_roots=roots)
        pki = load_dev_pki(settings.dev_pki_dir)
        roots = (*roots, pki.root_cert)
        if tsa_url is None:
            dev_services = ensure_dev_services(pki)
            tsa_url = pki.tsa_url
        log.warning("signing with the DEV TEST ONLY PKI (%s); not for production", pki.directory)
    else:
        key = build_key(settings, env=env, trust_roots=roots)
        if not roots:
            from domain.errors import ConfigError

            raise ConfigError(
                "signing.trust_roots is empty: B-LT/B-LTA signing and verification need the CA roots "
                "(of the signing certificate and of the TSA)",
                message_zh="未配置受信任根证书",
            )
    timestamper = build_timestamper(tsa_url, timeout_s=settings.tsa_timeout_s) if tsa_url else None
    level = Level.parse(settings.default_level)
    if level.needs_timestamp and timestamper is None:
        from domain.errors import ConfigError

        raise ConfigError(f"default level {level} needs signing.tsa_url", message_zh="未配置时间戳服务地址")
    return DocumentSigner(
        key=key,
        timestamper=timestamper,
        trust_roots=roots,
        default_level=level,
        settings=settings,
        dev_services=dev_services,
    )


def sign_pdf(
    pdf: bytes,
    *,
    signer: DocumentSigner,
    level: Level | str | None = None,
    field_name: str = "Seal1",
    visible: bool = True,
) -> bytes:
    from .pades import sign

    lv = Level.parse(level) if level is not None else signer.default_level
    if lv.needs_timestamp and signer.timestamper is None:
        from domain.errors import SignerUnavailable

        raise SignerUnavailable(f"{lv} needs a TSA; signing.tsa_url is not set", message_zh="未配置时间戳服务")
    title = "电子签章（测试）" if signer.test_only else "电子签章"
    spec = SignatureSpec(
        level=lv,
        field_name=field_name,
        reason=signer.settings.reason,
        location=signer.settings.location,
        appearance=SealAppearance(title_zh=title, time_zone=signer.settings.time_zone) if visible else None,
    )
    return sign(
        pdf,
        spec=spec,
        signer=signer.key.signer,
        timestamper=signer.timestamper,
        trust_roots=list(signer.trust_roots),
        font_path=signer.settings.font_path,
        signer_lock=signer.key.lock,
    )


def build_trust(settings: SigningSettings, *, env: str, allow_fetching: bool | None = None) -> TrustConfig:
    roots = list(load_certificates(list(settings.trust_roots)))
    use_dev = settings.trust_dev_pki
    if use_dev is None:
        use_dev = settings.backend == "dev" and env != "prod"
    if use_dev:
        from .devpki.pki import load_dev_pki

        roots.append(load_dev_pki(settings.dev_pki_dir).root_cert)
    return TrustConfig(
        roots=tuple(roots),
        allow_fetching=settings.verify_allow_fetching if allow_fetching is None else allow_fetching,
        dev_pki=bool(use_dev),
    )


def verify_pdf(
    pdf: bytes, *, settings: SigningSettings, env: str, allow_fetching: bool | None = None
) -> VerificationReport:
    """Validates every signature in ``pdf`` against the configured roots (and the dev root in dev)."""
    trust = build_trust(settings, env=env, allow_fetching=allow_fetching)
    if trust.dev_pki and trust.allow_fetching:
        # Dev files of level B-B/B-T carry no revocation data: serve the dev OCSP/CRL so they can be checked.
        from domain.errors import SignerUnavailable

        from .devpki.pki import load_dev_pki
        from .devpki.server import ensure_dev_services

        try:
            ensure_dev_services(load_dev_pki(settings.dev_pki_dir))
        except SignerUnavailable as exc:  # files signed by others must still be checked
            log.warning("dev PKI services not started: %s", exc.message)
    return verify(pdf, trust=trust)
