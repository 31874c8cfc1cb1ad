"""Load, reopen and neighbourhood-view timings of the embedded store.

Builds the synthetic province (:mod:`loaders.synthetic` at the shape of
:func:`bench.world.store_world`: Gyeonggi's 31 cities and ~540 dongs, 0.30
services and 0.15 volunteers per household, every household already receiving
5-10 services) in an :class:`graph.embedded.EmbeddedStore`, then times:

* the load: every record written in units of work of at most ``--batch``
  records (one kind per unit), total seconds and records per second;
* a full copy of the graph (``store.graph()``), whose size is reported;
* the reopen: the store closed and a new one opened on the file, in this
  process and in a fresh one (whose peak RSS is the memory a server needs to
  open the file);
* ``store.neighbourhood(hid)`` over ``--samples`` random households: median
  and 95th percentile in ms, and the mean size of a neighbourhood.

Run::

    python bench/bench_store.py                     # 20,000 households: ~95k nodes, ~300k edges
    python bench/bench_store.py --households 2000 --json out.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402

from bench import world  # noqa: E402
from graph.embedded import EmbeddedStore  # noqa: E402
from graph.model import Record, node_key  # noqa: E402

DEFAULT_HOUSEHOLDS = 20_000
DEFAULT_SEED = 20_261_102
DEFAULT_BATCH = 10_000
DEFAULT_SAMPLES = 1_000


def generate(households: int, seed: int) -> list[tuple[str, list[Record]]]:
    """The bench's world, ``(kind, records)`` in an order a store can write without forward
    references: :func:`bench.world.store_world`. Deterministic for a given (households, seed)."""
    return world.store_world(households, seed)


# ---------------------------------------------------------------------------
# measuring


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (ru_maxrss), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def current_rss_mb() -> float | None:
    """This process's resident set size now (Linux only; None elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return None


def _chunks(records: list[Record], size: int) -> Iterator[list[Record]]:
    for i in range(0, len(records), size):
        yield records[i:i + size]


def load(store: EmbeddedStore, batches: list[tuple[str, list[Record]]], batch: int) -> dict:
    """Write every record in units of work of at most ``batch`` records."""
    per_kind: dict[str, dict[str, float]] = {}
    slowest = 0.0
    units = records = 0
    t0 = time.perf_counter()
    for kind, recs in batches:
        k0 = time.perf_counter()
        for chunk in _chunks(recs, batch):
            u0 = time.perf_counter()
            with store.unit_of_work() as uow:
                uow.put_many(chunk)
            slowest = max(slowest, time.perf_counter() - u0)
            units += 1
        per_kind[kind] = {"records": len(recs), "seconds": round(time.perf_counter() - k0, 3)}
        records += len(recs)
    seconds = time.perf_counter() - t0
    return {
        "records": records, "units_of_work": units, "seconds": seconds,
        "records_per_second": records / seconds if seconds else 0.0,
        "slowest_unit_seconds": slowest, "per_kind": per_kind,
    }


# On Linux a child's ru_maxrss starts from its parent's peak (it is carried
# across fork and exec), so the child reports its own high-water mark, VmHWM.
_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from graph.embedded import EmbeddedStore
t0 = time.perf_counter()
store = EmbeddedStore(sys.argv[1])
seconds = time.perf_counter() - t0
n = sum(store.counts().values())
store.close()
try:
    with open("/proc/self/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    how = "VmHWM"
except (OSError, StopIteration):
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kb = kb / 1024 if sys.platform == "darwin" else kb
    how = "ru_maxrss"
print(json.dumps({"seconds": seconds, "records": n, "peak_rss_mb": kb / 1024, "peak_rss_from": how}))
"""


def reopen_in_fresh_process(db: str) -> dict:
    """Open the file in a new Python process: its open time and its own peak
    RSS (what a server process needs to open this file)."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, db, str(ROOT)], capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_neighbourhoods(store: EmbeddedStore, household_ids: list[str], samples: int, seed: int) -> dict:
    rng = random.Random(seed + 1)
    chosen = rng.sample(household_ids, min(samples, len(household_ids)))
    times: list[float] = []
    sizes: list[int] = []
    edges: list[int] = []
    all_have_household = True
    for hid in chosen:
        t0 = time.perf_counter()
        g = store.neighbourhood(hid)
        times.append(time.perf_counter() - t0)
        sizes.append(g.number_of_nodes())
        edges.append(g.number_of_edges())
        all_have_household &= node_key("Household", hid) in g
    times.sort()
    return {
        "samples": len(chosen),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))] * 1000,
        "max_ms": times[-1] * 1000,
        "mean_nodes": statistics.fmean(sizes),
        "mean_edges": statistics.fmean(edges),
        "all_contain_the_household": all_have_household,
    }


def run(households: int, seed: int, db: str, batch: int, samples: int, fresh_process: bool = True) -> dict:
    """Generate, load, reopen and time; returns every figure."""
    results: dict = {
        "params": {"households": households, "seed": seed, "batch": batch, "samples": samples},
        "env": {
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "networkx": nx.__version__, "platform": platform.platform(), "cpus": os.cpu_count(),
        },
    }
    t0 = time.perf_counter()
    batches = list(generate(households, seed))
    results["generate_seconds"] = time.perf_counter() - t0
    household_ids = [r.key for kind, recs in batches if kind == "Household" for r in recs]

    store = EmbeddedStore(db)
    try:
        results["load"] = load(store, batches, batch)
        results["rss_after_load_mb"] = current_rss_mb()
        results["peak_rss_after_load_mb"] = max(peak_rss_mb(), results["rss_after_load_mb"] or 0.0)
        results["counts"] = store.counts()
        if sum(results["counts"].values()) != results["load"]["records"]:
            raise AssertionError("the generator wrote some id twice: the counts would be off")
        t0 = time.perf_counter()
        g = store.graph()
        results["graph_copy_seconds"] = time.perf_counter() - t0
        results["nodes"], results["edges"] = g.number_of_nodes(), g.number_of_edges()
        del g
    finally:
        store.close()
    del batches, store
    gc.collect()
    results["file_mb"] = sum(
        os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)
    ) / (1024 * 1024)

    t0 = time.perf_counter()
    store = EmbeddedStore(db)
    results["reopen_seconds"] = time.perf_counter() - t0
    try:
        if store.counts() != results["counts"]:
            raise AssertionError("the reopened store does not hold what was written")
        results["neighbourhood"] = time_neighbourhoods(store, household_ids, samples, seed)
    finally:
        store.close()
    # statm's resident pages and ru_maxrss are counted a little differently
    # (a few hundred KiB apart): the process peak is at least what was seen
    results["peak_rss_mb"] = max(peak_rss_mb(), results["peak_rss_after_load_mb"])
    if fresh_process:
        results["reopen_fresh_process"] = reopen_in_fresh_process(db)
    return results


def report(r: dict, out=sys.stdout) -> None:
    load_, nb = r["load"], r["neighbourhood"]
    rows = [
        ("households (seed)", f"{r['params']['households']:,} ({r['params']['seed']})"),
        ("nodes / edges (store.graph())", f"{r['nodes']:,} / {r['edges']:,}"),
        ("records written (incl. receipts)",
         f"{load_['records']:,} in {load_['units_of_work']} units of work"),
        ("generate (not timed in load)", f"{r['generate_seconds']:.2f} s"),
        ("load", f"{load_['seconds']:.2f} s = {load_['records_per_second']:,.0f} records/s"
                 f" (slowest unit {load_['slowest_unit_seconds']:.2f} s)"),
        ("full graph copy (store.graph())", f"{r['graph_copy_seconds']:.2f} s"),
        ("file size", f"{r['file_mb']:.1f} MiB"),
        ("reopen (same process)", f"{r['reopen_seconds']:.2f} s"),
    ]
    fresh = r.get("reopen_fresh_process")
    if fresh:
        rows.append(("reopen (fresh process): time, peak RSS",
                     f"{fresh['seconds']:.2f} s, {fresh['peak_rss_mb']:,.0f} MiB"))
    after = r["rss_after_load_mb"]
    rows += [
        ("RSS after load (now / process peak)",
         f"{after:,.0f} / {r['peak_rss_after_load_mb']:,.0f} MiB" if after is not None
         else f"? / {r['peak_rss_after_load_mb']:,.0f} MiB"),
        ("peak RSS, whole bench process", f"{r['peak_rss_mb']:,.0f} MiB (ru_maxrss: the process peak)"),
        (f"neighbourhood x{nb['samples']}: median / p95 / max",
         f"{nb['median_ms']:.2f} / {nb['p95_ms']:.2f} / {nb['max_ms']:.2f} ms"),
        ("neighbourhood size (mean)", f"{nb['mean_nodes']:.0f} nodes, {nb['mean_edges']:.0f} edges"),
    ]
    width = max(len(k) for k, _ in rows)
    print("embedded store bench", file=out)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}", file=out)
    kinds = ", ".join(f"{k} {v:,}" for k, v in r["counts"].items())
    print(f"  records by kind: {kinds}", file=out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS,
                   help="households to generate; everything else scales with it "
                        f"(default {DEFAULT_HOUSEHOLDS:,})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generator")
    p.add_argument("--db", help="database file to build (default: a temporary file, removed afterwards)")
    p.add_argument("--overwrite", action="store_true", help="remove --db first if it exists")
    p.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="records per unit of work")
    p.add_argument("--samples", type=int, default=DEFAULT_SAMPLES,
                   help="households whose neighbourhood is timed")
    p.add_argument("--no-fresh-process", action="store_true",
                   help="skip the reopen in a fresh process")
    args = p.parse_args(argv)
    if args.households < 1 or args.batch < 1 or args.samples < 1:
        p.error("--households, --batch and --samples must be at least 1")
    return args


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dolbom-bench-") as tmp:
        db = args.db or os.path.join(tmp, "bench.db")
        existing = [p for p in (db, db + "-wal", db + "-shm") if os.path.exists(p)]
        if existing and not args.overwrite:
            raise SystemExit(f"bench_store: {db} exists; remove it or pass --overwrite")
        for p in existing:
            os.remove(p)
        results = run(args.households, args.seed, db, args.batch, args.samples,
                      fresh_process=not args.no_fresh_process)
    results["db"] = args.db
    report(results, out)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=2, ensure_ascii=False)
            f.write("\n")
    return results


if __name__ == "__main__":
    main()
