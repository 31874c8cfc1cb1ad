"""Coverage, overlaps and network analytics report times at province scale.

Builds (or reuses, with ``--db``) an embedded store holding the world of
``bench/bench_match.py`` (:func:`bench.world.match_world`: ``--households``
households over the nine provinces, ``--services`` services, ``--volunteers``
volunteers), then times, ``--repeat`` times each (median and max):

* ``store.graph()`` (the whole view) and :func:`matching.coverage` over it
  (every region: all ``--households`` households);
* ``store.graph(gg)`` and coverage of that one province's subtree (Gyeonggi,
  the first: about half the households);
* the same coverage reports from ``store.report_parts`` (issue 23 part 2: the
  supply side's nodes and the households read from the records, no view of the
  households), checked equal to the ones above;
* ``service.analysis.coverage_cells`` of every region as a server runs it, twice
  in a row: computed, then kept (``service.report_cache``: no commit between);
  computed with the supply side's view kept by the store (as after a commit
  that touched households only), and with it built again too (as after one
  that touched a service);
* :func:`matching.overlaps` over the whole view and from the parts (checked
  equal), and ``overlap_groups`` computed then kept, as for coverage;
* one province's ``coverage_cells``, ``overlap_groups`` and ``network_report``
  as a server computes them (nothing kept in ``service.report_cache``; what
  the store keeps between reports, kept): a case worker's reports are of a
  region; checked against the reports over the province's view;
* :func:`matching.network.analytics` over the whole view (once unless
  ``--analytics-repeat``; 0 skips it), and (issue 23) from ``store.network_parts``
  (checked equal), ``network_report``'s analytics computed then kept, and with
  ``--analytics-before N`` networkx's computation as it was (tests/network_before.py,
  checked equal but for the communities; both modularities printed).

and checks the totals: open needs of the root cells equal the open needs in
the store, and no cell has more uncovered than open needs.

Run::

    python bench/bench_coverage.py                                # 100,000 households
    python bench/bench_coverage.py --households 10000 --services 3000 --volunteers 1000
    python bench/bench_coverage.py --db /tmp/match.db             # reuse bench_match's file
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import itertools
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
from matching.network import analytics_of  # noqa: E402
from service import report_cache  # noqa: E402
from service.analysis import coverage_cells, network_report, overlap_groups  # noqa: E402
from service.principal import Principal  # noqa: E402

ON = dt.date(2026, 6, 1)
DEFAULTS = {"households": 100_000, "services": 30_000, "volunteers": 10_000, "seed": 4, "repeat": 3}


def _timed(fn, repeat: int):
    seconds, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        seconds.append(time.perf_counter() - t)
    return value, {"median_s": statistics.median(seconds), "max_s": max(seconds), "runs": len(seconds)}


def _modularity(a, parts) -> float:
    """Modularity of an answer's communities over the collaboration graph of ``parts``."""
    g = nx.Graph()
    g.add_nodes_from(parts.organizations)
    for orgs in parts.households:
        for x, y in itertools.combinations(orgs, 2):
            w = g.get_edge_data(x, y, {"weight": 0})["weight"]
            g.add_edge(x, y, weight=w + 1)
    return nx.community.modularity(g, [set(c) for c in a.communities], weight="weight")


def measure(store: EmbeddedStore, repeat: int, analytics_repeat: int, analytics_before: int = 0) -> dict:
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
    # issue 23 part 2: the same reports from the records (no view of the households), and kept
    parts, t_parts = _timed(lambda: store.report_parts(None), repeat)
    new_cells, t_pcells = _timed(lambda: coverage(parts.view, None, on=ON, homes=parts.homes), repeat)
    if new_cells != cells:
        raise AssertionError("coverage from the records differs from coverage over the whole view")
    pparts, t_pparts = _timed(lambda: store.report_parts(province), repeat)
    new_pcells, t_ppcells = _timed(lambda: coverage(pparts.view, province, on=ON, homes=pparts.homes), repeat)
    if [dataclasses.replace(c, unmet_needs=0) for c in new_pcells] != \
            [dataclasses.replace(c, unmet_needs=0) for c in pcells] or \
            sum(c.unmet_needs for c in new_pcells if c.region_id == province) != \
            sum(c.unmet_needs for c in pcells if c.region_id == province):
        raise AssertionError("a province's coverage from the records differs from the one over its view")

    def served() -> tuple[float, float]:
        report_cache.forget(store)
        t = time.perf_counter()
        first = coverage_cells(store, Principal.local(), None, on=ON)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        again = coverage_cells(store, Principal.local(), None, on=ON)
        warm = time.perf_counter() - t
        if first != cells or again != cells:
            raise AssertionError("coverage_cells differs from coverage over the whole view")
        return cold, warm

    runs = [served() for _ in range(repeat)]

    def served_cold() -> float:
        # as after a commit that touched a service: nothing kept, the supply side's view built again
        report_cache.forget(store)
        store._supply_kept = None
        t = time.perf_counter()
        first = coverage_cells(store, Principal.local(), None, on=ON)
        cold = time.perf_counter() - t
        if first != cells:
            raise AssertionError("coverage_cells differs from coverage over the whole view")
        return cold

    _, t_served_cold = _timed(served_cold, repeat)
    t_served = {"median_s": statistics.median(c for c, _ in runs), "max_s": max(c for c, _ in runs),
                "runs": repeat}
    t_kept = {"median_s": statistics.median(w for _, w in runs), "max_s": max(w for _, w in runs),
              "runs": repeat}
    groups, t_ovl = _timed(lambda: overlaps(g), repeat)
    new_groups, t_povl = _timed(lambda: overlaps(parts.view, needs=parts.needs), repeat)
    if new_groups != groups:
        raise AssertionError("overlaps from the records differ from overlaps over the whole view")

    def served_overlaps() -> tuple[float, float]:
        report_cache.forget(store)
        t = time.perf_counter()
        first = overlap_groups(store, Principal.local(), None)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        again = overlap_groups(store, Principal.local(), None)
        warm = time.perf_counter() - t
        if first != groups or again != groups:
            raise AssertionError("overlap_groups differs from overlaps over the whole view")
        return cold, warm

    oruns = [served_overlaps() for _ in range(repeat)]
    t_oserved = {"median_s": statistics.median(c for c, _ in oruns), "max_s": max(c for c, _ in oruns),
                 "runs": repeat}
    t_okept = {"median_s": statistics.median(w for _, w in oruns), "max_s": max(w for _, w in oruns),
               "runs": repeat}
    # one province's reports as a server computes them (nothing kept in service.report_cache; what
    # the store keeps between reports, kept): a coordinator of one province waits for these
    def region_served(fn):
        def once():
            report_cache.forget(store)
            return fn()
        return _timed(once, repeat)

    p_cells, t_p_served = region_served(lambda: coverage_cells(store, Principal.local(), province, on=ON))
    if [dataclasses.replace(c, unmet_needs=0) for c in p_cells] != \
            [dataclasses.replace(c, unmet_needs=0) for c in pcells] or \
            sum(c.unmet_needs for c in p_cells if c.region_id == province) != \
            sum(c.unmet_needs for c in pcells if c.region_id == province):
        raise AssertionError("coverage_cells of a province differs from coverage over its view")
    p_groups, t_p_oserved = region_served(lambda: overlap_groups(store, Principal.local(), province))
    if p_groups != overlaps(pg, province):
        raise AssertionError("overlap_groups of a province differs from overlaps over its view")
    _, t_p_nserved = region_served(lambda: network_report(store, Principal.local(), province, picture=False))
    net, t_net = _timed(lambda: analytics(g), analytics_repeat) if analytics_repeat else (None, None)
    # issue 23: the analytics from Store.network_parts (no view), as network_report computes them, and
    # kept; networkx's computation as it was (tests/network_before.py) when --analytics-before asks
    nparts, t_nparts = _timed(lambda: store.network_parts(None), repeat)
    net_parts, t_net_parts = _timed(lambda: analytics_of(nparts), repeat)
    if net is not None and net_parts != net:
        raise AssertionError("network analytics from the parts differ from those over the whole view")

    def served_network() -> tuple[float, float]:
        report_cache.forget(store)
        t = time.perf_counter()
        first = network_report(store, Principal.local(), None, picture=False)[1]
        cold = time.perf_counter() - t
        t = time.perf_counter()
        again = network_report(store, Principal.local(), None, picture=False)[1]
        warm = time.perf_counter() - t
        if first != net_parts or again != net_parts:
            raise AssertionError("network_report differs from the analytics from the parts")
        return cold, warm

    nruns = [served_network() for _ in range(repeat)]
    t_nserved = {"median_s": statistics.median(c for c, _ in nruns), "max_s": max(c for c, _ in nruns),
                 "runs": repeat}
    t_nkept = {"median_s": statistics.median(w for _, w in nruns), "max_s": max(w for _, w in nruns),
               "runs": repeat}
    old_net, t_old_net = (None, None)
    if analytics_before:
        from tests.network_before import analytics_before as before_fn

        old_net, t_old_net = _timed(lambda: before_fn(g), analytics_before)
        if (old_net.components, old_net.unreferred) != (net_parts.components, net_parts.unreferred) or \
                {o.id: (o.degree, o.weighted_degree) for o in old_net.organizations} != \
                {o.id: (o.degree, o.weighted_degree) for o in net_parts.organizations} or \
                max(abs(a.betweenness - b.betweenness) for a, b in zip(
                    sorted(old_net.organizations, key=lambda o: o.id),
                    sorted(net_parts.organizations, key=lambda o: o.id), strict=True)) > 1e-9:
            raise AssertionError("network analytics differ from networkx's computation before issue 23")
    blind = [c for c in cells if c.uncovered_needs]
    return {
        "parts": t_parts, "parts_coverage": t_pcells, "province_parts": t_pparts,
        "province_parts_coverage": t_ppcells, "served": t_served, "kept": t_kept,
        "served_cold": t_served_cold,
        "supply_nodes": parts.view.number_of_nodes(), "parts_overlaps": t_povl,
        "served_overlaps": t_oserved, "kept_overlaps": t_okept,
        "province_served": t_p_served, "province_served_overlaps": t_p_oserved,
        "province_served_analytics": t_p_nserved, "province_overlap_groups": len(p_groups),
        "households": store.counts()["Household"], "open_needs": open_needs,
        "view": t_view, "view_nodes": g.number_of_nodes(), "coverage": t_cov, "cells": len(cells),
        "uncovered_needs": sum(c.uncovered_needs for c in cells if c.region_id in roots),
        "blind_spot_cells": len(blind), "cells_without_services": sum(1 for c in blind if c.services == 0),
        "province": province,
        "province_open_needs": sum(c.open_needs for c in pcells if c.region_id == province),
        "province_view": t_pview, "province_coverage": t_pcov, "province_cells": len(pcells),
        "overlaps": t_ovl, "overlap_groups": len(groups), "analytics": t_net,
        "network_parts": t_nparts, "parts_analytics": t_net_parts, "served_analytics": t_nserved,
        "kept_analytics": t_nkept, "analytics_before": t_old_net,
        "parts_organizations": len(nparts.organizations), "parts_households": len(nparts.households),
        "modularity": _modularity(net_parts, nparts),
        **({} if old_net is None else {"modularity_before": _modularity(old_net, nparts)}),
        **({} if net is None else {
            "organizations": len(net.organizations), "components": len(net.components),
            "communities": len(net.communities), "unreferred": len(net.unreferred),
            "sampled_betweenness": net.sampled_betweenness}),
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
        ("store.report_parts() (supply side + households)", f"{t(m['parts'])}; {m['supply_nodes']:,} nodes"),
        ("coverage from the parts, every region (same cells)", t(m["parts_coverage"])),
        (f"store.report_parts({m['province']})", t(m["province_parts"])),
        (f"coverage from the parts, province {m['province']}", t(m["province_parts_coverage"])),
        ("coverage_cells, every region, first (computed)", t(m["served"])),
        ("  the same, the supply side's view built again too", t(m["served_cold"])),
        ("coverage_cells, every region, again (kept)", t(m["kept"])),
    ]
    rows += [
        ("overlaps over the whole view, every region", f"{t(m['overlaps'])}; {m['overlap_groups']:,} groups"),
        ("overlaps from the parts, every region (same groups)", t(m["parts_overlaps"])),
        ("overlap_groups, every region, first (computed)", t(m["served_overlaps"])),
        ("overlap_groups, every region, again (kept)", t(m["kept_overlaps"])),
        (f"province {m['province']}'s reports as served, each computed:", ""),
        ("  coverage_cells (same cells but unmet's split)", t(m["province_served"])),
        ("  overlap_groups (same groups)", f"{t(m['province_served_overlaps'])}; "
                                          f"{m['province_overlap_groups']:,} groups"),
        ("  network_report analytics", t(m["province_served_analytics"])),
    ]
    if m["analytics"] is not None:
        rows += [
            ("network analytics, every region",
             f"{t(m['analytics'])}; {m['organizations']:,} organizations, {m['components']:,} components, "
             f"{m['communities']:,} communities, {m['unreferred']:,} unreferred resources"
             + (", betweenness sampled" if m["sampled_betweenness"] else "")),
        ]
    if m.get("network_parts") is not None:
        rows += [
            ("store.network_parts() (organizations, links, resources)",
             f"{t(m['network_parts'])}; {m['parts_organizations']:,} organizations, "
             f"{m['parts_households']:,} households sharing two or more"),
            ("network analytics from the parts, every region", f"{t(m['parts_analytics'])}; "
             f"modularity {m['modularity']:.4f}"),
            ("network_report analytics, every region, first (computed)", t(m["served_analytics"])),
            ("network_report analytics, every region, again (kept)", t(m["kept_analytics"])),
        ]
    if m.get("analytics_before") is not None:
        rows += [("network analytics as before issue 23 (networkx, whole view)",
                  f"{t(m['analytics_before'])}; Louvain modularity {m['modularity_before']:.4f}")]
    width = max(len(k) for k, _ in rows)
    out.write("coverage bench\n")
    for k, v in rows:
        out.write(f"  {k:<{width}}  {v}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("households", "services", "volunteers", "seed", "repeat"):
        p.add_argument(f"--{name}", type=int, default=DEFAULTS[name], help=f"(default {DEFAULTS[name]:,})")
    p.add_argument("--analytics-repeat", type=int, default=1, dest="analytics_repeat",
                   help="runs of network analytics (default 1; 0: skip it)")
    p.add_argument("--analytics-before", type=int, default=0, dest="analytics_before",
                   help="runs of networkx's network analytics as before issue 23 (default 0: skip them)")
    p.add_argument("--db", help="store file: reused if it exists, else built there "
                                "(default: a temporary file)")
    p.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    args = p.parse_args(argv)
    if args.repeat < 1 or args.analytics_repeat < 0 or args.analytics_before < 0:
        p.error("--repeat must be at least 1, --analytics-repeat and --analytics-before at least 0")
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
            results["measure"] = measure(store, args.repeat, args.analytics_repeat, args.analytics_before)
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
