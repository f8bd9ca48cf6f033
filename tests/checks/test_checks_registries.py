"""Registry adapters: the local file (JSON, SQLite table), and HTTP against a real server on 127.0.0.1 — including
one that is down, slow or failing, which must give an INDETERMINATE finding and never a pass."""

from __future__ import annotations

import json
import socket
import time

import pytest
from conftest import consistent_case, rules_of

from checks.registries import configured_registry, registry_from_settings
from checks.registries.base import FactQuery, Outcome, RegistrySource
from checks.registries.devserver import RegistryServer, _Handler, running
from checks.registries.local import LocalRegistry, write_sqlite
from checks.registries.remote import HttpRegistry
from config.settings import ChecksSettings
from domain.errors import ConfigError
from domain.models import Severity

HOUSING = RegistrySource.HOUSING


@pytest.fixture
def case():
    return consistent_case("purchase_withdrawal", seed=11)


def _housing_query(case, **claims):
    contract = case.documents[2]
    base = {"buyer_id_number": case.person.id_number, "property_address": contract.value("property_address")}
    return FactQuery(HOUSING, contract.value("contract_number"), base | claims)


def test_local_json_file(tmp_path, case):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"version": 1, "sources": case.records}, ensure_ascii=False), encoding="utf-8")
    registry = registry_from_settings(ChecksSettings(registry="local", registry_file=path))
    assert registry.verify(_housing_query(case)).outcome == Outcome.CONFIRMED
    v = registry.verify(_housing_query(case, property_address="北京市朝阳区某路1号"))
    assert (v.outcome, v.mismatched) == (Outcome.CONTRADICTED, ("property_address",))
    assert registry.verify(FactQuery(HOUSING, "NO-SUCH-CONTRACT")).outcome == Outcome.NOT_FOUND


def test_local_sqlite_table(tmp_path, case):
    path = tmp_path / "registry.db"
    write_sqlite(path, case.records)
    registry = LocalRegistry.from_file(path)
    assert registry.verify(_housing_query(case)).outcome == Outcome.CONFIRMED
    v = registry.verify(_housing_query(case, buyer_id_number="110105199001011234"))
    assert v.mismatched == ("buyer_id_number",)
    assert case.run(registry=registry).passed
    path.unlink()  # the database vanishes under a running service: unavailable, not a pass
    registry.close()
    assert registry.verify(_housing_query(case)).outcome == Outcome.UNAVAILABLE


@pytest.mark.parametrize("content", ["not json", '{"version": 1}', '{"sources": {"police": {}}}'])
def test_bad_registry_file_fails_at_start_up(tmp_path, content):
    path = tmp_path / "r.json"
    path.write_text(content)
    with pytest.raises(ConfigError):
        registry_from_settings(ChecksSettings(registry="local", registry_file=path))
    with pytest.raises(ConfigError):
        registry_from_settings(ChecksSettings(registry="local", registry_file=tmp_path / "missing.json"))


def test_http_needs_a_url_and_local_a_file():
    with pytest.raises(ConfigError):
        registry_from_settings(ChecksSettings(registry="http"))
    with pytest.raises(ConfigError):
        registry_from_settings(ChecksSettings(registry="local"))
    assert registry_from_settings(ChecksSettings(registry="none")) is None


def test_no_registry_is_the_default():
    """Out of the box nothing is consulted: the sample registry is never mistaken for a real one."""
    assert ChecksSettings().registry == "none"
    assert configured_registry(ChecksSettings()) is None


def test_committed_sample_registry_is_current(project_root):
    """samples/registry/registry.json is what the generator makes from the demo cases and the committed sample sets."""
    from samples.generator.registry import registry_document
    from samples.generator.registry_file import committed_records

    sample = ChecksSettings(registry="local", registry_file=project_root / "samples/registry/registry.json")
    registry = configured_registry(sample)
    assert isinstance(registry, LocalRegistry)
    assert configured_registry(sample.model_copy()) is registry  # read once per process
    committed = json.loads((project_root / "samples/registry/registry.json").read_text(encoding="utf-8"))
    expected = registry_document(committed_records(project_root / "samples"))
    assert committed == expected, "stale: run `python -m samples.generator registry`"


def test_http_adapter_against_a_local_server(case):
    with running(case.registry(), api_key="s3cret") as server:
        remote = registry_from_settings(
            ChecksSettings(registry="http", registry_url=server.url, registry_api_key="s3cret")
        )
        assert isinstance(remote, HttpRegistry)
        assert remote.verify(_housing_query(case)).outcome == Outcome.CONFIRMED
        v = remote.verify(_housing_query(case, property_address="北京市朝阳区某路1号"))
        assert v.mismatched == ("property_address",)
        assert remote.verify(FactQuery(HOUSING, "NO-SUCH")).outcome == Outcome.NOT_FOUND
        report = case.run(registry=remote)
        assert report.passed and not report.findings
        remote.close()
        # The gateway refuses a caller without the key: unavailable (and not retried), never a pass.
        unauthorised = HttpRegistry(server.url, retries=2, backoff_s=0.01)
        seen = server.requests_seen
        v = unauthorised.verify(_housing_query(case))
        assert v.outcome == Outcome.UNAVAILABLE and "401" in v.detail
        assert server.requests_seen == seen + 1
        unauthorised.close()


def test_no_registry_means_one_info_finding_and_no_registry_verdict(case):
    """Without a registry the registry checks are not run: an applicant who is in no registry is not reported as
    unknown, and the report says in one info finding that nothing was checked against the outside systems."""
    stranger = LocalRegistry({})  # a configured registry that knows nobody: the unknown person is an error
    assert {"registry.identity", "registry.housing"} <= rules_of(case.run(registry=stranger), "error")
    report = case.run(registry=None)
    registry_findings = [f for f in report.findings if f.rule.startswith("registry.")]
    assert [(f.rule, f.severity, f.message) for f in registry_findings] == [
        ("registry.configured", Severity.INFO, "未配置外部核验：未与公安/民政/房产/税务/社保系统核对")
    ]
    assert registry_findings[0].to_dict()["indication"] == "INDETERMINATE"
    assert report.passed
    assert "registry.configured" not in {f.rule for f in case.run().findings}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_registry_down_gives_indeterminate_never_a_pass(case):
    remote = HttpRegistry(f"http://127.0.0.1:{_free_port()}", timeout_s=0.5, retries=1, backoff_s=0.01)
    report = case.run(registry=remote)
    indeterminate = [f for f in report.findings if f.indeterminate]
    assert {f.rule for f in indeterminate} == {"registry.identity", "registry.housing", "registry.tax"}
    assert all(f.severity == Severity.WARNING and "暂不可用" in f.message for f in indeterminate)
    assert all(f.to_dict()["indication"] == "INDETERMINATE" for f in indeterminate)
    # Operators who want an unreachable registry to stop the case can say so.
    from checks.engine import run_checks

    strict = run_checks(
        business=case.business,
        documents=case.documents,
        business_date="2026-06-01",
        registry=remote,
        settings=ChecksSettings(registry_unavailable_severity="error"),
    )
    assert not strict.passed and "registry.housing" in rules_of(strict, "error")


class _Flaky(RegistryServer):
    """Answers 503 to the first ``failures`` requests, then like a healthy gateway."""

    failures = 2

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.RequestHandlerClass = _FlakyHandler


class _FlakyHandler(_Handler):
    def do_POST(self):
        if self.server.requests_seen < self.server.failures:
            self.server.requests_seen += 1
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._answer(503, {"error": "busy"})
            return
        super().do_POST()


class _Slow(RegistryServer):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.RequestHandlerClass = _SlowHandler


class _SlowHandler(_Handler):
    def do_POST(self):
        time.sleep(1.0)
        super().do_POST()


def test_http_retries_5xx_then_succeeds(case):
    with running(case.registry(), server_cls=_Flaky) as server:
        remote = HttpRegistry(server.url, retries=2, backoff_s=0.01)
        assert remote.verify(_housing_query(case)).outcome == Outcome.CONFIRMED
        assert server.requests_seen == 3
        remote.close()
    with running(case.registry(), server_cls=_Flaky) as server:
        remote = HttpRegistry(server.url, retries=1, backoff_s=0.01)
        v = remote.verify(_housing_query(case))
        assert v.outcome == Outcome.UNAVAILABLE and "503" in v.detail and server.requests_seen == 2
        remote.close()


def test_http_timeout_is_unavailable(case):
    with running(case.registry(), server_cls=_Slow) as server:
        remote = HttpRegistry(server.url, timeout_s=0.2, retries=1, backoff_s=0.01)
        t0 = time.perf_counter()
        v = remote.verify(_housing_query(case))
        elapsed = time.perf_counter() - t0
        assert v.outcome == Outcome.UNAVAILABLE and "timed out" in v.detail
        assert elapsed < 1.0 * 2  # both tries gave up at the timeout, not at the server's pace
        remote.close()
