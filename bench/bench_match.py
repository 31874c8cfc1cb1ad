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

The world is the one synthetic generator's (:func:`bench.world.match_world`):
the nine provinces (Gyeonggi first, then the other eight with their real
cities and counties: 153 cities, 1,262 dongs), exactly ``--services``
services of public agencies, partners and local centers in proportion to
population, ``--volunteers`` volunteers, and households whose needs follow the
source documents, each already receiving 0-3 services. A dong sees ~100-200
services, which gives a household tens of candidates.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402
import scipy  # noqa: E402

from bench import figures, world  # noqa: E402
from graph.embedded import EmbeddedStore  # noqa: E402
from graph.model import Record  # noqa: E402
from graph.view import YOUNG_GENERATION  # noqa: E402
from matching import DEFAULT_POLICY, match  # noqa: E402
from matching.candidates import find_candidates  # noqa: E402
from matching.greedy import greedy_cover  # noqa: E402
from matching.neighbourhood import read  # noqa: E402
from matching.packages import build_problem  # noqa: E402

ON = dt.date(2026, 6, 1)
DEFAULTS = {"households": 100_000, "services": 30_000, "volunteers": 10_000, "seed": 4, "samples": 1_000}
WORLD = ("households", "services", "volunteers", "seed")
#: Python's own threshold for collecting the youngest generation (gc.get_threshold()[0] at start)
PYTHON_YOUNG = 700


def generate(households: int, services: int, volunteers: int, seed: int) -> list[tuple[str, list[Record]]]:
    """The bench's world, ``(kind, records)`` in an order a store can write without forward references."""
    return world.match_world(households, services, volunteers, seed)


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
    both = [a + b for a, b in zip(view_t, match_t, strict=True)]
    greedy_both = [a + b for a, b in zip(view_t, greedy_t, strict=True)]
    mean_best, mean_greedy = statistics.fmean(costs), statistics.fmean(greedy_costs)
    return {
        "samples": len(chosen), "limit": limit,
        "view": figures.latency_summary(view_t), "match": figures.latency_summary(match_t),
        "view_plus_match": figures.latency_summary(both),
        "greedy": figures.latency_summary(greedy_t),
        "view_plus_greedy": figures.latency_summary(greedy_both),
        "mean_cost_match": mean_best, "mean_cost_greedy": mean_greedy,
        "greedy_over_match": mean_greedy / mean_best if mean_best else 1.0,
        "greedy_worse_share": greedy_worse / len(chosen),
        "all_optimal": optimal == len(chosen), "optimal_share": optimal / len(chosen),
        "engines": engines, "mean_packages": packages / len(chosen),
        "mean_candidates": statistics.fmean(candidates), "max_candidates": max(candidates),
        "mean_considered": statistics.fmean(considered), "mean_view_nodes": statistics.fmean(nodes),
    }


def young_generation_ab(store: EmbeddedStore, samples: int, seed: int, limit: int, rounds: int = 3) -> dict:
    """view + match for the same households with the collector's youngest generation at Python's
    700 and at graph.view.YOUNG_GENERATION (what an embedded store sets once loaded), the two taking
    turns ``rounds`` times: the median of each round's p50 and mean (the collections that walk the
    older generations are rare and long: the mean feels them, the p50 hardly), and their ratios."""
    ids = [h.id for h in store.list("Household")]
    chosen = random.Random(seed + 2).sample(ids, min(samples, len(ids)))
    before = gc.get_threshold()
    older = before[1:]
    p50s: dict[int, list[float]] = {PYTHON_YOUNG: [], YOUNG_GENERATION: []}
    means: dict[int, list[float]] = {PYTHON_YOUNG: [], YOUNG_GENERATION: []}
    try:
        for _ in range(rounds):
            for young in p50s:
                gc.set_threshold(young, *older)
                times = []
                for hid in chosen:
                    t0 = time.perf_counter()
                    match(store.neighbourhood(hid), hid, on=ON, limit=limit)
                    times.append(time.perf_counter() - t0)
                p50s[young].append(statistics.median(times) * 1000)
                means[young].append(statistics.fmean(times) * 1000)
    finally:
        gc.set_threshold(*before)
    python, ours = (statistics.median(p50s[y]) for y in (PYTHON_YOUNG, YOUNG_GENERATION))
    python_mean, ours_mean = (statistics.median(means[y]) for y in (PYTHON_YOUNG, YOUNG_GENERATION))
    return {"samples": len(chosen), "rounds": rounds, "p50_ms": {str(k): v for k, v in p50s.items()},
            "mean_ms": {str(k): v for k, v in means.items()},
            "python_p50_ms": python, "ours_p50_ms": ours, "ratio": ours / python,
            "python_mean_ms": python_mean, "ours_mean_ms": ours_mean, "mean_ratio": ours_mean / python_mean}


def report(r: dict, out) -> None:
    m = r["measure"]
    ms = "{p50_ms:.2f} / {p95_ms:.2f} / {max_ms:.2f} ms"
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
        ("store.neighbourhood   p50 / p95 / max", ms.format(**m["view"])),
        ("match                 p50 / p95 / max", ms.format(**m["match"])),
        ("view + match          p50 / p95 / max", ms.format(**m["view_plus_match"])),
        ("greedy baseline       p50 / p95 / max", ms.format(**m["greedy"])),
        ("view + greedy         p50 / p95 / max", ms.format(**m["view_plus_greedy"])),
        ("mean package cost: match rank 1 / greedy",
         f"{m['mean_cost_match']:.2f} / {m['mean_cost_greedy']:.2f}"
         f" (greedy/match = {m['greedy_over_match']:.3f})"),
        ("households where greedy costs more", f"{m['greedy_worse_share']:.1%}"),
    ]
    if (y := r.get("young_generation")) is not None:
        rows.append((f"view + match p50, youngest generation {PYTHON_YOUNG} / {YOUNG_GENERATION:,}",
                     f"{y['python_p50_ms']:.2f} / {y['ours_p50_ms']:.2f} ms ({y['ratio']:.2f}x; median of "
                     f"{y['rounds']} rounds taking turns, {y['samples']:,} households each)"))
        rows.append(("  and mean", f"{y['python_mean_ms']:.2f} / {y['ours_mean_ms']:.2f} ms "
                                   f"({y['mean_ratio']:.2f}x)"))
    width = max(len(k) for k, _ in rows)
    out.write("match bench\n")
    for k, v in rows:
        out.write(f"  {k:<{width}}  {v}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("households", "services", "volunteers", "seed", "samples"):
        p.add_argument(f"--{name}", type=int, default=DEFAULTS[name], help=f"(default {DEFAULTS[name]:,})")
    p.add_argument("--limit", type=int, default=3, help="packages per match (default 3)")
    p.add_argument("--db", help="store file: reused if it exists, else built there "
                                "(default: a temporary file)")
    p.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    p.add_argument("--compare-young-generation", action="store_true",
                   help="also time view + match with the collector's youngest generation at Python's 700 and "
                        "at the store's, taking turns")
    p.add_argument("--no-gc-freeze", action="store_true",
                   help="leave the loaded graph to the cyclic garbage collector (shows its pauses in max)")
    args = p.parse_args(argv)
    if min(args.samples, args.limit) < 1:
        p.error("--samples and --limit must be at least 1")
    if (problem := world.match_world_error(args.households, args.services, args.volunteers)) is not None:
        p.error(problem)
    return args


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    args = parse_args(argv)
    results: dict = {
        "params": {k: getattr(args, k) for k in (*WORLD, "samples", "limit")},
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
                results["load"] = world.load(store, generate(args.households, args.services, args.volunteers,
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
            if args.compare_young_generation:
                results["young_generation"] = young_generation_ab(store, args.samples, args.seed, args.limit)
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
