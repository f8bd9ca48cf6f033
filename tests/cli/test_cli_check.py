"""``docintel check``: the 3-document case end to end in a subprocess (ID front, back, a 4-page contract photographed
page by page), and bad input → a clear message and exit status 2, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from cli.main import main
from samples.generator.case import make_case, write_case


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    sample = make_case(1, business="purchase_withdrawal", contract_form="camera", contract_pages=4)
    out = tmp_path_factory.mktemp("cli-case")
    paths = write_case(sample, out)
    return sample, out, paths


def test_three_document_case_end_to_end(case_dir):
    sample, out, paths = case_dir
    assert [p.is_dir() for p in paths] == [False, False, True] and len(list(paths[2].iterdir())) == 4
    env = os.environ | {"DOCINTEL_CHECKS__REGISTRY_FILE": str(out / "registry.json")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "check",
            "--business",
            "purchase_withdrawal",
            "--business-date",
            sample.business_date.isoformat(),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    body = json.loads(proc.stdout)
    assert body["business"] == "purchase_withdrawal"
    assert [d["doc_type"] for d in body["documents"]] == ["id_card_front", "id_card_back", "purchase_contract"]
    assert len(body["documents"][2]["pages"]) == 4
    assert [f for f in body["findings"] if f["severity"] == "error"] == []
    assert body["passed"] is True
    assert sample.applicant.id_number not in proc.stderr  # logs mask personal data


def test_person_in_no_registry_passes_when_no_registry_is_configured(tmp_path, project_root):
    """A fresh install consults no registry: a real applicant (here a generated one who is in no registry) whose
    documents agree passes, and the report says once that the outside systems were not consulted."""
    sample = make_case(4242, business="purchase_withdrawal", contract_form="text_pdf")
    sample_registry = (project_root / "samples" / "registry" / "registry.json").read_text(encoding="utf-8")
    assert sample.applicant.id_number not in sample_registry
    paths = write_case(sample, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCINTEL_CHECKS__")}
    args = ["check", "--business", "purchase_withdrawal", "--business-date", sample.business_date.isoformat()]
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", *args, *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    body = json.loads(proc.stdout)
    assert [d["doc_type"] for d in body["documents"]] == ["id_card_front", "id_card_back", "purchase_contract"]
    assert [f for f in body["findings"] if f["severity"] == "error"] == []
    registry = [f for f in body["findings"] if f["rule"].startswith("registry.")]
    assert [(f["rule"], f["severity"], f["message"]) for f in registry] == [
        ("registry.configured", "info", "未配置外部核验：未与公安/民政/房产/税务/社保系统核对")
    ]
    assert body["passed"] is True


def test_missing_business_date_means_today(case_dir, capsys, monkeypatch):
    from config.settings import get_settings

    paths = case_dir[2]
    monkeypatch.setenv("DOCINTEL_CHECKS__REGISTRY", "none")
    get_settings.cache_clear()
    try:
        assert main(["check", "--business", "retirement_withdrawal", str(paths[0])]) == 0
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    body = json.loads(capsys.readouterr().out)
    assert body["business_date"] == dt.date.today().isoformat()
    assert {f["rule"] for f in body["findings"]} >= {"materials.missing"}
    assert any(f.get("indication") == "INDETERMINATE" for f in body["findings"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--business", "purchase_withdrawal", "--business-date", "2026-13-01", "x.jpg"], "YYYY-MM-DD"),
        (["--business", "purchase_withdrawal", "missing.jpg"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_business_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--business", "mortgage", "x.jpg"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
