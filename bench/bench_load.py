"""Load throughput of a CSV bundle, against a raw SQLite ``executemany`` of the same rows.

One run: writes a synthetic bundle (``dolbom generate``) of about ``--rows``
rows, then alternates, ``--repeat`` times each, two loads of it into a fresh
database file, each in its own child process (so its peak RSS is its own):

* **raw**: ``csv.reader`` over each file and ``executemany`` into one table
  per file with the file's columns and its id as primary key, in one
  transaction, WAL, ``synchronous=FULL`` — getting the rows into SQLite with
  no checks at all;
* **dolbom**: :func:`loaders.csvbundle.load_bundle` into an embedded store:
  every row checked as the model checks it, references, duplicates and
  region trees checked, stored as the store's JSON rows, all or nothing. A
  bundle this size is read by a worker process (``loaders.prepare``) while
  the loading process checks and writes;
* **dolbom-1p**: the same load with ``workers=False``: everything in one
  process, for comparison.

It reports rows/s, peak RSS and the database file's size of each (medians
over the repeats; for dolbom also the worker's peak RSS) and the ratios; the goal in issue 3 is dolbom >=
50 % of raw.

    .venv/bin/python bench/bench_load.py                   # ~1,000,000 rows
    .venv/bin/python bench/bench_load.py --rows 100000 --repeat 3 --json out.json
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: rows of a bundle per household of the synthetic generator (measured: 1,000,811 / 215,000)
ROWS_PER_HOUSEHOLD = 4.655


def raw_load(bundle: str, db: str) -> int:
    """``executemany`` of every file's rows into an equivalent table; returns rows."""
    import sqlite3

    from loaders.bundle import SHEETS

    c = sqlite3.connect(db, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=FULL")
    n = 0
    c.execute("BEGIN IMMEDIATE")
    for s in SHEETS:
        path = Path(bundle) / s.filename
        if not path.exists():
            continue
        cols = ", ".join(f'"{h}" TEXT' for h in s.headers)
        key = "id" if "id" in s.headers else ", ".join(f'"{h}"' for h in s.headers)
        c.execute(f'CREATE TABLE "{s.label}" ({cols}, PRIMARY KEY ({key})) WITHOUT ROWID')
        insert = f'INSERT INTO "{s.label}" VALUES ({", ".join("?" * len(s.headers))})'
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = csv.reader(f)
            next(rows)
            while chunk := list(itertools.islice(rows, 5_000)):
                c.executemany(insert, chunk)
                n += len(chunk)
    c.execute("COMMIT")
    c.close()
    return n


def dolbom_load(bundle: str, db: str, workers: bool | None = None) -> int:
    from graph.embedded import EmbeddedStore
    from loaders.csvbundle import load_bundle

    with EmbeddedStore(db) as store:
        report = load_bundle(store, bundle, workers=workers)
    return report.total_rows


HOWS = ("raw", "dolbom", "dolbom-1p")


def one(how: str, bundle: str, db: str) -> dict:
    """Run one load in this process; its figures as a dict."""
    t0 = time.perf_counter()
    if how == "raw":
        rows = raw_load(bundle, db)
    else:
        rows = dolbom_load(bundle, db, workers=False if how == "dolbom-1p" else None)
    seconds = time.perf_counter() - t0
    db_bytes = sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"how": how, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
            "peak_rss_mib": rss_kib / 1024, "worker_peak_rss_mib": worker_kib / 1024,
            "db_mib": db_bytes / 2**20}


def _child(how: str, bundle: str, db: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", how, bundle, db], capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{how} load failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace, out) -> dict:
    from loaders.csvbundle import write_bundle
    from loaders.synthetic import generate

    households = max(100, round(args.rows / ROWS_PER_HOUSEHOLD))
    results: dict = {"params": {k: v for k, v in vars(args).items() if k != "one"},
                     "env": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "platform": platform.platform()}}
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "bundle")
        out.write(f"writing a bundle of {households:,} households ...\n")
        t0 = time.perf_counter()
        counts = write_bundle(generate(households, args.seed), bundle)
        results["bundle"] = {"households": households, "rows": sum(counts.values()), "files": counts,
                             "bytes": sum(p.stat().st_size for p in Path(bundle).iterdir()),
                             "seconds": time.perf_counter() - t0}
        out.write(f"  {results['bundle']['rows']:,} rows, {results['bundle']['bytes'] / 2**20:,.0f} MiB\n")
        runs: dict[str, list[dict]] = {how: [] for how in HOWS}
        for i in range(args.repeat):
            for how in HOWS:
                db = os.path.join(tmp, f"{how}-{i}.db")
                r = _child(how, bundle, db)
                runs[how].append(r)
                out.write(f"  {how:<9} run {i + 1}: {r['rows_per_s']:>10,.0f} rows/s  {r['seconds']:6.1f} s  "
                          f"peak RSS {r['peak_rss_mib']:,.0f} MiB\n")
                for p in Path(tmp).glob(f"{how}-{i}.db*"):
                    p.unlink()
        results["runs"] = runs
        keys = ("rows_per_s", "seconds", "peak_rss_mib", "worker_peak_rss_mib", "db_mib")
        med = {how: {k: statistics.median(r[k] for r in rs) for k in keys} for how, rs in runs.items()}
        results["median"] = med
        results["ratio"] = med["dolbom"]["rows_per_s"] / med["raw"]["rows_per_s"]
        results["ratio_one_process"] = med["dolbom-1p"]["rows_per_s"] / med["raw"]["rows_per_s"]
    return results


def report(r: dict, out) -> None:
    m = r["median"]
    out.write(f"\nload bench: {r['bundle']['rows']:,} rows ({r['bundle']['households']:,} households), "
              f"median of {r['params']['repeat']}\n")
    out.write(f"  {'':<10} {'rows/s':>10} {'seconds':>9} {'peak RSS MiB':>13} {'worker MiB':>11}"
              f" {'file MiB':>9}\n")
    for how in HOWS:
        worker = f"{m[how]['worker_peak_rss_mib']:>11,.0f}" if how == "dolbom" else f"{'-':>11}"
        out.write(f"  {how:<10} {m[how]['rows_per_s']:>10,.0f} {m[how]['seconds']:>9.1f} "
                  f"{m[how]['peak_rss_mib']:>13,.0f} {worker} {m[how]['db_mib']:>9,.0f}\n")
    out.write(f"  dolbom / raw throughput: {r['ratio']:.2f} (goal >= 0.50); "
              f"in one process: {r['ratio_one_process']:.2f}\n")


def main(argv: list[str] | None = None, out=sys.stdout) -> dict | None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="about this many rows in the bundle")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3, help="loads of each kind (medians are reported)")
    p.add_argument("--json", help="also write every figure to this file")
    p.add_argument("--one", nargs=3, metavar=("HOW", "BUNDLE", "DB"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(one(*args.one)))
        return None
    r = run(args, out)
    report(r, out)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))
    return r


if __name__ == "__main__":
    main()
