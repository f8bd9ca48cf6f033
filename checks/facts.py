"""Facts of a case that are not on any document: what the clerk types in at the counter."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseFacts:
    """``bank_card_number`` is required for resignation withdrawal (the money goes to it);
    ``property_address`` is optional and, when given, is compared with the contract like any other document."""

    bank_card_number: str | None = None
    property_address: str | None = None

    def __post_init__(self) -> None:
        if self.bank_card_number is not None:
            cleaned = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", self.bank_card_number))
            object.__setattr__(self, "bank_card_number", cleaned or None)
        if self.property_address is not None and not self.property_address.strip():
            object.__setattr__(self, "property_address", None)

    def get(self, key: str) -> str | None:
        value = getattr(self, key, None)
        return value if isinstance(value, str) else None
