"""Load, reopen and neighbourhood-view timings of the embedded store.

Builds a synthetic welfare graph (one province of 31 cities and ~570 dongs,
organizations, services, agreements, volunteers, households with needs,
receipts and referrals) in an :class:`graph.embedded.EmbeddedStore`, then
times:

* the load: every record written in units of work of at most ``--batch``
  records (one kind per unit), total seconds and records per second;
* a full copy of the graph (``store.graph()``), whose size is reported;
* the reopen: the store closed and a new one opened on the file, in this
  process and in a fresh one (whose peak RSS is the memory a server needs to
  open the file);
* ``store.neighbourhood(hid)`` over ``--samples`` random households: median
  and 95th percentile in ms, and the mean size of a neighbourhood.

Run::

    python bench/bench_store.py                     # 20,000 households: ~100k nodes, ~300k edges
    python bench/bench_store.py --households 2000 --json out.json

The generator below is bench-local and only as realistic as a timing needs
(shapes and proportions, not Korean welfare statistics); the loaders package
is where a realistic one belongs.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402

from graph.embedded import EmbeddedStore  # noqa: E402
from graph.model import (  # noqa: E402
    Agreement,
    Domain,
    Household,
    HouseholdTrait,
    Need,
    Organization,
    Receipt,
    Record,
    Referral,
    Region,
    Sector,
    Service,
    Volunteer,
    node_key,
)

DEFAULT_HOUSEHOLDS = 20_000
DEFAULT_SEED = 20_261_102
DEFAULT_BATCH = 10_000
DEFAULT_SAMPLES = 1_000

# ---------------------------------------------------------------------------
# the bench-local generator


@dataclass(frozen=True)
class Shape:
    """How many of each kind, scaled from the number of households."""

    households: int
    cities: int = 31
    dongs_per_city: tuple[int, int] = (12, 23)  # 568 dongs with the default seed
    organizations_per_household: float = 0.075  # 1,500 at 20,000 households
    services_per_household: float = 0.30  # 6,000
    volunteers_per_household: float = 0.15  # 3,000
    agreement_share: float = 0.20  # of organizations sign one MOU
    needs: tuple[int, int] = (2, 4)
    receipts: tuple[int, int] = (5, 10)  # services a household already receives
    referral_share: float = 0.50  # households with one referral

    def count(self, per_household: float, least: int) -> int:
        return max(least, round(self.households * per_household))


_DOMAINS = list(Domain)
_DOMAIN_WEIGHTS = [3 if d.value in ("HEALTH", "HOUSING", "EMPLOYMENT", "LEGAL") else 1 for d in _DOMAINS]
_TRAITS = list(HouseholdTrait)
_T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def _domains(rng: random.Random, k: int) -> list[Domain]:
    chosen: list[Domain] = []
    while len(chosen) < k:
        d = rng.choices(_DOMAINS, _DOMAIN_WEIGHTS)[0]
        if d not in chosen:
            chosen.append(d)
    return chosen


def _local_regions(rng: random.Random, city: str, dongs: list[str], k: int) -> list[str]:
    """k regions of one city: the city itself and/or some of its dongs."""
    pool = [city, *dongs]
    return rng.sample(pool, min(k, len(pool)))


def generate(households: int, seed: int) -> Iterator[tuple[str, list[Record]]]:
    """Yield ``(kind, records)`` in an order a store can write without forward
    references. Deterministic for a given (households, seed)."""
    rng = random.Random(seed)
    shape = Shape(households)

    # regions: PROVINCE -> CITY -> DONG
    province = "gg"
    regions: list[Record] = [Region(id=province, name="경기도", level="PROVINCE")]
    city_dongs: dict[str, list[str]] = {}
    for c in range(shape.cities):
        city = f"gg-c{c:02d}"
        regions.append(Region(id=city, name=f"시군 {c}", level="CITY", parent_id=province))
        dongs = [f"{city}-d{d:02d}" for d in range(rng.randint(*shape.dongs_per_city))]
        regions += [Region(id=d, name=f"동 {d[-6:]}", level="DONG", parent_id=city) for d in dongs]
        city_dongs[city] = dongs
    cities = list(city_dongs)
    dong_city = {d: c for c, ds in city_dongs.items() for d in ds}
    all_dongs = list(dong_city)
    yield "Region", regions

    # organizations: province-wide associations, city agencies, local groups
    orgs: list[Record] = []
    org_city: dict[str, str | None] = {}
    for i in range(shape.count(shape.organizations_per_household, 5)):
        oid = f"org-{i:05d}"
        if rng.random() < 0.05:
            home, where = None, [province]
        else:
            home = rng.choice(cities)
            where = _local_regions(rng, home, city_dongs[home], rng.randint(1, 4))
        org_city[oid] = home
        orgs.append(
            Organization(id=oid, name=f"기관 {i}", sector=rng.choice(list(Sector)), region_ids=where)
        )
    yield "Organization", orgs

    agreements: list[Record] = []
    org_agreement: dict[str, str] = {}
    for org in rng.sample(orgs, round(len(orgs) * shape.agreement_share)):
        aid = f"mou-{len(agreements):05d}"
        signed = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
        quota = None if rng.random() < 0.3 else rng.randint(50, 500)
        agreements.append(Agreement(
            id=aid, partner_id=org.key, domains=_domains(rng, rng.randint(1, 2)), signed_on=signed,
            expires_on=None if rng.random() < 0.5 else signed + dt.timedelta(days=rng.randint(365, 1095)),
            annual_quota=quota, used=0 if quota is None else rng.randint(0, quota),
        ))
        org_agreement[org.key] = aid
    yield "Agreement", agreements

    # services: 1-3 regions of their provider's city (or the province), some
    # ruling out earlier services of the same city, some under the provider's MOU
    services: list[Record] = []
    by_city: dict[str | None, list[str]] = {}
    serving: dict[str, list[str]] = {}  # region -> services serving it
    org_ids = list(org_city)
    for i in range(shape.count(shape.services_per_household, 10)):
        sid = f"svc-{i:05d}"
        provider = rng.choice(org_ids)
        home = org_city[provider]
        if home is None or rng.random() < 0.03:
            where = [province]
        else:
            where = _local_regions(rng, home, city_dongs[home], rng.randint(1, 3))
        earlier = by_city.setdefault(home, [])
        excludes = rng.sample(earlier, min(len(earlier), rng.randint(1, 2))) if rng.random() < 0.10 else []
        capacity = None if rng.random() < 0.3 else rng.randint(10, 200)
        services.append(Service(
            id=sid, name=f"서비스 {i}", provider_id=provider, domains=_domains(rng, rng.randint(1, 2)),
            region_ids=where,
            max_income_percent=None if rng.random() < 0.5 else rng.choice((50, 60, 75, 100, 120, 150)),
            required_traits=[rng.choice(_TRAITS)] if rng.random() < 0.15 else [],
            capacity=capacity, used=0 if capacity is None else rng.randint(0, capacity),
            lead_time_days=rng.randint(0, 30), cost=0 if rng.random() < 0.8 else rng.randint(1, 50) * 1000,
            excludes_ids=excludes,
            agreement_id=org_agreement.get(provider) if rng.random() < 0.6 else None,
            active=rng.random() < 0.95,
        ))
        earlier.append(sid)
        for r in where:
            serving.setdefault(r, []).append(sid)
    yield "Service", services

    volunteers: list[Record] = []
    vol_serving: dict[str, list[str]] = {}
    for i in range(shape.count(shape.volunteers_per_household, 5)):
        vid = f"vol-{i:05d}"
        home = rng.choice(cities)
        where = _local_regions(rng, home, city_dongs[home], rng.randint(1, 3))
        langs = ["ko"] + (["vi"] if rng.random() < 0.05 else []) + (["zh"] if rng.random() < 0.05 else [])
        volunteers.append(Volunteer(
            id=vid, name=f"봉사자 {i}", skills=_domains(rng, rng.randint(1, 3)), region_ids=where,
            languages=langs, hours_per_week=rng.randint(1, 20),
        ))
        for r in where:
            vol_serving.setdefault(r, []).append(vid)
    yield "Volunteer", volunteers

    # households, then their needs, receipts and referrals
    reach: dict[str, list[str]] = {}  # dong -> services serving its chain
    for d in all_dongs:
        # de-duplicated: a service may serve both a dong and its city
        chain = serving.get(d, []) + serving.get(dong_city[d], []) + serving.get(province, [])
        reach[d] = list(dict.fromkeys(chain))
    homes: list[tuple[str, str]] = []
    hh: list[Record] = []
    for i in range(households):
        hid = f"hh-{i:06d}"
        dong = rng.choice(all_dongs)
        homes.append((hid, dong))
        hh.append(Household(
            id=hid, region_id=dong, size=rng.randint(1, 6), income_percent=rng.randint(0, 200),
            traits=rng.sample(_TRAITS, rng.randint(0, 3)),
            urgency=rng.choices(("EMERGENCY", "FOCUSED", "GENERAL"), (1, 3, 6))[0],
        ))
    yield "Household", hh

    needs: list[Record] = []
    need_ids: dict[str, list[str]] = {}
    for hid, _ in homes:
        ids = need_ids[hid] = []
        for d in _domains(rng, rng.randint(*shape.needs)):
            nid = f"need-{hid[3:]}-{d.value.lower()}"
            ids.append(nid)
            needs.append(Need(id=nid, household_id=hid, domain=d, severity=rng.randint(1, 5)))
    yield "Need", needs

    receipts: list[Record] = []
    for hid, dong in homes:
        pool = reach[dong]
        for sid in rng.sample(pool, min(len(pool), rng.randint(*shape.receipts))):
            receipts.append(Receipt(household_id=hid, service_id=sid))
    yield "Receipt", receipts

    referrals: list[Record] = []
    for hid, dong in homes:
        if rng.random() >= shape.referral_share:
            continue
        vols = vol_serving.get(dong, []) + vol_serving.get(dong_city[dong], [])
        if vols and rng.random() < 0.2:
            label, rid = "Volunteer", rng.choice(vols)
        elif reach[dong]:
            label, rid = "Service", rng.choice(reach[dong])
        else:
            continue
        ids = need_ids[hid]
        created = _T0 + dt.timedelta(minutes=rng.randint(0, 300 * 24 * 60))
        referrals.append(Referral(
            id=f"ref-{len(referrals):06d}", household_id=hid, resource_label=label, resource_id=rid,
            need_ids=rng.sample(ids, rng.randint(1, min(2, len(ids)))),
            status=rng.choice(("PROPOSED", "SENT", "ACCEPTED", "DELIVERED", "DECLINED", "CLOSED")),
            created_at=created.isoformat(),
            updated_at=(created + dt.timedelta(hours=rng.randint(0, 72))).isoformat(),
        ))
    yield "Referral", referrals


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
