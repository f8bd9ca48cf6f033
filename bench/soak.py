"""Memory soak: many frames through one server, resident memory watched.

Starts ``docintel serve`` (API + embedded worker) on loopback with a throwaway var/, pushes ``--frames`` uploads
through ``POST /v1/extract`` from ``--concurrency`` clients (the committed ID-card frames and contract camera
pages in turn, each made a new file by a trailer after its JPEG end marker), and reads the resident set size
(VmRSS) and its peak (VmHWM) of every process of the server's process group from /proc: at start, after the
warm-up frames, every ``--every`` frames and at the end. Prints one JSON object; the target is growth after
warm-up of at most 5 %.

    .venv/bin/python bench/soak.py [--frames 500] [--warmup 50] [--concurrency 2] [--every 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from devtools.server_process import ServerProcess  # noqa: E402


def frames() -> list[Path]:
    cards = sorted((ROOT / "samples" / "idcards").glob("*.jpg"))
    pages = sorted((ROOT / "samples" / "contracts").glob("*camera*.jpg"))
    if not cards:
        raise SystemExit("no committed sample frames under samples/")
    return cards + pages


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) // 1024  # kB → MiB
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


def group_memory(pgid: int) -> dict:
    """RSS and peak RSS (MiB) of every live process in the server's process group."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
        st = _status(int(entry.name))
        if st:
            procs[entry.name] = {
                "cmd": f"{entry.name}: {cmd[:100]}",
                "rss_mb": st.get("VmRSS"),
                "peak_rss_mb": st.get("VmHWM"),
            }
    return {"total_rss_mb": sum(p["rss_mb"] or 0 for p in procs.values()), "processes": procs}


async def push(base_url: str, key: str, files: list[Path], count: int, concurrency: int, on_done) -> list[float]:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {key}"}
    latencies: list[float] = []
    nonce = iter(range(1, 1 << 30))
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=300) as client:

        async def worker() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                f = files[i % len(files)]
                data = f.read_bytes() + next(nonce).to_bytes(4, "big")
                t0 = time.perf_counter()
                r = await client.post("/v1/extract", files={"file": (f.name, data, "image/jpeg")})
                if r.status_code != 200:
                    raise RuntimeError(f"/v1/extract: {r.status_code} {r.text[:300]}")
                latencies.append((time.perf_counter() - t0) * 1000)
                on_done(len(latencies))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--every", type=int, default=50, help="sample memory every N frames")
    args = ap.parse_args()
    files = frames()
    var = Path(tempfile.mkdtemp(prefix="docintel-bench-soak-"))
    from config.settings import get_settings

    env = {
        **os.environ,
        "DOCINTEL_VAR_DIR": str(var),
        "DOCINTEL_OCR__MODEL_DIR": str(get_settings().ocr.model_dir),
        "DOCINTEL_CHECKS__REGISTRY": "none",
        "DOCINTEL_LOG_LEVEL": "WARNING",
    }
    samples: list[dict] = []
    with ServerProcess(env=env, log_path=var / "server.log").start(wait_for="/healthz") as server:
        pgid = server._proc.pid  # its own process group (start_new_session)
        key = server.create_key(role="counter", branch="SOAK")
        start = group_memory(pgid)
        t0 = time.perf_counter()

        def on_done(n: int) -> None:
            if n == args.warmup or n % args.every == 0 or n == args.frames:
                mem = group_memory(pgid)
                samples.append({"frames": n, "total_rss_mb": mem["total_rss_mb"], "s": round(time.perf_counter() - t0)})
                print(f"bench: {n} frames, {mem['total_rss_mb']} MiB", file=sys.stderr, flush=True)

        latencies = asyncio.run(push(server.base_url, key, files, args.frames, args.concurrency, on_done))
        end = group_memory(pgid)
    warm = next(s for s in samples if s["frames"] >= args.warmup)
    after = [s["total_rss_mb"] for s in samples if s["frames"] >= warm["frames"]]
    growth = (end["total_rss_mb"] - warm["total_rss_mb"]) / warm["total_rss_mb"]
    latencies.sort()
    result = {
        "bench": "soak",
        "frames": args.frames,
        "warmup_frames": args.warmup,
        "concurrency": args.concurrency,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rss_mb": {
            "start": start["total_rss_mb"],
            "after_warmup": warm["total_rss_mb"],
            "end": end["total_rss_mb"],
            "max_after_warmup": max(after),
        },
        "growth_after_warmup": round(growth, 4),
        "peak_rss_mb_per_process": {p["cmd"]: p["peak_rss_mb"] for p in end["processes"].values()},
        "samples": samples,
        "p50_ms": round(latencies[len(latencies) // 2], 1),
        "target": {"growth_after_warmup_at_most_5_percent": growth <= 0.05},
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
