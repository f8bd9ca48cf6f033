"""The PAdES baseline level of a signature: the level the file's history claims for it and the level the file,
as it is now, reaches; and whether validation data a later revision had was taken out again.

ETSI EN 319 142-1: B-T adds a signature timestamp, B-LT a /DSS with the revocation data, B-LTA a document
timestamp over that /DSS. Each of these lives in a revision after the signed one, so a later incremental update
can also remove them; the level then silently drops. Looking at every revision shows what was there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from signing.spec import Level

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DssHistory:
    """For each revision (0 = the original file), whether its /DSS held revocation data."""

    revinfo_by_revision: tuple[bool, ...]

    @property
    def latest(self) -> bool:
        return bool(self.revinfo_by_revision) and self.revinfo_by_revision[-1]

    def first_with_revinfo(self, since: int) -> int | None:
        for rev, has in enumerate(self.revinfo_by_revision):
            if rev >= since and has:
                return rev
        return None

    def removed_after(self, since: int) -> int | None:
        """The first revision after ``since`` that drops the revocation data an earlier one (also after
        ``since``) had, or None."""
        had = False
        for rev, has in enumerate(self.revinfo_by_revision):
            if rev < since:
                continue
            if had and not has:
                return rev
            had = had or has
        return None


def dss_history(reader) -> DssHistory:
    total = reader.xrefs.total_revisions
    return DssHistory(tuple(_revision_has_revinfo(reader, rev, rev == total - 1) for rev in range(total)))


def _revision_has_revinfo(reader, revision: int, latest: bool) -> bool:
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        resolver = reader if latest else reader.get_historical_resolver(revision)
        dss = DocumentSecurityStore.read_dss(resolver)
    except NoDSSFoundError:
        return False
    except Exception as exc:  # an unreadable /DSS carries nothing: the level shows it
        log.info("revision %d: /DSS unreadable (%s)", revision, exc)
        return False
    return bool(dss.ocsps or dss.crls)


def level_of(has_t: bool, dss_has_revinfo: bool, timestamp_over_dss: bool) -> Level:
    if not has_t:
        return Level.B_B
    if not dss_has_revinfo:
        return Level.B_T
    return Level.B_LTA if timestamp_over_dss else Level.B_LT


def reached(has_sig_ts: bool, history: DssHistory, signed_revision: int, doc_ts_revisions) -> Level:
    """The level the latest revision's structures give the signature. A document timestamp after the signature
    gives it time as a signature timestamp does (EN 319 142-1 B-T); one over the revision that holds the
    revocation data makes it B-LTA."""
    later = [r for r in doc_ts_revisions if r > signed_revision]
    first_dss = history.first_with_revinfo(signed_revision) if history.latest else None
    over_dss = first_dss is not None and any(r >= first_dss for r in later)
    return level_of(has_sig_ts or bool(later), history.latest, over_dss)


def claimed(has_sig_ts: bool, history: DssHistory, signed_revision: int, doc_ts_revisions) -> Level:
    """The highest level any revision after the signature showed: a /DSS with revocation data at or after the
    signed revision, and a document timestamp over a revision holding it."""
    later = [r for r in doc_ts_revisions if r > signed_revision]
    first_dss = history.first_with_revinfo(signed_revision)
    over_dss = first_dss is not None and any(r >= first_dss for r in later)
    return level_of(has_sig_ts or bool(later), first_dss is not None, over_dss)


def has_signature_timestamp(signer_info) -> bool:
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    try:
        return any(True for _ in extract_tst_data_iter(signer_info, signed=False))
    except Exception:
        return False
