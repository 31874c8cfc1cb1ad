"""Coverage with ``unmet`` (blind spots under competition) for a whole synthetic province.

Generates the one synthetic world (:mod:`loaders.synthetic`, ``--households``
households in Gyeonggi, ``--seed``), builds its networkx view in memory (the
view ``store.graph()`` returns), then times :func:`matching.coverage` over every
region ``--repeat`` times after one warm-up call (which pays the one-time
imports of SciPy's flow and MILP code): median and max. Like the embedded
store after it loads (and ``bench/bench_coverage.py``), the view is frozen out
of the garbage collector's reach first (``gc.freeze()``), so a collection does
not walk the whole province each time. It also times the
places computation alone (:func:`matching.places.max_cover` over the needs that
compete) and says how the work split (presolve, max-flow, MILP), and checks the
figures: the root cells hold every open need of the view, no cell has more
unmet or uncovered needs than open ones, the split below the root adds up, and
the places count is proven exact.

Run::

    python bench/bench_unmet.py                        # 100,000 households
    python bench/bench_unmet.py --households 2000 --repeat 5 --json /tmp/unmet.json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import world  # noqa: E402
from graph.model import Domain, NeedStatus  # noqa: E402
from loaders import synthetic  # noqa: E402
from matching import coverage  # noqa: E402
from matching.places import max_cover  # noqa: E402

DEFAULTS = {"households": 100_000, "seed": 7, "repeat": 3}


def measure(households: int, seed: int, repeat: int) -> dict:
    view = world.synthetic_view(households, seed, tally=lambda records: sum(
        1 for r in records if r.LABEL == "Need" and r.status == NeedStatus.OPEN))
    g, generated, built, open_needs = view["graph"], view["generate_s"], view["build_view_s"], view["tally"]
    on = synthetic.ON

    coverage(g, on=on)  # warm-up: SciPy's imports
    seconds = []
    cells = []
    for _ in range(repeat):
        t = time.perf_counter()
        cells = coverage(g, on=on)
        seconds.append(time.perf_counter() - t)

    # the places computation alone, on the contest coverage builds (captured from the module)
    cov_module = sys.modules["matching.coverage"]  # the module (``matching.coverage`` is the function)
    seen: dict = {}
    real = cov_module.max_cover

    def spy(contest, **kw):
        seen["contest"] = contest
        return real(contest, **kw)

    cov_module.max_cover = spy
    try:
        coverage(g, on=on)
    finally:
        cov_module.max_cover = real
    contest = seen.get("contest")
    places = {"elements": 0, "choices": 0, "seconds": 0.0, "stats": {}, "exact": True, "needs_covered": 0}
    if contest is not None:
        t = time.perf_counter()
        cover = max_cover(contest)
        places = {"elements": len(contest.weights), "choices": len(contest.choices),
                  "seconds": time.perf_counter() - t, "stats": cover.stats, "exact": cover.exact,
                  "needs_covered": cover.needs}

    roots = {c.region_id for c in cells} - {c for c in _children(g)}
    root_open = sum(c.open_needs for c in cells if c.region_id in roots)
    if root_open != open_needs:
        raise AssertionError(f"root cells hold {root_open} open needs, the world {open_needs}")
    for c in cells:
        if not (0 <= c.unmet_needs <= c.open_needs and c.uncovered_needs + c.unmet_needs <= c.open_needs
                and 0 <= c.missing_needs <= c.uncovered_needs):
            raise AssertionError(f"cell {c.region_id} {c.domain.value} is inconsistent: {c}")
    if not places["exact"]:
        raise AssertionError("the places count is not proven (HiGHS stopped on its time limit)")
    root = min(roots)
    return {
        "households": households, "seed": seed, "nodes": g.number_of_nodes(), "cells": len(cells),
        "open_needs": open_needs,
        "uncovered": sum(c.uncovered_needs for c in cells if c.region_id == root),
        "missing": sum(c.missing_needs for c in cells if c.region_id == root),
        "unmet": sum(c.unmet_needs for c in cells if c.region_id == root),
        "unmet_by_domain": {d.value: sum(c.unmet_needs for c in cells
                                         if c.region_id == root and c.domain == d) for d in Domain},
        "coverage": {"median_s": statistics.median(seconds), "max_s": max(seconds), "runs": len(seconds)},
        "places": places, "generate_s": generated, "build_view_s": built,
        "python": platform.python_version(), "machine": platform.machine(),
    }


def _children(g) -> set[str]:
    return {a["id"] for _, a in g.nodes(data=True) if a.get("label") == "Region" and a.get("parent_id")}


def report(r: dict, out) -> None:
    cov, places = r["coverage"], r["places"]
    out.write(f"unmet bench: {r['households']:,} households (seed {r['seed']}), {r['nodes']:,} nodes, "
              f"{r['cells']:,} cells\n")
    out.write(f"  coverage with unmet, every region      {cov['median_s']:.2f} s median, "
              f"{cov['max_s']:.2f} s max of {cov['runs']}\n")
    out.write(f"    open / uncovered (nothing exists) / unmet needs   {r['open_needs']:,} / "
              f"{r['uncovered']:,} ({r['missing']:,}) / {r['unmet']:,}\n")
    out.write(f"  places alone: {places['elements']:,} competing elements, {places['choices']:,} choices, "
              f"{places['seconds']:.3f} s; settled by presolve {places['stats'].get('presolved', 0):,}, "
              f"flow {places['stats'].get('flow', 0):,}, MILP {places['stats'].get('milp', 0):,}; "
              f"{'proven' if places['exact'] else 'NOT proven'}\n")
    out.write(f"  (generate {r['generate_s']:.1f} s, build the view {r['build_view_s']:.1f} s; "
              f"Python {r['python']} on {r['machine']})\n")


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--households", type=int, default=DEFAULTS["households"])
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--repeat", type=int, default=DEFAULTS["repeat"])
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    r = measure(args.households, args.seed, args.repeat)
    report(r, out)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2), encoding="utf-8")
    return r


if __name__ == "__main__":
    main()
