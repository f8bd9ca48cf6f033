"""``make demo`` (``python -m devtools.demo``): one full counter transaction over real HTTP.

Starts ``docintel serve`` on a free loopback port with the embedded defaults (SQLite and blobs under var/, the dev
PKI), waits for /readyz, creates a counter key with ``docintel keys create``, then, as the counter software would:
opens a purchase-withdrawal case, uploads the ID card front and back and the contract pages one frame at a time,
reads the check report, finalizes, downloads the signed application and receipt, and has them verified (by the
API, and independently by poppler's ``pdfsig`` when it is installed). Prints a short summary and where the PDFs
are, then stops the server.

The inputs are a generated case (a fake identity, seed 7; ``samples/cases/demo`` if present, else generated into
``var/demo/case``) whose records are in the sample registry (``samples/registry/registry.json``). Outside
registries are off by default; the demo configures the sample registry explicitly, so the checks consult it and pass.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from config.settings import PROJECT_ROOT, get_settings
from devtools.server_process import ServerProcess
from domain.masking import mask_id_number, mask_name

SEED = 7
SAMPLE_REGISTRY = PROJECT_ROOT / "samples" / "registry" / "registry.json"


def _case_inputs(out: Path) -> dict:
    """The demo case: documents in upload order, with its business date, facts and registry file."""
    shipped = PROJECT_ROOT / "samples" / "cases" / "demo"
    folder = shipped if (shipped / "case.json").exists() else out
    if folder is out and not (out / "case.json").exists():
        from samples.generator.case import make_case, write_case

        write_case(make_case(SEED, business="purchase_withdrawal", contract_form="camera"), out)
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    docs = []
    for d in meta["documents"]:
        path = folder / d["path"]
        pages = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        docs.append({"expected": d["doc_type"], "pages": pages})
    return {"folder": folder, "meta": meta, "documents": docs}


def _masked(name: str, value: object) -> object:
    """Names and ID numbers are shown masked, also inside repeated groups such as ``buyers``."""
    if isinstance(value, list):
        return [{k: _masked(k, v) for k, v in item.items()} if isinstance(item, dict) else item for item in value]
    if isinstance(value, str) and name.endswith("id_number"):
        return mask_id_number(value)
    if isinstance(value, str) and name.endswith("name"):
        return mask_name(value)
    return value


def _show_fields(doc: dict) -> str:
    shown = [f"{name}={_masked(name, f['value'])}" for name, f in doc["fields"].items()]
    return ", ".join(shown[:6]) + (" …" if len(shown) > 6 else "")


def _pdfsig(path: Path) -> str:
    if shutil.which("pdfsig") is None:
        return "pdfsig not installed"
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    lines = [ln.strip() for ln in out.stdout.splitlines() if "Signature Validation" in ln]
    return "; ".join(lines) or out.stdout.strip()[-200:]


def run_transaction(base_url: str, key: str, inputs: dict, out: Path) -> dict:
    meta = inputs["meta"]
    headers = {"Authorization": f"Bearer {key}"}
    summary: dict = {"uploads": []}
    with httpx.Client(base_url=base_url, headers=headers, timeout=180) as http:
        body = {"business_type": meta["business"], "business_date": meta["business_date"]}
        if meta.get("facts"):
            body["facts"] = meta["facts"]
        r = http.post("/v1/cases", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
        r.raise_for_status()
        case_id = r.json()["id"]
        print(f"case {case_id} opened: {meta['business']} on {meta['business_date']}")
        for doc in inputs["documents"]:
            document_id = None
            for page in doc["pages"]:
                data = {"append_to": document_id} if document_id else {}
                t0 = time.perf_counter()
                r = http.post(
                    f"/v1/cases/{case_id}/documents",
                    files={"file": (page.name, page.read_bytes(), "application/octet-stream")},
                    data=data,
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                )
                ms = (time.perf_counter() - t0) * 1000
                if r.status_code != 201:
                    raise SystemExit(f"upload of {page.name} failed: {r.status_code} {r.text[:500]}")
                got = r.json()["documents"][0]
                document_id = got["id"]
                ocr_ms = got["extraction"]["timing_ms"].get("ocr", 0.0)
                summary["uploads"].append(
                    {"file": page.name, "doc_type": got["doc_type"], "ms": round(ms), "ocr_ms": round(ocr_ms)}
                )
                print(
                    f"  uploaded {page.name:<18} → {got['doc_type']:<18} {ms:6.0f} ms (OCR {ocr_ms:5.0f} ms)  "
                    f"{_show_fields(got)}"
                )
        case = http.get(f"/v1/cases/{case_id}").json()
        report = case["check_report"]
        print(f"check report: passed={report['passed']}")
        for f in report["findings"]:
            print(f"  [{f['severity']}] {f['rule']}: {f['message']}")
        r = http.post(f"/v1/cases/{case_id}/finalize", headers={"Idempotency-Key": f"finalize-{case_id}"})
        if r.status_code != 201:
            raise SystemExit(f"finalize failed: {r.status_code} {r.text[:1000]}")
        summary.update(case_id=case_id, passed=report["passed"], verification={})
        for kind in ("application", "receipt"):
            pdf = http.get(f"/v1/cases/{case_id}/{kind}.pdf")
            pdf.raise_for_status()
            path = out / f"{kind}.pdf"
            path.write_bytes(pdf.content)
            v = http.post("/v1/verify", files={"file": (path.name, pdf.content, "application/pdf")})
            v.raise_for_status()
            indications = [s.get("indication") for s in v.json().get("signatures", [])]
            summary["verification"][kind] = {"path": str(path), "indications": indications, "pdfsig": _pdfsig(path)}
    return summary


def _print_console(settings, running_at: str | None, key: str) -> None:  # type: ignore[no-untyped-def]
    """Where the clerk's console is, and a key to sign in with (a counter key of the demo's branch, kept in the
    same database under var/, so it works on `make serve` too: the demo's case is in its list)."""
    print()
    if running_at:
        print(f"console: {running_at}/console/  (the server keeps running)")
    else:
        url = f"http://{settings.api.host}:{settings.api.port}/console/"
        print(f"console: start the service with `make serve` (or `docintel serve`), then open {url}")
    print("sign in with this key (counter, branch DEMO01):")
    print(key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--keep-running", action="store_true", help="leave the server up after the transaction")
    args = parser.parse_args(argv)

    settings = get_settings()
    out = settings.var_dir / "demo"
    out.mkdir(parents=True, exist_ok=True)
    inputs = _case_inputs(out / "case")
    # Embedded defaults throughout, except the outside registry: the sample one, which holds this case's records.
    registry = {"DOCINTEL_CHECKS__REGISTRY": "local", "DOCINTEL_CHECKS__REGISTRY_FILE": str(SAMPLE_REGISTRY)}
    server = ServerProcess(env=registry, log_path=out / "server.log", worker=True)  # as `make serve` runs it
    print(f"starting docintel serve on {server.base_url} (log: {out / 'server.log'}) …")
    t0 = time.perf_counter()
    server.start(wait_for="/readyz")
    print(f"ready in {time.perf_counter() - t0:.1f} s")
    try:
        key = server.create_key(role="counter", branch="DEMO01")
        summary = run_transaction(server.base_url, key, inputs, out)
    finally:
        if not args.keep_running:
            server.stop()
    ok = all(
        v["indications"] and all(i == "TOTAL-PASSED" for i in v["indications"])
        for v in summary["verification"].values()
    )
    print()
    print(f"case {summary['case_id']}: {len(summary['uploads'])} frames uploaded, checks passed={summary['passed']}")
    for kind, v in summary["verification"].items():
        print(f"  {kind:<12} {v['path']}  signatures: {', '.join(v['indications'])}  (pdfsig: {v['pdfsig']})")
    print("demo " + ("succeeded" if ok else "FAILED: a signature did not verify TOTAL-PASSED"))
    _print_console(settings, server.base_url if args.keep_running else None, key)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
