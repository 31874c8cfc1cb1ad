"""Match timings and package cost against a greedy baseline, on the embedded store.

Builds (or reuses, with ``--db``) an embedded store holding a synthetic welfare
graph of ``--households`` households, ``--services`` services and
``--volunteers`` volunteers, then for ``--samples`` random households:

* times ``store.neighbourhood(hid)`` and ``matching.match(view, hid, limit=3)``
  (p50 / p95 / max of the match alone, and of view + match);
* runs the greedy baseline on the same view — read the neighbourhood, assess
  every rule, build the same cover problem, then repeatedly take the candidate
  covering the most uncovered needs — and times it the same way;
* compares the rank-1 package cost with the greedy package's cost under the
  same cost function (matching.policy): the averages and their ratio.

Run::

    python bench/bench_match.py                                  # 100k / 30k / 10k, ~minutes to build
    python bench/bench_match.py --db /tmp/match.db               # build once, then reuse the file
    python bench/bench_match.py --households 2000 --services 600 --volunteers 200 --samples 200

The generator here is bench-local, deterministic for its parameters and seed,
and only as realistic as a timing needs: 9 provinces, 229 cities of 10-20
dongs, an organization per five services; services serve their province
(2%), their city (45%) or 1-3 of its dongs, so a dong sees ~130 services and
~20 volunteers, which gives a household tens of candidates per need.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import networkx as nx
import scipy

from graph.embedded import EmbeddedStore
from graph.model import (
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
)
from matching import DEFAULT_POLICY, match
from matching.candidates import find_candidates
from matching.greedy import greedy_cover
from matching.neighbourhood import read
from matching.packages import build_problem

ON = dt.date(2026, 6, 1)
DEFAULTS = {"households": 100_000, "services": 30_000, "volunteers": 10_000, "seed": 4, "samples": 1_000}
BATCH = 10_000

_DOMAINS = list(Domain)
_WEIGHTS = [3 if d.value in ("HEALTH", "HOUSING", "EMPLOYMENT", "LEGAL") else 1 for d in _DOMAINS]
_TRAITS = list(HouseholdTrait)
_SECTORS = list(Sector)
_SECTOR_WEIGHTS = [25, 10, 30, 15, 10, 10]  # PUBLIC, PRIVATE, NONPROFIT, RELIGIOUS, CORPORATE, ASSOCIATION


def _domains(rng: random.Random, k: int) -> list[Domain]:
    out: list[Domain] = []
    while len(out) < k:
        d = rng.choices(_DOMAINS, _WEIGHTS)[0]
        if d not in out:
            out.append(d)
    return out


def generate(households: int, services: int, volunteers: int, seed: int) -> Iterator[tuple[str, list[Record]]]:
    """Yield ``(kind, records)`` in an order a store can write without forward references."""
    rng = random.Random(seed)
    provinces = [f"p{i}" for i in range(9)]
    regions: list[Record] = [Region(id=p, name=f"Province {i}", level="PROVINCE") for i, p in enumerate(provinces)]
    city_province: dict[str, str] = {}
    city_dongs: dict[str, list[str]] = {}
    for c in range(229):
        city, province = f"c{c:03d}", provinces[c % len(provinces)]
        city_province[city] = province
        regions.append(Region(id=city, name=f"City {c}", level="CITY", parent_id=province))
        dongs = [f"{city}-d{d:02d}" for d in range(rng.randint(10, 20))]
        regions += [Region(id=d, name=f"Dong {d}", level="DONG", parent_id=city) for d in dongs]
        city_dongs[city] = dongs
    cities = list(city_dongs)
    all_dongs = [(d, c) for c, ds in city_dongs.items() for d in ds]
    yield "Region", regions

    n_orgs = max(1, services // 5)
    orgs: list[Record] = []
    org_city: dict[str, str] = {}
    for i in range(n_orgs):
        oid, city = f"org-{i:05d}", rng.choice(cities)
        org_city[oid] = city
        orgs.append(Organization(id=oid, name=f"Org {i}", sector=rng.choices(_SECTORS, _SECTOR_WEIGHTS)[0],
                                 region_ids=[city]))
    yield "Organization", orgs

    agreements: list[Record] = []
    org_agreement: dict[str, str] = {}
    for org in rng.sample(orgs, n_orgs // 5):
        aid = f"mou-{len(agreements):05d}"
        signed = ON - dt.timedelta(days=rng.randint(-30, 1000))
        quota = None if rng.random() < 0.3 else rng.randint(20, 400)
        agreements.append(Agreement(
            id=aid, partner_id=org.key, domains=_domains(rng, rng.randint(1, 2)), signed_on=signed,
            expires_on=None if rng.random() < 0.5 else signed + dt.timedelta(days=rng.randint(365, 1500)),
            annual_quota=quota, used=0 if quota is None else rng.randint(0, quota),
        ))
        org_agreement[org.key] = aid
    yield "Agreement", agreements

    svcs: list[Record] = []
    serving: dict[str, list[str]] = {}
    by_city: dict[str, list[str]] = {}
    org_ids = list(org_city)
    for i in range(services):
        sid, provider = f"svc-{i:05d}", rng.choice(org_ids)
        city = org_city[provider]
        u = rng.random()
        if u < 0.02:
            where = [city_province[city]]
        elif u < 0.47:
            where = [city]
        else:
            where = rng.sample(city_dongs[city], rng.randint(1, 3))
        capacity = None if rng.random() < 0.3 else rng.randint(10, 200)
        used = 0 if capacity is None else (capacity if rng.random() < 0.1 else rng.randint(0, capacity))
        earlier = by_city.setdefault(city, [])
        svcs.append(Service(
            id=sid, name=f"Service {i}", provider_id=provider, domains=_domains(rng, rng.randint(1, 2)),
            region_ids=where,
            max_income_percent=None if rng.random() < 0.5 else rng.choice((50, 60, 75, 100, 120, 150)),
            required_traits=[rng.choice(_TRAITS)] if rng.random() < 0.15 else [],
            capacity=capacity, used=used, lead_time_days=rng.randint(0, 21),
            cost=0 if rng.random() < 0.8 else rng.randint(1, 50) * 1000,
            excludes_ids=[rng.choice(earlier)] if earlier and rng.random() < 0.05 else [],
            agreement_id=org_agreement.get(provider) if rng.random() < 0.6 else None,
            active=rng.random() < 0.95,
        ))
        earlier.append(sid)
        for r in where:
            serving.setdefault(r, []).append(sid)
    yield "Service", svcs

    vols: list[Record] = []
    for i in range(volunteers):
        city = rng.choice(cities)
        where = [city] if rng.random() < 0.4 else rng.sample(city_dongs[city], rng.randint(1, 3))
        vols.append(Volunteer(
            id=f"vol-{i:05d}", name=f"Volunteer {i}", skills=_domains(rng, rng.randint(1, 3)), region_ids=where,
            languages=["ko"], hours_per_week=0 if rng.random() < 0.05 else rng.randint(1, 20),
        ))
    yield "Volunteer", vols

    homes: list[tuple[str, str, str]] = []
    hh: list[Record] = []
    for i in range(households):
        hid = f"hh-{i:06d}"
        dong, city = rng.choice(all_dongs)
        homes.append((hid, dong, city))
        hh.append(Household(
            id=hid, region_id=dong, size=rng.randint(1, 6), income_percent=rng.randint(0, 200),
            traits=rng.sample(_TRAITS, rng.randint(0, 3)),
            urgency=rng.choices(("EMERGENCY", "FOCUSED", "GENERAL"), (1, 3, 6))[0],
        ))
    yield "Household", hh

    needs: list[Record] = []
    need_ids: dict[str, list[str]] = {}
    for hid, _, _ in homes:
        ids = need_ids[hid] = []
        for d in _domains(rng, rng.randint(2, 4)):
            nid = f"n-{hid[3:]}-{d.value.lower()}"
            ids.append(nid)
            needs.append(Need(id=nid, household_id=hid, domain=d, severity=rng.randint(1, 5)))
    yield "Need", needs

    receipts: list[Record] = []
    referrals: list[Record] = []
    for hid, dong, city in homes:
        reach = serving.get(dong, []) + serving.get(city, []) + serving.get(city_province[city], [])
        for sid in set(rng.sample(reach, min(len(reach), rng.randint(0, 3)))):
            receipts.append(Receipt(household_id=hid, service_id=sid))
        if reach and rng.random() < 0.3:
            referrals.append(Referral(
                id=f"ref-{len(referrals):06d}", household_id=hid, resource_label="Service",
                resource_id=rng.choice(reach), need_ids=[rng.choice(need_ids[hid])],
                status=rng.choice(("PROPOSED", "SENT", "ACCEPTED", "DECLINED")),
                created_at="2026-05-01T09:00:00+09:00",
            ))
    yield "Receipt", receipts
    yield "Referral", referrals


def load(store: EmbeddedStore, batches: Iterator[tuple[str, list[Record]]], out) -> dict:
    t0, n, units = time.perf_counter(), 0, 0
    for kind, recs in batches:
        for i in range(0, len(recs), BATCH):
            with store.unit_of_work() as uow:
                uow.put_many(recs[i:i + BATCH])
            units += 1
        n += len(recs)
        out.write(f"  loaded {kind:<12} {len(recs):>9,} ({time.perf_counter() - t0:6.1f} s)\n")
        out.flush()
    return {"records": n, "units_of_work": units, "seconds": time.perf_counter() - t0}


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def _summary(seconds: list[float]) -> dict:
    ms = [x * 1000 for x in seconds]
    return {"p50_ms": statistics.median(ms), "p95_ms": _pct(ms, 0.95), "max_ms": max(ms),
            "mean_ms": statistics.fmean(ms)}


def greedy_package_cost(g: nx.MultiDiGraph, hid: str) -> float:
    """The greedy baseline: same rules, same cover problem, same cost function."""
    cs = find_candidates(read(g, hid), ON, DEFAULT_POLICY)
    problem = build_problem(cs, DEFAULT_POLICY)
    items = greedy_cover(problem.cover, problem.weights)
    return problem.cover.cost(items) / 100


def measure(store: EmbeddedStore, samples: int, seed: int, limit: int = 3) -> dict:
    ids = [h.id for h in store.list("Household")]
    chosen = random.Random(seed + 1).sample(ids, min(samples, len(ids)))
    view_t, match_t, greedy_t = [], [], []
    costs, greedy_costs, engines = [], [], {}
    candidates, considered, nodes = [], [], []
    optimal = packages = greedy_worse = 0
    for hid in chosen[:5]:  # warm up imports and caches, untimed
        match(store.neighbourhood(hid), hid, on=ON, limit=limit)
    for hid in chosen:
        t0 = time.perf_counter()
        g = store.neighbourhood(hid)
        t1 = time.perf_counter()
        r = match(g, hid, on=ON, limit=limit)
        t2 = time.perf_counter()
        gc_cost = greedy_package_cost(g, hid)
        t3 = time.perf_counter()
        view_t.append(t1 - t0)
        match_t.append(t2 - t1)
        greedy_t.append(t3 - t2)
        nodes.append(g.number_of_nodes())
        best = r.packages[0].cost
        costs.append(best)
        greedy_costs.append(gc_cost)
        greedy_worse += gc_cost > best + 1e-9
        if gc_cost < best - 1e-9:
            raise AssertionError(f"{hid}: greedy {gc_cost} beat the proven optimum {best}")
        engines[r.engine] = engines.get(r.engine, 0) + 1
        optimal += r.optimal
        packages += len(r.packages)
        candidates.append(r.candidate_count)
        considered.append(r.considered_count)
    both = [a + b for a, b in zip(view_t, match_t)]
    greedy_both = [a + b for a, b in zip(view_t, greedy_t)]
    mean_best, mean_greedy = statistics.fmean(costs), statistics.fmean(greedy_costs)
    return {
        "samples": len(chosen), "limit": limit,
        "view": _summary(view_t), "match": _summary(match_t), "view_plus_match": _summary(both),
        "greedy": _summary(greedy_t), "view_plus_greedy": _summary(greedy_both),
        "mean_cost_match": mean_best, "mean_cost_greedy": mean_greedy,
        "greedy_over_match": mean_greedy / mean_best if mean_best else 1.0,
        "greedy_worse_share": greedy_worse / len(chosen),
        "all_optimal": optimal == len(chosen), "optimal_share": optimal / len(chosen),
        "engines": engines, "mean_packages": packages / len(chosen),
        "mean_candidates": statistics.fmean(candidates), "max_candidates": max(candidates),
        "mean_considered": statistics.fmean(considered), "mean_view_nodes": statistics.fmean(nodes),
    }


def report(r: dict, out) -> None:
    m = r["measure"]
    rows = [
        ("graph", ", ".join(f"{k} {v:,}" for k, v in r["counts"].items())),
        ("store", f"{'reused ' if r['reused'] else 'built '}{r['db'] or '(temporary file)'}"
                  + (f" in {r['load']['seconds']:.0f} s" if r.get("load") else "")
                  + ("; gc.freeze() after loading" if r["gc_freeze"] else "; no gc.freeze()")),
        (f"households sampled (limit {m['limit']})", f"{m['samples']:,}"),
        ("candidates per household (mean / max)", f"{m['mean_candidates']:.1f} / {m['max_candidates']}"),
        ("  after dominance (mean)", f"{m['mean_considered']:.1f}"),
        ("view nodes (mean)", f"{m['mean_view_nodes']:.0f}"),
        ("engines", ", ".join(f"{k} {v}" for k, v in sorted(m["engines"].items()))),
        ("proven optimal", f"{m['optimal_share']:.1%}"),
        ("packages per household (mean)", f"{m['mean_packages']:.2f}"),
        ("store.neighbourhood   p50 / p95 / max", "{p50_ms:.2f} / {p95_ms:.2f} / {max_ms:.2f} ms".format(**m["view"])),
        ("match                 p50 / p95 / max", "{p50_ms:.2f} / {p95_ms:.2f} / {max_ms:.2f} ms".format(**m["match"])),
        ("view + match          p50 / p95 / max",
         "{p50_ms:.2f} / {p95_ms:.2f} / {max_ms:.2f} ms".format(**m["view_plus_match"])),
        ("greedy baseline       p50 / p95 / max",
         "{p50_ms:.2f} / {p95_ms:.2f} / {max_ms:.2f} ms".format(**m["greedy"])),
        ("view + greedy         p50 / p95 / max",
         "{p50_ms:.2f} / {p95_ms:.2f} / {max_ms:.2f} ms".format(**m["view_plus_greedy"])),
        ("mean package cost: match rank 1 / greedy",
         f"{m['mean_cost_match']:.2f} / {m['mean_cost_greedy']:.2f} (greedy/match = {m['greedy_over_match']:.3f})"),
        ("households where greedy costs more", f"{m['greedy_worse_share']:.1%}"),
    ]
    width = max(len(k) for k, _ in rows)
    out.write("match bench\n")
    for k, v in rows:
        out.write(f"  {k:<{width}}  {v}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("households", "services", "volunteers", "seed", "samples"):
        p.add_argument(f"--{name}", type=int, default=DEFAULTS[name], help=f"(default {DEFAULTS[name]:,})")
    p.add_argument("--limit", type=int, default=3, help="packages per match (default 3)")
    p.add_argument("--db", help="store file: reused if it exists, else built there (default: a temporary file)")
    p.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    p.add_argument("--no-gc-freeze", action="store_true",
                   help="leave the loaded graph to the cyclic garbage collector (shows its pauses in max)")
    args = p.parse_args(argv)
    if min(args.households, args.services, args.volunteers, args.samples, args.limit) < 1:
        p.error("sizes, --samples and --limit must be at least 1")
    return args


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    args = parse_args(argv)
    results: dict = {
        "params": {k: getattr(args, k) for k in ("households", "services", "volunteers", "seed", "samples", "limit")},
        "env": {"python": platform.python_version(), "networkx": nx.__version__, "scipy": scipy.__version__,
                "platform": platform.platform(), "cpus": os.cpu_count()},
        "db": args.db,
    }
    with tempfile.TemporaryDirectory(prefix="dolbom-match-bench-") as tmp:
        db = args.db or os.path.join(tmp, "match.db")
        results["reused"] = os.path.exists(db)
        store = EmbeddedStore(db)
        try:
            if not results["reused"]:
                out.write(f"building {db} ...\n")
                results["load"] = load(store, generate(args.households, args.services, args.volunteers,
                                                       args.seed), out)
                gc.collect()
            results["counts"] = store.counts()
            results["gc_freeze"] = not args.no_gc_freeze
            if results["gc_freeze"]:
                # the store's records live as long as the process: keep the cyclic
                # collector from walking them all on every full collection
                gc.collect()
                gc.freeze()
            results["measure"] = measure(store, args.samples, args.seed, args.limit)
        finally:
            store.close()
    report(results, out)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=2, ensure_ascii=False)
            f.write("\n")
    return results


if __name__ == "__main__":
    main()
