"""Facts of a case that are not on any document: what the clerk types in at the counter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields

from domain.errors import InputError


@dataclass(frozen=True)
class CaseFacts:
    """``bank_card_number`` is required for resignation withdrawal (the money goes to it);
    ``property_address`` is optional and, when given, is compared with the contract like any other document."""

    bank_card_number: str | None = None
    property_address: str | None = None

    def __post_init__(self) -> None:
        if self.bank_card_number is not None:
            cleaned = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", str(self.bank_card_number)))
            object.__setattr__(self, "bank_card_number", cleaned or None)
        if self.property_address is not None:
            object.__setattr__(self, "property_address", str(self.property_address).strip() or None)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object] | CaseFacts | None) -> CaseFacts:
        """From the JSON a case stores; an unknown name is the caller's mistake, not something to drop quietly."""
        if isinstance(values, CaseFacts):
            return values
        values = dict(values or {})
        unknown = sorted(set(values) - set(FACT_NAMES))
        if unknown:
            raise InputError(
                f"unknown case facts: {', '.join(unknown)}; known: {', '.join(FACT_NAMES)}",
                message_zh=f"未知的业务信息项：{'、'.join(unknown)}",
            )
        return cls(**{k: (None if v is None else str(v)) for k, v in values.items()})

    def get(self, key: str) -> str | None:
        value = getattr(self, key, None) if key in FACT_NAMES else None
        return value if isinstance(value, str) else None

    def to_dict(self) -> dict[str, str]:
        return {name: value for name in FACT_NAMES if (value := self.get(name)) is not None}


FACT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(CaseFacts))
