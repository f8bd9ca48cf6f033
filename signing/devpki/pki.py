"""The dev / test PKI: a root, an intermediate, an OCSP responder, a TSA and three signers. TEST ONLY.

Keys are generated at first run under ``settings.signing.dev_pki_dir`` (never committed: a committed private key
would be trusted by whoever copies it), and the loopback port the services answer on is chosen then and kept,
because the OCSP and CRL URLs inside the certificates name it. Certificates themselves are rebuilt by certomancer
on each load from the fixed YAML; RSA PKCS#1 v1.5 signatures are deterministic, so they come out byte-identical.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from domain.errors import ConfigError

if TYPE_CHECKING:
    from asn1crypto import x509
    from certomancer.registry import PKIArchitecture
    from pyhanko.sign.signers import SimpleSigner

CONFIG_FILE = Path(__file__).with_name("devpki.yaml")
ARCH = "docintel-dev"
KEY_LABELS = ("root", "interm", "ocsp", "tsa", "signer", "signer-revoked", "signer-expired")
SIGNER_LABELS = ("signer", "signer-revoked", "signer-expired")
TSA_LABEL = "tsa"
STATE_FILE = "devpki.json"
TEST_ONLY_MARK = "DEV TEST ONLY"
_RSA_BITS = 2048

_lock = threading.Lock()
_cache: dict[Path, DevPki] = {}


@dataclass(frozen=True, eq=False)
class DevPki:
    """A loaded dev PKI: the certomancer architecture plus the loopback port its services answer on."""

    directory: Path
    port: int
    arch: PKIArchitecture = field(repr=False)

    @property
    def url_prefix(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.url_prefix}/{ARCH}/tsa/{TSA_LABEL}"

    @property
    def root_cert(self) -> x509.Certificate:
        return self.cert("root")

    @property
    def root_pem_path(self) -> Path:
        return self.directory / "root.cert.pem"

    def cert(self, label: str) -> x509.Certificate:
        return _parsed_cert(self.arch, label)

    def chain(self, label: str) -> list[x509.Certificate]:
        """The issuers of ``label`` up to and including the root."""
        from certomancer.registry import CertLabel

        return [_parsed_cert(self.arch, str(c)) for c in self.arch.get_chain(CertLabel(label))]

    def signer(self, label: str = "signer") -> SimpleSigner:
        from certomancer.registry import KeyLabel
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        from signing.inmemory import LoadedKeySigner

        if label not in SIGNER_LABELS:
            raise ConfigError(f"unknown dev signer {label!r}; one of {', '.join(SIGNER_LABELS)}")
        key = self.arch.key_set.get_private_key(KeyLabel(label))
        return LoadedKeySigner(
            signing_cert=self.cert(label),
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs(self.chain(label)),
        )

    def pkcs12(self, label: str, passphrase: bytes | None) -> bytes:
        from certomancer.registry import CertLabel

        return self.arch.package_pkcs12(CertLabel(label), password=passphrase)

    def private_key_pem_path(self, label: str) -> Path:
        return self.directory / "keys" / f"{label}.key.pem"


_parsed: dict[tuple[int, str], x509.Certificate] = {}


def _parsed_cert(arch: PKIArchitecture, label: str) -> x509.Certificate:
    """The certificate re-read from its DER bytes. Certomancer hands out objects built field by field, which
    asn1crypto re-serialises on every dump (about 0.1 s per signature); a parsed object keeps its bytes."""
    from asn1crypto import x509 as asn1_x509
    from certomancer.registry import CertLabel

    key = (id(arch), label)
    cert = _parsed.get(key)
    if cert is None:
        cert = _parsed[key] = asn1_x509.Certificate.load(arch.get_cert(CertLabel(label)).dump())
    return cert


def _use_parsed_certs(arch: PKIArchitecture) -> None:
    """Puts parsed copies of every certificate into certomancer's own cache, so the TSA, OCSP and CRL services
    (which embed certificates in each response) stop re-serialising constructed objects: that took about
    half the time of every dev TSA/OCSP answer. ``_cert_cache`` is certomancer 0.16's, pinned in requirements.lock."""
    from certomancer.registry import CertLabel

    cache = getattr(arch, "_cert_cache", None)
    if not isinstance(cache, dict):
        return
    for label in _cert_labels():
        cache[CertLabel(label)] = _parsed_cert(arch, label)


def _cert_labels() -> list[str]:
    import yaml

    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    return list(config["pki-architectures"][ARCH]["certs"])


def load_dev_pki(directory: Path) -> DevPki:
    """Loads the dev PKI under ``directory``, generating keys and choosing a port at first use. Cached per path."""
    directory = Path(directory).resolve()
    with _lock:
        pki = _cache.get(directory)
        if pki is None:
            pki = _cache[directory] = _load(directory)
        return pki


def _load(directory: Path) -> DevPki:
    import yaml
    from certomancer.registry import ArchLabel, CertomancerConfig

    state = _ensure_generated(directory)
    port = int(state["port"])
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    try:
        cfg = CertomancerConfig(
            config,
            key_search_dir=str(directory),
            external_url_prefix=f"http://127.0.0.1:{port}",
        )
    except Exception as exc:  # certomancer raises its own ConfigurationError or key-loading errors
        raise ConfigError(
            f"dev PKI under {directory} cannot be loaded ({exc}); delete the folder to regenerate it",
            message_zh="开发测试 PKI 无法加载，请删除该目录后重新生成",
        ) from exc
    arch = cfg.get_pki_arch(ArchLabel(ARCH))
    _use_parsed_certs(arch)
    pki = DevPki(directory=directory, port=port, arch=arch)
    if not pki.root_pem_path.exists():
        from asn1crypto import pem

        _write_private(pki.root_pem_path, pem.armor("CERTIFICATE", pki.root_cert.dump()), mode=0o644)
    return pki


def _ensure_generated(directory: Path) -> dict:
    state_path = directory / STATE_FILE
    if state_path.exists():
        return json.loads(state_path.read_text(encoding="utf-8"))
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    keys_dir = directory / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for label in KEY_LABELS:
        path = keys_dir / f"{label}.key.pem"
        if path.exists():
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
        pem_bytes = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_private(path, pem_bytes)
    state = {"port": _free_loopback_port(), "note": "docintel DEV TEST ONLY PKI; keys generated locally"}
    _write_private(state_path, json.dumps(state, indent=2).encode(), mode=0o644)
    (directory / "README.txt").write_text(
        "docintel DEV / TEST ONLY PKI. Generated on this machine for development and tests.\n"
        "Never trust these certificates or use these keys in production.\n",
        encoding="utf-8",
    )
    return state


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)  # a half-written key never sits under the real name


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
