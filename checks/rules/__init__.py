"""Every rule, in catalogue order. A new rule module is added here once; the engine and the catalogue read RULES."""

from __future__ import annotations

from checks.rules import (
    address,
    amounts,
    dates,
    duplicates,
    fields,
    identity,
    materials,
    person,
    registry_checks,
    validity,
)
from checks.rules.base import Rule

_MODULES = (materials, fields, identity, validity, person, amounts, dates, address, duplicates, registry_checks)

RULES: tuple[Rule, ...] = tuple(obj for m in _MODULES for obj in vars(m).values() if isinstance(obj, Rule))


def rule_by_id(rule_id: str) -> Rule:
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(rule_id)


_ids = [r.id for r in RULES]
assert len(_ids) == len(set(_ids)), "rule ids must be unique"
