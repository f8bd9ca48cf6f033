"""The property's address agrees wherever the case states it."""

from __future__ import annotations

from collections.abc import Iterator

from checks.context import CaseContext
from checks.rules.base import Hit, rule
from checks.validators import addresses_agree, normalise_address, similarity, strip_admin_prefix
from domain.models import Severity

# Above this similarity of the normalised street parts two addresses differ by a character or two: more likely
# a misread than another flat, so a warning rather than an error.
NEAR_MISS = 0.85


@rule(
    "address.property",
    Severity.ERROR,
    "房屋坐落一致",
    """The property address on the contract equals the address on every other document of the case that states
    one (another contract or agreement, the address the clerk entered), after normalisation: width, blanks and
    punctuation folded, 一/1, 3-2-1502 ≡ 3栋2单元1502室, a leading province/city/district that one side leaves out.
    A difference of a character or two is a warning (likely a misread); more is an error.""",
)
def property_address(ctx: CaseContext) -> Iterator[Hit]:
    stated = [(d.label, d.ref("property_address"), d.text("property_address")) for d in ctx.docs]
    stated = [(label, ref, value) for label, ref, value in stated if value]
    if ctx.facts.property_address:
        stated.append(("柜台录入的房屋地址", "facts.property_address", ctx.facts.property_address))
    if len(stated) < 2:
        return
    anchor_label, anchor_ref, anchor = stated[0]
    for label, ref, value in stated[1:]:
        if addresses_agree(anchor, value):
            continue
        close = similarity(strip_admin_prefix(normalise_address(anchor)), strip_admin_prefix(normalise_address(value)))
        if close >= NEAR_MISS:
            yield Hit(
                f"{anchor_label}与{label}的房屋坐落略有差异，可能为识别误差，请核对",
                (anchor_ref, ref),
                Severity.WARNING,
            )
        else:
            yield Hit(f"{anchor_label}与{label}的房屋坐落不一致，请核对是否为同一套房屋", (anchor_ref, ref))
