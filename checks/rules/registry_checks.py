"""Facts confirmed with the outside registries of the provident-fund 2.0 system. These checks are what let
the reform drop the invoice (税务), the 离职证明 and 退休证 (社保): the registry answers instead of a paper.

A registry that cannot be asked yields an INDETERMINATE finding (severity from
``checks.registry_unavailable_severity``), never a silent pass. With no registry configured (the default) these
checks are not run, and one INDETERMINATE info finding (``registry.configured``) says that nothing was checked
against the outside systems — so an applicant who is in no registry is never reported as unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from checks.business import business_label
from checks.context import CaseContext
from checks.registries.base import SOURCE_NAMES_ZH, FactQuery, Outcome, RegistrySource, Verification
from checks.rules.base import Hit, rule
from domain.business import Business
from domain.fields import FIELD_LABELS_ZH
from domain.models import Severity

PURCHASE_BUSINESSES = (Business.PURCHASE_WITHDRAWAL, Business.COMBINATION_LOAN)
EMPLOYMENT_STATUS: dict[Business, tuple[str, str]] = {
    Business.RESIGNATION_WITHDRAWAL: ("resigned", "离职（社保已停缴）"),
    Business.RETIREMENT_WITHDRAWAL: ("retired", "已退休"),
}


def _ask(ctx: CaseContext, query: FactQuery, refs: tuple[str, ...]) -> tuple[Verification | None, Hit | None]:
    """The registry's answer, or the INDETERMINATE hit to report when there is none."""
    source_zh = SOURCE_NAMES_ZH[query.source]
    v = ctx.registry.verify(query)
    if v.outcome == Outcome.UNAVAILABLE:
        severity = Severity(ctx.settings.registry_unavailable_severity)
        return None, Hit(
            f"{source_zh}数据核验系统暂不可用，结果待定，请稍后重试或人工核对", refs, severity, indeterminate=True
        )
    return v, None


def _mismatch_text(v: Verification, labels: Mapping[str, str]) -> str:
    return "、".join(labels.get(m, FIELD_LABELS_ZH.get(m, m)) for m in v.mismatched)


NOT_CONFIGURED_ZH = "未配置外部核验：未与{}系统核对".format("/".join(SOURCE_NAMES_ZH.values()))


@rule(
    "registry.configured",
    Severity.INFO,
    "外部核验未配置",
    """With no outside registry configured (``checks.registry = "none"``, the default), the registry checks below
    are not run; this one info finding says so, so that a report never reads as verified when it was not.""",
)
def configured(ctx: CaseContext) -> Iterator[Hit]:
    if ctx.registry is None:
        yield Hit(NOT_CONFIGURED_ZH, ("case",), indeterminate=True)


@rule(
    "registry.identity",
    Severity.ERROR,
    "公安身份核验",
    """公安 confirms that the ID number belongs to the name on the card and that the card presented is the one in
    force (its validity dates); a replaced or reported-lost card fails here.""",
)
def identity(ctx: CaseContext) -> Iterator[Hit]:
    if ctx.registry is None:
        return
    front, back = ctx.id_front, ctx.id_back
    number = front.text("id_number") if front else None
    if front is None or not number:
        return
    claims = {"name": front.text("name")}
    refs = [front.ref("id_number"), front.ref("name")]
    if back is not None:
        claims |= {"valid_from": back.text("valid_from"), "valid_until": back.text("valid_until")}
        refs += [back.ref("valid_from"), back.ref("valid_until")]
    query = FactQuery(RegistrySource.PUBLIC_SECURITY, number, {k: v for k, v in claims.items() if v})
    v, hit = _ask(ctx, query, tuple(refs))
    if hit:
        yield hit
    elif v.outcome == Outcome.NOT_FOUND:
        yield Hit("公安系统查无此公民身份号码，请核对证件", (front.ref("id_number"),))
    elif v.outcome == Outcome.CONTRADICTED:
        what = _mismatch_text(v, {"name": "姓名", "valid_from": "有效期限", "valid_until": "有效期限"})
        yield Hit(f"公安身份核验不一致：{what}与登记信息不符（证件可能已换领或挂失），请核对", tuple(refs))


@rule(
    "registry.housing",
    Severity.ERROR,
    "房产备案核验",
    """房产 confirms, by contract number, that the contract is registered (网签备案) with the applicant as a buyer,
    and the registered address, floor area and total price.""",
    businesses=PURCHASE_BUSINESSES,
)
def housing(ctx: CaseContext) -> Iterator[Hit]:
    if ctx.registry is None:
        return
    contract, front = ctx.first("purchase_contract"), ctx.id_front
    number = contract.text("contract_number") if contract else None
    if contract is None or not number:
        return
    claims = {
        "buyer_id_number": front.text("id_number") if front else None,
        "property_address": contract.text("property_address"),
        "floor_area": contract.text("floor_area"),
        "total_price": contract.text("total_price"),
    }
    claims = {k: v for k, v in claims.items() if v}
    refs = (contract.ref("contract_number"), *(contract.ref(k) for k in claims if k != "buyer_id_number"))
    v, hit = _ask(ctx, FactQuery(RegistrySource.HOUSING, number, claims), refs)
    if hit:
        yield hit
    elif v.outcome == Outcome.NOT_FOUND:
        yield Hit(f"房产部门无{contract.label}的网签备案记录，请核对合同编号", (contract.ref("contract_number"),))
    elif v.outcome == Outcome.CONTRADICTED:
        what = _mismatch_text(v, {"buyer_id_number": "申请人（不在备案买受人中）"})
        yield Hit(f"房产备案核验不一致：{what}与备案信息不符", refs)


@rule(
    "registry.tax",
    Severity.WARNING,
    "税务发票核验",
    """税务 holds the purchase invoice, which is why the invoice is no longer asked for: it confirms that an
    invoice exists for the contract and that its amount is the contract's total price.""",
    businesses=[Business.PURCHASE_WITHDRAWAL],
)
def tax(ctx: CaseContext) -> Iterator[Hit]:
    if ctx.registry is None:
        return
    contract = ctx.first("purchase_contract")
    number = contract.text("contract_number") if contract else None
    if contract is None or not number:
        return
    claims = {"total_price": contract.text("total_price")} if contract.has("total_price") else {}
    refs = (contract.ref("contract_number"), contract.ref("total_price"))
    v, hit = _ask(ctx, FactQuery(RegistrySource.TAX, number, claims), refs)
    if hit:
        yield hit
    elif v.outcome == Outcome.NOT_FOUND:
        yield Hit("税务系统未查到该合同对应的购房发票，请核对", refs)
    elif v.outcome == Outcome.CONTRADICTED:
        yield Hit("税务系统登记的发票金额与合同总价款不一致，请核对", refs)


@rule(
    "registry.social_security",
    Severity.ERROR,
    "社保就业状态核验",
    """社保 confirms the employment status the business rests on — resigned (社保 contributions stopped) for
    resignation withdrawal, retired for retirement withdrawal — which is why 离职证明 and 退休证 are no longer asked for.""",
    businesses=list(EMPLOYMENT_STATUS),
)
def social_security(ctx: CaseContext) -> Iterator[Hit]:
    if ctx.registry is None:
        return
    front = ctx.id_front
    number = front.text("id_number") if front else None
    if front is None or not number:
        return
    status, status_zh = EMPLOYMENT_STATUS[ctx.business]
    refs = (front.ref("id_number"),)
    v, hit = _ask(ctx, FactQuery(RegistrySource.SOCIAL_SECURITY, number, {"status": status}), refs)
    if hit:
        yield hit
    elif v.outcome == Outcome.NOT_FOUND:
        yield Hit("社保系统查无该申请人的参保记录，请核对", refs)
    elif v.outcome == Outcome.CONTRADICTED:
        yield Hit(f"社保系统显示申请人并非{status_zh}，不符合{business_label(ctx.business)}条件", refs)
