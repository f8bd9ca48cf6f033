"""What validation reports: the trust it ran under and, per signature, an ETSI EN 319 102-1 style indication."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asn1crypto import x509

TOTAL_PASSED = "TOTAL-PASSED"
INDETERMINATE = "INDETERMINATE"
TOTAL_FAILED = "TOTAL-FAILED"


@dataclass(frozen=True)
class TrustConfig:
    """What to trust when validating: the roots, and whether revocation data may be fetched online."""

    roots: tuple[x509.Certificate, ...]
    allow_fetching: bool = True
    dev_pki: bool = False  # the roots include the TEST-ONLY dev root


@dataclass(frozen=True)
class TimestampResult:
    time: str | None
    valid: bool
    trusted: bool
    tsa: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "valid": self.valid, "trusted": self.trusted, "tsa": self.tsa}


@dataclass(frozen=True)
class SignatureResult:
    field: str
    indication: str
    sub_indication: str | None
    signer: str | None
    signer_issuer: str | None
    signing_time: str | None  # best known time (a timestamp's, else the time claimed by the signer)
    claimed_signing_time: str | None
    level: str | None  # the PAdES baseline level the file, as it is now, carries for this signature
    intact: bool
    crypto_valid: bool
    trusted: bool
    coverage: str | None
    modification_level: str | None
    modified_after_signing: bool
    timestamp: TimestampResult | None
    message: str | None = None
    # The highest level the file's own revision history shows for this signature (its timestamp, a /DSS with
    # revocation data in some later revision, a document timestamp over that /DSS), beside the level the file
    # reaches now (the structures of its latest revision). They differ when validation data was taken out.
    level_claimed: str | None = None
    level_reached: str | None = None

    @property
    def passed(self) -> bool:
        return self.indication == TOTAL_PASSED and not self.modified_after_signing

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "indication": self.indication,
            "sub_indication": self.sub_indication,
            "signer": self.signer,
            "signer_issuer": self.signer_issuer,
            "signing_time": self.signing_time,
            "claimed_signing_time": self.claimed_signing_time,
            "level": self.level,
            "level_claimed": self.level_claimed,
            "level_reached": self.level_reached,
            "intact": self.intact,
            "crypto_valid": self.crypto_valid,
            "trusted": self.trusted,
            "coverage": self.coverage,
            "modification_level": self.modification_level,
            "modified_after_signing": self.modified_after_signing,
            "timestamp": self.timestamp.to_dict() if self.timestamp else None,
            "message": self.message,
        }


@dataclass(frozen=True)
class VerificationReport:
    sha256: str
    signatures: tuple[SignatureResult, ...]
    document_timestamps: tuple[TimestampResult, ...] = ()
    trust: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # how the file was read, when that was not the ordinary way

    @property
    def valid(self) -> bool:
        """At least one signature, and every one TOTAL-PASSED on an unmodified document."""
        return bool(self.signatures) and all(s.passed for s in self.signatures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "valid": self.valid,
            "signature_count": len(self.signatures),
            "signatures": [s.to_dict() for s in self.signatures],
            "document_timestamps": [t.to_dict() for t in self.document_timestamps],
            "trust": self.trust,
            "notes": list(self.notes),
        }


def failed(result: SignatureResult, sub: str, message: str, **changes: Any) -> SignatureResult:
    """``result`` turned TOTAL-FAILED with ``sub``; a TOTAL-FAILED result keeps its own (first) reason."""
    import dataclasses

    if result.indication == TOTAL_FAILED:
        joined = f"{result.message}; {message}" if result.message else message
        return dataclasses.replace(result, message=joined, **changes)
    return dataclasses.replace(result, indication=TOTAL_FAILED, sub_indication=sub, message=message, **changes)
