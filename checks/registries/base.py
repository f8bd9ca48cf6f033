"""One interface for asking an outside registry (公安, 民政, 房产, 税务, 社保) whether a fact holds.

A query names the registry, a key (an ID number, a contract number) and the claims read from the documents;
the answer says which claims the registry contradicts. Registries in the provident-fund 2.0 system answer
verification questions rather than hand out their records, so the interface asks, it does not fetch.

An adapter that cannot reach its registry answers ``UNAVAILABLE`` — the rules turn that into an INDETERMINATE
finding, never a pass.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from domain.errors import ExternalServiceError
from domain.masking import mask_text

log = logging.getLogger(__name__)


class RegistrySource(StrEnum):
    PUBLIC_SECURITY = "public_security"  # 公安: ID number → name, sex, birth date, current card validity
    CIVIL_AFFAIRS = "civil_affairs"  # 民政: ID number → marital status, spouse's ID number
    HOUSING = "housing"  # 房产: contract number → buyers' ID numbers and names, address, area, price
    TAX = "tax"  # 税务: contract number → invoiced price (why the purchase invoice is no longer asked for)
    SOCIAL_SECURITY = (
        "social_security"  # 社保: ID number → employment status (why 离职证明/退休证 are no longer asked for)
    )


SOURCE_NAMES_ZH: dict[RegistrySource, str] = {
    RegistrySource.PUBLIC_SECURITY: "公安",
    RegistrySource.CIVIL_AFFAIRS: "民政",
    RegistrySource.HOUSING: "房产",
    RegistrySource.TAX: "税务",
    RegistrySource.SOCIAL_SECURITY: "社保",
}


class Outcome(StrEnum):
    CONFIRMED = "confirmed"  # found, and no claim contradicted
    CONTRADICTED = "contradicted"  # found, and at least one claim differs
    NOT_FOUND = "not_found"  # the registry has no record under that key
    UNAVAILABLE = "unavailable"  # the registry could not be asked: neither pass nor fail


@dataclass(frozen=True)
class FactQuery:
    source: RegistrySource
    key: str
    claims: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "claims", MappingProxyType(dict(self.claims)))


@dataclass(frozen=True)
class Verification:
    query: FactQuery
    outcome: Outcome
    mismatched: tuple[str, ...] = ()  # names of the claims the registry contradicts
    detail: str = ""  # why it was unavailable; never personal data


class RegistryUnavailable(ExternalServiceError):
    code = "registry_unavailable"
    default_zh = "外部核验系统暂不可用"


class Registry(ABC):
    """An adapter implements ``_verify``; a registry it cannot reach raises ``RegistryUnavailable`` there."""

    name: str = "registry"

    def verify(self, query: FactQuery) -> Verification:
        try:
            return self._verify(query)
        except RegistryUnavailable as exc:
            log.warning("registry %s/%s unavailable: %s", self.name, query.source, mask_text(exc.message))
            return Verification(query, Outcome.UNAVAILABLE, detail=exc.message)

    @abstractmethod
    def _verify(self, query: FactQuery) -> Verification: ...

    def close(self) -> None:  # noqa: B027 - adapters without resources need nothing
        """Release connections; the default has none."""
