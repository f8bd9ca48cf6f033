"""Every signed PDF of the committed DSS/pyHanko set (``tests/corpora/signed/manifest.json``) gets a report: no
exception, never "not a readable PDF"; integrity agrees with what the upstream test asserts; and no signature
is TOTAL-PASSED where upstream says it fails, even with the file's own certificates trusted as roots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from signing.validation import TOTAL_FAILED, TOTAL_PASSED, TrustConfig, verify

HERE = Path(__file__).parent / "signed"
MANIFEST = json.loads((HERE / "manifest.json").read_text())
FILES = MANIFEST["files"]


def _own_certificates(pdf: bytes) -> tuple:
    """Every certificate inside the file's signatures: trusting them all makes a pass possible, so that a
    "never TOTAL-PASSED" check means something for files whose real roots we do not have."""
    from asn1crypto import cms

    from signing.validation.raw_scan import scan

    certs = {}
    for sig in scan(pdf):
        try:
            signed = cms.ContentInfo.load(sig.contents or b"")["content"]
            for choice in signed["certificates"] or []:
                if choice.name == "certificate":
                    certs[choice.chosen.sha256] = choice.chosen
        except Exception:
            continue
    return tuple(certs.values())


def test_manifest_lists_every_committed_file() -> None:
    on_disk = {str(p.relative_to(HERE)) for p in HERE.rglob("*.pdf")}
    assert on_disk == {e["file"] for e in FILES}
    assert all(e["intact"] in ("all", "none", "some", None) for e in FILES)
    assert len(FILES) == len({e["file"] for e in FILES})


@pytest.mark.parametrize("entry", FILES, ids=[e["file"] for e in FILES])
def test_signed_corpus_file(entry) -> None:
    pdf = (HERE / entry["file"]).read_bytes()
    report = verify(pdf, trust=TrustConfig(roots=_own_certificates(pdf), allow_fetching=False))
    sigs = report.signatures
    if "signatures" in entry:
        assert len(sigs) == entry["signatures"], [s.to_dict() for s in sigs]
    else:
        assert sigs, f"no signature found in {entry['file']}"
    assert all(s.indication in (TOTAL_PASSED, "INDETERMINATE", TOTAL_FAILED) for s in sigs)
    whole = [s.intact and s.crypto_valid for s in sigs]
    expected = entry["intact"]
    if "known_disagreement" not in entry:
        if expected == "all":
            assert all(whole), [s.to_dict() for s in sigs]
        elif expected == "none":
            assert not any(whole), [s.to_dict() for s in sigs]
        elif expected == "some":
            assert any(whole) and not all(whole), [s.to_dict() for s in sigs]
    for s in sigs:  # a signature that is not whole never passes
        if not (s.intact and s.crypto_valid):
            assert s.indication == TOTAL_FAILED or s.indication == "INDETERMINATE", s.to_dict()
            assert s.indication != TOTAL_PASSED
    if entry["failed"]:
        assert not report.valid
        assert any(s.indication != TOTAL_PASSED for s in sigs), [s.to_dict() for s in sigs]
    if expected in ("none", "some"):
        assert any(s.indication == TOTAL_FAILED for s in sigs), [s.to_dict() for s in sigs]
