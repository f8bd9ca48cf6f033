"""What a rule is: a stable id, a severity, a Chinese title, a description, the businesses it applies to and
a check. The catalogue (docs/rules.md) is generated from these objects, so a rule is described once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from checks.context import CaseContext
from domain.business import Business
from domain.models import Finding, Severity

ALL_BUSINESSES: frozenset[Business] = frozenset(Business)


@dataclass(frozen=True)
class Hit:
    """What a check reports; the engine turns it into a Finding under the rule's id.

    ``severity`` overrides the rule's own, for the few rules that also report a milder case (a name that differs
    only by an OCR confusion is info, not an error). ``indeterminate`` marks a registry that could not be asked.
    """

    message: str
    refs: tuple[str, ...] = ()
    severity: Severity | None = None
    indeterminate: bool = False


Check = Callable[[CaseContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_zh: str
    description: str
    check: Check
    businesses: frozenset[Business] = ALL_BUSINESSES

    def applies_to(self, business: Business) -> bool:
        return business in self.businesses

    def findings(self, ctx: CaseContext) -> list[Finding]:
        return [
            Finding(
                rule=self.id,
                severity=hit.severity or self.severity,
                message=hit.message,
                refs=tuple(hit.refs),
                indeterminate=hit.indeterminate,
            )
            for hit in self.check(ctx)
        ]


def rule(
    rule_id: str,
    severity: Severity,
    title_zh: str,
    description: str,
    *,
    businesses: Iterable[Business] | None = None,
) -> Callable[[Check], Rule]:
    """Decorator: turns a check function into a ``Rule`` object (the module-level name is then the rule)."""

    def wrap(check: Check) -> Rule:
        return Rule(
            id=rule_id,
            severity=severity,
            title_zh=title_zh,
            description=" ".join(description.split()),
            check=check,
            businesses=frozenset(businesses) if businesses is not None else ALL_BUSINESSES,
        )

    return wrap
