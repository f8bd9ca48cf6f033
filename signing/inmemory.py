"""A pyHanko signer for a key held in memory that parses the key once.

pyHanko's ``SimpleSigner`` re-parses the private key on every raw signature (twice per PDF signature, counting
the size estimate), which with RSA's consistency checks costs about 70 ms each time.
"""

from __future__ import annotations

from typing import Any

from pyhanko.sign.signers import SimpleSigner


class LoadedKeySigner(SimpleSigner):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from cryptography.hazmat.primitives import serialization

        super().__init__(*args, **kwargs)
        self._loaded_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        key = self._loaded_key
        if name == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if name == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)  # PSS, EdDSA, ...: pyHanko's own path
