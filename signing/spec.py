"""What to sign with: the PAdES level, reason, location, field name and the look of the visible seal.

Apart from *who* signs (``keys``) and *who* timestamps (``tsa``), like pyHanko's own split.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InputError


class Level(StrEnum):
    """PAdES baseline levels (ETSI EN 319 142-1), in increasing order of what the file carries."""

    B_B = "B-B"  # signature only
    B_T = "B-T"  # + RFC 3161 signature timestamp
    B_LT = "B-LT"  # + certificates, OCSP responses and CRLs in the DSS
    B_LTA = "B-LTA"  # + a document timestamp over all of it

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    @property
    def needs_timestamp(self) -> bool:
        return self.rank >= Level.B_T.rank

    @property
    def embeds_validation_info(self) -> bool:
        return self.rank >= Level.B_LT.rank

    @classmethod
    def parse(cls, value: str | Level) -> Level:
        try:
            return cls(str(value).upper())
        except ValueError:
            raise InputError(
                f"unknown PAdES level {value!r}; one of {', '.join(lv.value for lv in cls)}",
                message_zh="未知的签章级别",
            ) from None


@dataclass(frozen=True)
class SealAppearance:
    """A visible seal in the bottom-right corner of a page. Sizes in PDF points."""

    page: int = -1  # -1: the last page
    width: float = 170.0
    height: float = 76.0
    margin: float = 36.0
    title_zh: str = "电子签章"
    time_zone: str = "Asia/Shanghai"  # the signing time is shown in the fund's zone (signing.time_zone)


@dataclass(frozen=True)
class SignatureSpec:
    level: Level = Level.B_LTA
    field_name: str = "Seal1"
    reason: str = "docintel counter seal"
    location: str | None = None
    appearance: SealAppearance | None = SealAppearance()  # None: an invisible signature
