"""Signing time per PAdES level and validation time, median of several runs; JSON on stdout.

    .venv/bin/python bench/sign.py [--runs 9] [--pki-dir DIR]

Renders the demo case's application once, then signs it at every level with the dev PKI (RSA-2048; the TSA,
OCSP responder and CRLs answer over loopback HTTP from this process, so B-T..B-LTA include real round trips) and
validates each result. Uses the in-memory dev key, as the service does; a PKCS#12 key costs the same once loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _timed(fn, runs: int) -> tuple[tuple[list[float], list[float]], object]:
    out = fn()  # warm-up: imports, font registration, first connections
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return (wall, cpu), out


def _stats(samples: tuple[list[float], list[float]]) -> dict[str, float]:
    wall, cpu = samples
    # cpu_ms is this process's CPU time, the in-process dev TSA/OCSP/CRL server included: on a machine shared
    # with other work it shows what the operation costs when wall time is inflated by waiting for a core.
    return {
        "median_ms": round(statistics.median(wall), 1),
        "min_ms": round(min(wall), 1),
        "max_ms": round(max(wall), 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--pki-dir", type=Path, default=None, help="dev PKI folder (default: a fresh temp dir)")
    args = ap.parse_args()

    from devtools.demo_case import demo_application
    from signing.devpki.pki import load_dev_pki
    from signing.devpki.server import ensure_dev_services
    from signing.pades import sign
    from signing.render import render_application, render_receipt
    from signing.spec import Level, SignatureSpec
    from signing.tsa import build_timestamper
    from signing.validation import TrustConfig, verify

    pki_dir = args.pki_dir or Path(tempfile.mkdtemp(prefix="docintel-bench-pki-"))
    pki = load_dev_pki(pki_dir)
    server = ensure_dev_services(pki)
    data = demo_application()
    render_app, application = _timed(lambda: render_application(data), args.runs)
    render_rcpt, _ = _timed(lambda: render_receipt(data), args.runs)
    signer = pki.signer()
    tsa = build_timestamper(pki.tsa_url)
    trust = TrustConfig(roots=(pki.root_cert,), allow_fetching=True, dev_pki=True)
    offline = TrustConfig(roots=(pki.root_cert,), allow_fetching=False, dev_pki=True)
    levels = {}
    for level in Level:

        def do_sign(level=level) -> bytes:
            return sign(
                application,
                spec=SignatureSpec(level=level),
                signer=signer,
                timestamper=tsa,
                trust_roots=[pki.root_cert],
            )

        sign_ms, signed = _timed(do_sign, args.runs)
        verify_ms, report = _timed(lambda signed=signed: verify(signed, trust=trust), args.runs)
        entry = {
            "sign": _stats(sign_ms),
            "verify": _stats(verify_ms),
            "indication": report.signatures[0].indication,
            "level_reached": report.signatures[0].level,
            "bytes": len(signed),
        }
        if level.embeds_validation_info:
            offline_ms, off_report = _timed(lambda signed=signed: verify(signed, trust=offline), args.runs)
            entry["verify_offline"] = _stats(offline_ms) | {"indication": off_report.signatures[0].indication}
        levels[str(level)] = entry
    server.stop()
    print(
        json.dumps(
            {
                "bench": "sign",
                "runs": args.runs,
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg": os.getloadavg()},
                "key": "RSA-2048 (dev PKI, in memory)",
                "application_bytes": len(application),
                "render_application": _stats(render_app),
                "render_receipt": _stats(render_rcpt),
                "levels": levels,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
