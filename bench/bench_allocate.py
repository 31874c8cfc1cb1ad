"""Case-conference allocation against first come, first served, in one run.

Builds (or reuses, with ``--db``) an embedded store holding the world of
``bench/bench_match.py`` (:func:`bench.world.match_world`: ``--households``
households over the nine provinces, ``--services`` services, ``--volunteers``
volunteers), takes the region subtree view of ``--region`` (default: the
province with the fewest households that still has ``--plan`` of them, so
that about every household of the province competes for its places) and plans
``--plan`` of its households (the first by id: the arrival order) twice on the
same view:

* **exact** — :func:`matching.allocation.allocate` (MILP, HiGHS, ``--time-limit``);
* **first come** — :func:`matching.allocation.first_come`: households in
  arrival order, each takes the resources with free places worth the most to it.

For each: wall time (``--repeat`` runs, median), objective, needs covered, and
urgency- and severity-weighted coverage (value of the covered needs over the
value of every open need), whether proven optimal (or the gap), and the
ratios exact / first come. Both plans are checked against every capacity,
quota and exclusion before they are reported.

Run::

    python bench/bench_allocate.py                          # 20,000 households: 2,255 in Gyeongnam
    python bench/bench_allocate.py --db /tmp/alloc.db       # build once, then reuse the file
    python bench/bench_allocate.py --households 3000 --services 900 --volunteers 300 --plan 300
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
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

from bench import world  # noqa: E402
from graph.embedded import EmbeddedStore  # noqa: E402
from matching.allocation import AllocationResult, allocate, first_come  # noqa: E402
from matching.allocation_model import build, violations  # noqa: E402
from matching.policy import DEFAULT_POLICY  # noqa: E402
from matching.regions import RegionTree  # noqa: E402

ON = dt.date(2026, 6, 1)
DEFAULTS = {"households": 20_000, "services": 6_000, "volunteers": 2_000, "seed": 4, "plan": 2_000,
            "repeat": 3}


def busy_province(store: EmbeddedStore, plan: int) -> str:
    """The province with the fewest households that still has ``plan`` of them (else the one with
    the most): planning about all of its households makes them compete for its places."""
    tree = {r.id: r.parent_id for r in store.list("Region")}

    def root(rid: str) -> str:
        while tree[rid] is not None:
            rid = tree[rid]
        return rid

    count = {rid: 0 for rid, parent in tree.items() if parent is None}
    for h in store.list("Household"):
        count[root(h.region_id)] += 1
    enough = [(n, rid) for rid, n in count.items() if n >= plan]
    return min(enough)[1] if enough else max((n, rid) for rid, n in count.items())[1]


def households_of(g: nx.MultiDiGraph, region_id: str, n: int) -> list[str]:
    """The first ``n`` households (by id) living in ``region_id``'s subtree."""
    tree = RegionTree.of(g)
    regions = {f"Region:{r}" for r in tree.scope(region_id)}
    ids = sorted(a["id"] for _, a in g.nodes(data=True)
                 if a.get("label") == "Household" and f"Region:{a['region_id']}" in regions)
    return ids[:n]


def _plan_keys(r: AllocationResult) -> set[tuple[str, str]]:
    return {(a.household_id, f"{a.resource_label}:{a.resource_id}") for a in r.assignments}


def _check(g, ids, r: AllocationResult) -> None:
    """Fail loudly if a plan overbooks a place or quota or gives clashing services."""
    m = build(g, ids, ON, DEFAULT_POLICY)
    index = {(m.household_ids[c.household], c.resource_key): k for k, c in enumerate(m.choices)}
    chosen = [index[p] for p in _plan_keys(r)]
    problems = violations(m, chosen)
    if problems:
        raise AssertionError(f"{r.engine} plan is invalid: {problems[:3]}")


def _by_urgency(g: nx.MultiDiGraph, r: AllocationResult) -> dict[str, list[int]]:
    """Per urgency class: [needs covered, open needs]."""
    out: dict[str, list[int]] = {"EMERGENCY": [0, 0], "FOCUSED": [0, 0], "GENERAL": [0, 0]}
    for hid, covered in [(a.household_id, 1) for a in r.assignments] + [(u.household_id, 0) for u in r.unmet]:
        row = out[g.nodes[f"Household:{hid}"]["urgency"].value]
        row[0] += covered
        row[1] += 1
    return out


def _figures(r: AllocationResult, seconds: list[float], g: nx.MultiDiGraph) -> dict:
    return {
        "by_urgency": _by_urgency(g, r),
        "engine": r.engine, "seconds_median": statistics.median(seconds), "seconds": seconds,
        "objective": r.objective, "optimal": r.optimal, "gap": r.gap, "needs": r.needs,
        "needs_covered": r.needs_covered, "covered_value": r.covered_value, "total_value": r.total_value,
        "weighted_coverage": r.weighted_coverage, "unmet_by_reason": _reasons(r),
        "households_served": len({a.household_id for a in r.assignments}),
    }


def _reasons(r: AllocationResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for u in r.unmet:
        out[u.reason] = out.get(u.reason, 0) + 1
    return dict(sorted(out.items()))


def measure(store: EmbeddedStore, region_id: str | None, plan: int, repeat: int, time_limit: float) -> dict:
    t0 = time.perf_counter()
    if region_id is None:
        region_id = busy_province(store, plan)
    g = store.graph(region_id)
    view_s = time.perf_counter() - t0
    ids = households_of(g, region_id, plan)
    m = build(g, ids, ON, DEFAULT_POLICY)
    model = {"households": len(ids), "elements": len(m.elements), "choices": len(m.choices),
             "limits": len(m.limits), "binding_limits": len(m.binding_limits()), "clashes": len(m.clashes)}
    exact_t, greedy_t = [], []
    exact = greedy = None
    for _ in range(repeat):
        t = time.perf_counter()
        exact = allocate(g, ids, on=ON, time_limit=time_limit)
        exact_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        greedy = first_come(g, ids, on=ON)
        greedy_t.append(time.perf_counter() - t)
    assert exact is not None and greedy is not None
    _check(g, ids, exact)
    _check(g, ids, greedy)
    if exact.optimal and exact.objective < greedy.objective - 1e-6:
        raise AssertionError(f"first come {greedy.objective} beat the proven optimum {exact.objective}")
    e, f = _figures(exact, exact_t, g), _figures(greedy, greedy_t, g)
    ratio = {
        "objective": e["objective"] / f["objective"] if f["objective"] else None,
        "needs_covered": e["needs_covered"] / f["needs_covered"] if f["needs_covered"] else None,
        "weighted_coverage": (e["weighted_coverage"] / f["weighted_coverage"]
                              if f["weighted_coverage"] else None),
        "seconds": e["seconds_median"] / f["seconds_median"],
    }
    return {"region": region_id, "view_seconds": view_s, "view_nodes": g.number_of_nodes(), "model": model,
            "exact": e, "first_come": f, "ratio": ratio}


def report(r: dict, out) -> None:
    m = r["measure"]
    e, f, q = m["exact"], m["first_come"], m["ratio"]
    proof = "proven optimal" if e["optimal"] else (
        f"not proven, gap {e['gap']:.4%}" if e["gap"] is not None else f"not proven ({e['engine']})")
    rows = [
        ("graph", ", ".join(f"{k} {v:,}" for k, v in r["counts"].items())),
        ("store", f"{'reused ' if r['reused'] else 'built '}{r['db'] or '(temporary file)'}"
                  + (f" in {r['load']['seconds']:.0f} s" if r.get("load") else "")),
        ("region view", f"{m['region']}: {m['view_nodes']:,} nodes in {m['view_seconds']:.2f} s"),
        ("model", ", ".join(f"{k} {v:,}" for k, v in m["model"].items())),
        ("", f"{'exact (MILP)':>16} {'first come':>14} {'exact/first':>12}"),
        ("time, median s",
         f"{e['seconds_median']:>16.2f} {f['seconds_median']:>14.2f} {q['seconds']:>12.2f}"),
        ("objective", f"{e['objective']:>16,.2f} {f['objective']:>14,.2f} {q['objective'] or 0:>12.4f}"),
        ("needs covered", (f"{e['needs_covered']:>10,} / {e['needs']:,} {f['needs_covered']:>14,} "
                           f"{q['needs_covered'] or 0:>12.4f}")),
        ("weighted coverage", (f"{e['weighted_coverage']:>16.2%} {f['weighted_coverage']:>14.2%} "
                               f"{q['weighted_coverage'] or 0:>12.4f}")),
        *((f"  {u.lower()} needs covered",
           f"{e['by_urgency'][u][0]:>10,} / {e['by_urgency'][u][1]:,} {f['by_urgency'][u][0]:>14,}")
          for u in ("EMERGENCY", "FOCUSED", "GENERAL")),
        ("households served", f"{e['households_served']:>16,} {f['households_served']:>14,}"),
        ("exact plan", proof),
        ("unmet by reason, exact", ", ".join(f"{k} {v:,}" for k, v in e["unmet_by_reason"].items())),
        ("unmet by reason, first come", ", ".join(f"{k} {v:,}" for k, v in f["unmet_by_reason"].items())),
    ]
    width = max(len(k) for k, _ in rows)
    out.write("allocation bench\n")
    for k, v in rows:
        out.write(f"  {k:<{width}}  {v}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("households", "services", "volunteers", "seed", "plan", "repeat"):
        p.add_argument(f"--{name}", type=int, default=DEFAULTS[name], help=f"(default {DEFAULTS[name]:,})")
    p.add_argument("--region", help="region whose households are planned (default: the province with the "
                                    "fewest households that still has --plan of them)")
    p.add_argument("--time-limit", type=float, default=10.0, dest="time_limit",
                   help="MILP seconds (default 10)")
    p.add_argument("--db", help="store file: reused if it exists, else built there "
                                "(default: a temporary file)")
    p.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    args = p.parse_args(argv)
    if min(args.plan, args.repeat) < 1:
        p.error("--plan and --repeat must be at least 1")
    if (problem := world.match_world_error(args.households, args.services, args.volunteers)) is not None:
        p.error(problem)
    if not args.time_limit > 0:
        p.error("--time-limit must be positive")
    return args


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    args = parse_args(argv)
    results: dict = {
        "params": {k: getattr(args, k) for k in ("households", "services", "volunteers", "seed", "plan",
                                                 "repeat", "region", "time_limit")},
        "env": {"python": platform.python_version(), "networkx": nx.__version__, "scipy": scipy.__version__,
                "platform": platform.platform(), "cpus": os.cpu_count()},
        "db": args.db,
    }
    with tempfile.TemporaryDirectory(prefix="dolbom-alloc-bench-") as tmp:
        db = args.db or os.path.join(tmp, "alloc.db")
        results["reused"] = os.path.exists(db)
        store = EmbeddedStore(db)
        try:
            if not results["reused"]:
                out.write(f"building {db} ...\n")
                results["load"] = world.load(store, world.match_world(
                    args.households, args.services, args.volunteers, args.seed), out)
            results["counts"] = store.counts()
            gc.collect()
            gc.freeze()
            results["measure"] = measure(store, args.region, args.plan, args.repeat, args.time_limit)
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
