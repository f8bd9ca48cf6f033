"""The rule catalogue in docs/ is generated from the rule objects and must be current."""

from __future__ import annotations

import re

from checks.catalogue import render
from checks.rules import RULES, rule_by_id
from domain.models import Severity


def test_committed_catalogue_is_current(project_root):
    committed = (project_root / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/rules.md is stale: run `python -m checks.catalogue > docs/rules.md`"


def test_every_rule_is_described_once_with_a_stable_id():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    text = render()
    for r in RULES:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", r.id), r.id
        assert isinstance(r.severity, Severity)
        assert re.search(r"[\u4e00-\u9fff]", r.title_zh), r.id
        assert len(r.description) > 40, r.id
        assert text.count(f"### {r.id}\n") == 1
        assert rule_by_id(r.id) is r
