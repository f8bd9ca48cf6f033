"""How a claim is compared with what a registry holds. Shared by the local adapter and by the test server
that plays a remote registry, so both judge a claim the same way."""

from __future__ import annotations

from collections.abc import Mapping

from checks.registries.base import FactQuery, Outcome, Verification
from checks.validators import addresses_agree, names_equal, normalise_id_number, parse_date, parse_decimal


def claim_agrees(name: str, claimed: str, recorded: object) -> bool:
    """A list on record (the buyers of a flat) agrees when any of its values does."""
    if isinstance(recorded, list | tuple):
        return any(claim_agrees(name, claimed, r) for r in recorded)
    if recorded is None:
        return False
    recorded_text = str(recorded)
    if name.endswith("address"):
        return addresses_agree(claimed, recorded_text)
    if name.endswith("name"):
        return names_equal(claimed, recorded_text)
    if name.endswith("id_number"):
        return normalise_id_number(claimed) == normalise_id_number(recorded_text)
    if name.endswith(("date", "_from", "_until")):
        a, b = parse_date(claimed), parse_date(recorded_text)
        return a == b if a is not None and b is not None else claimed.strip() == recorded_text.strip()
    a_num, b_num = parse_decimal(claimed), parse_decimal(recorded_text)
    if a_num is not None and b_num is not None:
        return a_num == b_num
    return claimed.strip() == recorded_text.strip()


def judge(query: FactQuery, record: Mapping[str, object] | None) -> Verification:
    if record is None:
        return Verification(query, Outcome.NOT_FOUND)
    # A claim the registry keeps no value for is not contradicted by it.
    mismatched = tuple(
        name
        for name, claimed in query.claims.items()
        if name in record and not claim_agrees(name, claimed, record[name])
    )
    return Verification(query, Outcome.CONTRADICTED if mismatched else Outcome.CONFIRMED, mismatched)
