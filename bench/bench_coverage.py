"""Coverage, overlaps and network analytics report times at province scale.

Builds (or reuses, with ``--db``) an embedded store holding the world of
``bench/bench_match.py`` (:func:`bench.world.match_world`: ``--households``
households over the nine provinces, ``--services`` services, ``--volunteers``
volunteers), then times, ``--repeat`` times each (median and max):

* ``store.graph()`` (the whole view) and :func:`matching.coverage` over it
  (every region: all ``--households`` households);
* ``store.graph(gg)`` and coverage of that one province's subtree (Gyeonggi,
  the first: about half the households);
* :func:`matching.overlaps` and :func:`matching.network.analytics` over the
  whole view (once each unless ``--repeat``).

and checks the totals: open needs of the root cells equal the open needs in
the store, and no cell has more uncovered than open needs.

Run::

    python bench/bench_coverage.py                                # 100,000 households
    python bench/bench_coverage.py --households 10000 --services 3000 --volunteers 1000
    python bench/bench_coverage.py --db /tmp/match.db             # reuse bench_match's file
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
from graph.model import NeedStatus  # noqa: E402
from loaders.synthetic import PROVINCE_ID  # noqa: E402
from matching import analytics, coverage, overlaps  # noqa: E402

ON = dt.date(2026, 6, 1)
DEFAULTS = {"households": 100_000, "services": 30_000, "volunteers": 10_000, "seed": 4, "repeat": 3}


def _timed(fn, repeat: int):
    seconds, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        seconds.append(time.perf_counter() - t)
    return value, {"median_s": statistics.median(seconds), "max_s": max(seconds), "runs": len(seconds)}


def measure(store: EmbeddedStore, repeat: int, analytics_repeat: int) -> dict:
    roots = sorted(r.id for r in store.list("Region") if r.parent_id is None)
    province = PROVINCE_ID if PROVINCE_ID in roots else roots[0]
    g, t_view = _timed(store.graph, repeat)
    cells, t_cov = _timed(lambda: coverage(g, on=ON), repeat)
    open_needs = sum(1 for n in store.list("Need") if n.status == NeedStatus.OPEN)
    root_open = sum(c.open_needs for c in cells if c.region_id in roots)
    if root_open != open_needs:
        raise AssertionError(f"root cells hold {root_open} open needs, the store {open_needs}")
    if any(c.uncovered_needs > c.open_needs for c in cells):
        raise AssertionError("a cell has more uncovered than open needs")
    pg, t_pview = _timed(lambda: store.graph(province), repeat)
    pcells, t_pcov = _timed(lambda: coverage(pg, province, on=ON), repeat)
    groups, t_ovl = _timed(lambda: overlaps(g), analytics_repeat)
    net, t_net = _timed(lambda: analytics(g), analytics_repeat)
    blind = [c for c in cells if c.uncovered_needs]
    return {
        "households": store.counts()["Household"], "open_needs": open_needs,
        "view": t_view, "view_nodes": g.number_of_nodes(), "coverage": t_cov, "cells": len(cells),
        "uncovered_needs": sum(c.uncovered_needs for c in cells if c.region_id in roots),
        "blind_spot_cells": len(blind), "cells_without_services": sum(1 for c in blind if c.services == 0),
        "province": province,
        "province_open_needs": sum(c.open_needs for c in pcells if c.region_id == province),
        "province_view": t_pview, "province_coverage": t_pcov, "province_cells": len(pcells),
        "overlaps": t_ovl, "overlap_groups": len(groups), "analytics": t_net,
        "organizations": len(net.organizations), "components": len(net.components),
        "communities": len(net.communities), "unreferred": len(net.unreferred),
        "sampled_betweenness": net.sampled_betweenness,
    }


def report(r: dict, out) -> None:
    m = r["measure"]

    def t(d: dict) -> str:
        return f"{d['median_s']:.2f} s median, {d['max_s']:.2f} s max of {d['runs']}"

    rows = [
        ("graph", ", ".join(f"{k} {v:,}" for k, v in r["counts"].items())),
        ("store", f"{'reused ' if r['reused'] else 'built '}{r['db'] or '(temporary file)'}"
                  + (f" in {r['load']['seconds']:.0f} s" if r.get("load") else "")),
        ("store.graph() (whole view)", f"{t(m['view'])}; {m['view_nodes']:,} nodes"),
        (f"coverage, every region ({m['households']:,} households)", t(m["coverage"])),
        ("  cells / blind-spot cells / without any service",
         f"{m['cells']:,} / {m['blind_spot_cells']:,} / {m['cells_without_services']:,}"),
        ("  open / uncovered needs", f"{m['open_needs']:,} / {m['uncovered_needs']:,}"),
        (f"store.graph({m['province']}) (one province)", t(m["province_view"])),
        (f"coverage, province {m['province']} ({m['province_cells']:,} cells)", t(m["province_coverage"])),
        ("overlaps, every region", f"{t(m['overlaps'])}; {m['overlap_groups']:,} groups"),
        ("network analytics, every region",
         f"{t(m['analytics'])}; {m['organizations']:,} organizations, {m['components']:,} components, "
         f"{m['communities']:,} communities, {m['unreferred']:,} unreferred resources"
         + (", betweenness sampled" if m["sampled_betweenness"] else "")),
    ]
    width = max(len(k) for k, _ in rows)
    out.write("coverage bench\n")
    for k, v in rows:
        out.write(f"  {k:<{width}}  {v}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("households", "services", "volunteers", "seed", "repeat"):
        p.add_argument(f"--{name}", type=int, default=DEFAULTS[name], help=f"(default {DEFAULTS[name]:,})")
    p.add_argument("--analytics-repeat", type=int, default=1, dest="analytics_repeat",
                   help="runs of overlaps and analytics (default 1)")
    p.add_argument("--db", help="store file: reused if it exists, else built there "
                                "(default: a temporary file)")
    p.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    args = p.parse_args(argv)
    if min(args.repeat, args.analytics_repeat) < 1:
        p.error("repeats must be at least 1")
    if (problem := world.match_world_error(args.households, args.services, args.volunteers)) is not None:
        p.error(problem)
    return args


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    args = parse_args(argv)
    results: dict = {
        "params": {k: getattr(args, k) for k in ("households", "services", "volunteers", "seed", "repeat")},
        "env": {"python": platform.python_version(), "networkx": nx.__version__, "scipy": scipy.__version__,
                "platform": platform.platform(), "cpus": os.cpu_count()},
        "db": args.db,
    }
    with tempfile.TemporaryDirectory(prefix="dolbom-coverage-bench-") as tmp:
        db = args.db or os.path.join(tmp, "coverage.db")
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
            results["measure"] = measure(store, args.repeat, args.analytics_repeat)
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
