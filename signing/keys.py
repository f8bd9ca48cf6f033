"""Who signs: key providers built from settings — the TEST-ONLY dev PKI, a PKCS#12 file, or a PKCS#11 token (HSM).

``build_key`` checks everything it can at start-up, so a misconfigured signer stops the service with a clear
message instead of failing on the first request: the key opens, the certificate is in date, a test signature made
with the key verifies against the certificate (key and certificate belong together), and, for real keys, the
certificate chains to a configured trust root. Passphrases and PINs are read from settings or files and never logged.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.settings import SigningSettings
from domain.errors import ConfigError, SignerUnavailable

if TYPE_CHECKING:
    from asn1crypto import x509
    from pyhanko.sign.signers import Signer

log = logging.getLogger(__name__)

_SELF_TEST_DATA = b"docintel signer start-up self-test"


@dataclass(frozen=True, eq=False)
class KeyHandle:
    backend: str  # "dev" | "pkcs12" | "pkcs11"
    signer: Signer = field(repr=False)
    # One signing at a time per key: pyHanko installs the signature-timestamp provider on the Signer object for
    # the length of a signing (its PdfSigner is stateful), so two counters finalising at once could get a
    # signature without its certificate; PKCS#11 sessions are not thread-safe either.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    test_only: bool = False

    @property
    def certificate(self) -> x509.Certificate:
        return self.signer.signing_cert

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly


def build_key(settings: SigningSettings, *, env: str, trust_roots: tuple[x509.Certificate, ...] = ()) -> KeyHandle:
    """Builds and checks the configured key. Raises ``ConfigError``/``SignerUnavailable`` with what to fix."""
    if settings.backend == "dev":
        if env == "prod":
            raise ConfigError(
                "signing.backend=dev uses the TEST-ONLY dev PKI, refused with DOCINTEL_ENV=prod; "
                "configure a PKCS#12 file or a PKCS#11 token",
                message_zh="生产环境不允许使用开发测试证书",
            )
        from .devpki.pki import load_dev_pki

        handle = KeyHandle("dev", load_dev_pki(settings.dev_pki_dir).signer(settings.dev_signer), test_only=True)
    elif settings.backend == "pkcs12":
        handle = KeyHandle("pkcs12", _pkcs12_signer(settings))
    elif settings.backend == "pkcs11":
        handle = KeyHandle("pkcs11", _pkcs11_signer(settings))
    else:  # pragma: no cover - pydantic's Literal already refuses others
        raise ConfigError(f"unknown signing backend {settings.backend!r}")
    assert_viable(handle, trust_roots=trust_roots, check_dates=not handle.test_only)
    log.info("signer ready: backend=%s subject=%s", handle.backend, handle.subject)
    return handle


def assert_viable(
    handle: KeyHandle, *, trust_roots: tuple[x509.Certificate, ...] = (), check_dates: bool = True
) -> None:
    cert = handle.certificate
    if cert is None:
        raise SignerUnavailable(f"{handle.backend}: no signing certificate found", message_zh="未找到签名证书")
    now = datetime.now(UTC)
    if check_dates and not (cert.not_valid_before <= now <= cert.not_valid_after):
        raise SignerUnavailable(
            f"{handle.backend}: signing certificate {cert.subject.human_friendly} is valid only from "
            f"{cert.not_valid_before:%Y-%m-%d} to {cert.not_valid_after:%Y-%m-%d}",
            message_zh="签名证书不在有效期内",
        )
    _self_test(handle)
    if trust_roots and not handle.test_only:
        _check_chain(handle, trust_roots)


def _self_test(handle: KeyHandle) -> None:
    """One raw signature with the key, verified with the certificate's public key."""
    import asyncio

    from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

    signer = handle.signer
    try:
        with handle.lock:
            sig = asyncio.run(signer.async_sign_raw(_SELF_TEST_DATA, "sha256"))
        mech = signer.get_signature_mechanism_for_digest("sha256")
        DefaultSignatureValidator().validate_signature(sig, _SELF_TEST_DATA, handle.certificate.public_key, mech)
    except Exception as exc:
        raise SignerUnavailable(
            f"{handle.backend}: the key cannot make a signature that verifies with the certificate "
            f"({type(exc).__name__}: {exc}); do the key and certificate belong together?",
            message_zh="签名私钥与证书不匹配或无法签名",
        ) from exc


def _check_chain(handle: KeyHandle, trust_roots: tuple[x509.Certificate, ...]) -> None:
    import asyncio

    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError

    intermediates = [c for c in (handle.signer.cert_registry or ()) if c != handle.certificate]
    # Path only: revocation is checked when signing at B-LT and above, and the CA may be unreachable right now.
    vc = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
    try:
        asyncio.run(CertificateValidator(handle.certificate, intermediates, vc).async_validate_usage(set()))
    except PathBuildingError as exc:
        raise SignerUnavailable(
            f"{handle.backend}: signing certificate does not chain to any configured trust root "
            f"(signing.trust_roots); add the issuing CA's root ({exc})",
            message_zh="签名证书无法链接到配置的受信任根证书",
        ) from exc
    except Exception as exc:
        raise SignerUnavailable(f"{handle.backend}: signing certificate path is not valid: {exc}") from exc


def _secret(value: str | None, path: Path | None, what: str) -> str | None:
    if value:
        return value
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").splitlines()[0].strip() if path.stat().st_size else ""
    except OSError as exc:
        raise ConfigError(
            f"{what} file {path} cannot be read ({exc.strerror})", message_zh="密码文件无法读取"
        ) from None


def _pkcs12_signer(settings: SigningSettings) -> Signer:
    from pyhanko.sign.signers import SimpleSigner

    from .inmemory import LoadedKeySigner

    path = settings.pkcs12_path
    if path is None:
        raise ConfigError("signing.backend=pkcs12 needs signing.pkcs12_path", message_zh="未配置 PKCS#12 文件")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"PKCS#12 file {path} cannot be read ({exc.strerror})", message_zh="PKCS#12 文件无法读取"
        ) from None
    passphrase = _secret(settings.pkcs12_passphrase, settings.pkcs12_passphrase_file, "PKCS#12 passphrase")
    extra = load_certificates(settings.extra_cert_paths)
    try:
        loaded = SimpleSigner.load_pkcs12_data(data, extra, passphrase=passphrase.encode() if passphrase else None)
    except ValueError:
        # The cause is cryptography's message, which says nothing about the passphrase itself.
        raise SignerUnavailable(
            f"PKCS#12 file {path} cannot be opened: wrong passphrase, or not a PKCS#12 key store",
            message_zh="PKCS#12 文件无法打开（口令错误或格式不符）",
        ) from None
    return LoadedKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )


def _pkcs11_signer(settings: SigningSettings) -> Signer:
    from pkcs11.exceptions import UserAlreadyLoggedIn
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    module = settings.pkcs11_module
    if module is None or not Path(module).is_file():
        raise ConfigError(
            f"signing.pkcs11_module {module} is not a file (the HSM vendor's PKCS#11 library, e.g. "
            "/usr/lib/softhsm/libsofthsm2.so)",
            message_zh="未找到 PKCS#11 模块",
        )
    if not settings.pkcs11_token_label:
        raise ConfigError("signing.backend=pkcs11 needs signing.pkcs11_token_label", message_zh="未配置令牌标签")
    if not (settings.pkcs11_key_label or settings.pkcs11_cert_label):
        raise ConfigError("signing.backend=pkcs11 needs signing.pkcs11_key_label", message_zh="未配置私钥标签")
    pin = _secret(settings.pkcs11_pin, settings.pkcs11_pin_file, "PKCS#11 PIN")
    criteria = TokenCriteria(label=settings.pkcs11_token_label)
    try:
        try:
            session = open_pkcs11_session(str(module), token_criteria=criteria, user_pin=pin)
        except UserAlreadyLoggedIn:
            # PKCS#11 logs in per application, not per session: a signer rebuilt in the same process
            # (a configuration reload) finds the token already unlocked.
            session = open_pkcs11_session(str(module), token_criteria=criteria, user_pin=None)
    except Exception as exc:
        # python-pkcs11 errors name the failing call (PinIncorrect, TokenNotPresent, ...), never the PIN.
        raise SignerUnavailable(
            f"PKCS#11 token {settings.pkcs11_token_label!r} cannot be opened with {module}: {type(exc).__name__} {exc}",
            message_zh="无法打开 PKCS#11 令牌（检查令牌标签与 PIN）",
        ) from exc
    cert = load_certificates([settings.pkcs11_cert_path])[0] if settings.pkcs11_cert_path else None
    kwargs: dict[str, Any] = {
        "key_label": settings.pkcs11_key_label or settings.pkcs11_cert_label,
        "cert_label": None if cert is not None else (settings.pkcs11_cert_label or settings.pkcs11_key_label),
        "signing_cert": cert,
        "ca_chain": load_certificates(settings.extra_cert_paths),
    }
    try:
        signer = PKCS11Signer(session, **kwargs)
        signer.signing_cert  # noqa: B018 - fetched lazily: make a missing certificate fail here, not on a request
    except Exception as exc:
        raise SignerUnavailable(
            f"PKCS#11 token {settings.pkcs11_token_label!r}: key/certificate {kwargs['key_label']!r} not usable: "
            f"{type(exc).__name__} {exc}",
            message_zh="PKCS#11 令牌中未找到可用的私钥或证书",
        ) from exc
    return signer


def load_certificates(paths: list[Path | None]) -> list[x509.Certificate]:
    """Certificates from PEM (one or many per file) or DER files."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    certs: list[x509.Certificate] = []
    for path in paths:
        if path is None:
            continue
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ConfigError(f"certificate file {path} cannot be read ({exc.strerror})") from None
        try:
            if pem.detect(data):
                certs += [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
            else:
                certs.append(asn1_x509.Certificate.load(data))
            for c in certs:
                c.native  # noqa: B018 - parse now, so a broken file fails at start-up
        except Exception as exc:
            raise ConfigError(f"{path} is not an X.509 certificate in PEM or DER ({exc})") from None
    return certs
