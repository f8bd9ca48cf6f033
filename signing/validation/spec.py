"""pyHanko validation settings built from a ``TrustConfig``, and the /DSS of a file as local knowledge."""

from __future__ import annotations

from .opening import READ_ERRORS
from .report import TrustConfig


def validation_spec(trust: TrustConfig, *, fetch: bool, backend=None):
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=list(trust.roots)),
        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
    )
    rule = RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH if fetch else RevinfoOnlineFetchingRule.LOCAL_ONLY
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=rule, fetcher_backend=backend),
        )
    )


def dss_knowledge(reader):
    from asn1crypto.crl import CertificateList
    from asn1crypto.ocsp import OCSPResponse
    from pyhanko.pdf_utils.decode_limits import DecodePurpose
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko.sign.validation.policy_decl import LocalKnowledge
    from pyhanko_certvalidator.revinfo.archival import CRLContainer, OCSPContainer

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except (NoDSSFoundError, *READ_ERRORS):
        return LocalKnowledge()
    ocsps = [
        c
        for ref in dss.ocsps
        for c in OCSPContainer.load_multi(OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE)))
    ]
    crls = [CRLContainer(CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))) for ref in dss.crls]
    return LocalKnowledge(known_ocsps=ocsps, known_crls=crls, known_certs=list(dss.load_certs()))
