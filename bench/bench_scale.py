"""The embedded store's scale ladder: where does it stop being usable?

For each size of ``--households`` (default 100,000, 300,000 and 1,000,000), as a user would:

1. ``dolbom generate --households N`` writes the synthetic province's CSV bundle (not timed as load);
2. ``dolbom init`` + ``dolbom load`` write it into a new embedded file: **load** seconds;
3. a fresh process opens the file (``EmbeddedStore``, the records read into memory): **open**
   seconds and its resident size then (**RSS open**, ``VmRSS``; ``VmHWM`` its peak); in the same
   process ``--samples`` random households are matched (``store.neighbourhood`` +
   ``matching.match``, limit 3): **match p50/p95**; then the coordinators' coverage of every
   region (``store.graph()`` + ``matching.coverage``): **coverage** seconds and the process's
   peak memory with that whole-graph view built (**RSS coverage**);
4. ``dolbom serve`` on the file (one worker): seconds from start to answering ``/healthz``
   and to answering ``/readyz`` (which waits until the records are in memory), and the server
   process's resident size once ready (**RSS serve**).

Run::

    python bench/bench_scale.py                                   # 100k, 300k, 1M: about 30 minutes
    python bench/bench_scale.py --households 100000 --samples 200
    python bench/bench_scale.py --dir /tmp/scale --keep --json bench/results/scale.json

Every figure of one size comes from one run on one machine; ``loadavg`` is recorded beside it
(the machines here are shared: read the figures with it).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402

DOLBOM = [sys.executable, "-m", "api.cli"]
SIZES = (100_000, 300_000, 1_000_000)


def _status_mib(pid: int | str = "self") -> dict[str, int]:
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                out[line.split(":")[0]] = int(line.split()[1]) // 1024
    return out


def _run(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def in_process(db: str, samples: int, seed: int, coverage: bool) -> dict[str, Any]:
    """Step 3, run in a fresh process (``--child``): open, match, coverage."""
    import datetime as dt

    from graph.embedded import EmbeddedStore
    from matching import coverage as coverage_of
    from matching import match

    t = time.perf_counter()
    store = EmbeddedStore(db, create=False)
    out: dict[str, Any] = {"open_s": time.perf_counter() - t, "rss_open": _status_mib()}
    ids = [h.key for h in store.list("Household")]
    on = dt.date(2026, 6, 1)
    times = []
    for hid in random.Random(seed).sample(ids, min(samples, len(ids))):
        t = time.perf_counter()
        match(store.neighbourhood(hid), hid, on=on, limit=3)
        times.append((time.perf_counter() - t) * 1000)
    out["match_ms"] = {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times)}
    if coverage:
        t = time.perf_counter()
        g = store.graph()
        out["view_s"] = time.perf_counter() - t
        cells = coverage_of(g, on=on)
        out["coverage_s"] = time.perf_counter() - t
        out["cells"] = len(cells)
        out["rss_coverage"] = _status_mib()
    store.close()
    return out


def serve(db: str, env: dict[str, str], port: int) -> dict[str, Any]:
    """Step 4: ``dolbom serve``, timed from start to /healthz and /readyz; its RSS once ready."""
    env = dict(env, DOLBOM_DB=db)
    env.pop("NEO4J_URI", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen([*DOLBOM, "serve", "--db", db, "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def get(path: str) -> int:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        try:
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            return r.status
        finally:
            c.close()

    try:
        healthz = None
        while time.perf_counter() - t0 < 600:
            if proc.poll() is not None:
                raise RuntimeError(f"dolbom serve exited with {proc.returncode}")
            try:
                if get("/healthz") == 200:
                    healthz = time.perf_counter() - t0
                    break
            except OSError:
                time.sleep(0.02)
        if healthz is None:
            raise RuntimeError("dolbom serve did not answer /healthz in 600 s")
        status = get("/readyz")
        ready = time.perf_counter() - t0
        if status != 200:
            raise RuntimeError(f"/readyz answered {status}")
        return {"healthz_s": healthz, "readyz_s": ready, "rss_serve": _status_mib(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def one_size(n: int, folder: Path, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    bundle, db = folder / f"bundle-{n}", folder / f"scale-{n}.db"
    r: dict[str, Any] = {"households": n, "loadavg_start": os.getloadavg()[0]}
    if not db.exists():
        if bundle.exists():
            shutil.rmtree(bundle)
        r["generate_s"] = _run([*DOLBOM, "generate", "--households", str(n), "--seed", str(args.seed),
                                "--encoding", "utf-8", str(bundle)], env)
        _run([*DOLBOM, "init", "--db", str(db)], env)
        r["load_s"] = _run([*DOLBOM, "load", "--db", str(db), "--encoding", "utf-8", str(bundle)], env)
        shutil.rmtree(bundle)
    r["file_mib"] = round(db.stat().st_size / 2**20, 1)
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(db), "--samples", str(args.samples),
         "--seed", str(args.seed), *(["--no-coverage"] if n > args.coverage_max else [])],
        check=True, cwd=ROOT, env=env, capture_output=True, text=True)
    r.update(json.loads(child.stdout.strip().splitlines()[-1]))
    r.update(serve(str(db), env, args.port))
    r["loadavg_end"] = os.getloadavg()[0]
    return r


def report(results: list[dict[str, Any]], out) -> None:
    head = ("households", "load s", "open s", "RSS open", "healthz s", "readyz s", "RSS serve",
            "match p50/p95 ms", "coverage s", "RSS coverage", "load avg")
    out.write(" | ".join(head) + "\n")
    for r in results:
        cov = f"{r['coverage_s']:.1f}" if "coverage_s" in r else "not run"
        rss_cov = f"{r['rss_coverage']['VmHWM']} MiB" if "rss_coverage" in r else "-"
        out.write(" | ".join((
            f"{r['households']:,}", f"{r['load_s']:.1f}" if "load_s" in r else "(reused)",
            f"{r['open_s']:.1f}", f"{r['rss_open']['VmRSS']} MiB", f"{r['healthz_s']:.2f}",
            f"{r['readyz_s']:.1f}", f"{r['rss_serve']['VmRSS']} MiB",
            f"{r['match_ms']['p50']:.1f} / {r['match_ms']['p95']:.1f}", cov, rss_cov,
            f"{r['loadavg_start']:.1f}-{r['loadavg_end']:.1f}")) + "\n")


def main(argv: list[str] | None = None, out=sys.stdout) -> list[dict[str, Any]]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--households", type=int, nargs="+", default=list(SIZES))
    p.add_argument("--samples", type=int, default=200, help="households matched per size (default 200)")
    p.add_argument("--seed", type=int, default=23)
    p.add_argument("--coverage-max", type=int, default=10_000_000, dest="coverage_max",
                   help="measure coverage only up to this many households")
    p.add_argument("--dir", help="where the files go (default: a temporary folder); a file there is reused")
    p.add_argument("--keep", action="store_true", help="keep the files")
    p.add_argument("--port", type=int, default=8791)
    p.add_argument("--json", dest="json_out")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--no-coverage", action="store_true", dest="no_coverage", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(in_process(args.child, args.samples, args.seed, not args.no_coverage)))
        return []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    folder = Path(args.dir or tempfile.mkdtemp(prefix="dolbom-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for n in args.households:
            out.write(f"{n:,} households ...\n")
            out.flush()
            results.append(one_size(n, folder, args, env))
            report(results[-1:], out)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    report(results, out)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"env": {"python": platform.python_version(), "cpus": os.cpu_count(),
                               "platform": platform.platform()}, "sizes": results}, f, indent=2)
            f.write("\n")
    return results


if __name__ == "__main__":
    main()
