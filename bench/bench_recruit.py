"""The recruitment advisor for one city of the synthetic province (goal: <= 10 s at 100,000 households).

Generates the one synthetic world (:mod:`loaders.synthetic`, ``--households``
households in Gyeonggi, ``--seed``), builds its networkx view in memory (the
view ``store.graph()`` returns), then times :func:`matching.recruit.advise` over
one city (``--city``, default the city with the most households) ``--repeat``
times after one warm-up call (SciPy's imports): median and max, and apart the
places model alone (reading every household of the city). It checks the
figures: every ranked gain is positive, the ranking is by value, and the top
``--check`` gains equal the whole city model re-solved after the change
(:mod:`matching.whatif` applied to a copy of the view).

Run::

    python bench/bench_recruit.py                          # 100,000 households
    python bench/bench_recruit.py --households 2000 --repeat 2 --json /tmp/recruit.json
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.view import build_graph  # noqa: E402
from loaders import synthetic  # noqa: E402
from matching.recruit import advise, optimum, places_model  # noqa: E402
from matching.whatif import apply  # noqa: E402

DEFAULTS = {"households": 100_000, "seed": 7, "repeat": 3, "check": 3}


def _biggest_city(g) -> str:
    regions = {a["id"]: a for _, a in g.nodes(data=True) if a.get("label") == "Region"}
    count: Counter[str] = Counter()
    for _, a in g.nodes(data=True):
        if a.get("label") == "Household":
            rid = a["region_id"]
            while rid in regions and regions[rid].get("level") != "CITY":
                rid = regions[rid].get("parent_id")
            if rid in regions:
                count[rid] += 1
    return count.most_common(1)[0][0]


def measure(households: int, seed: int, repeat: int, city: str | None, check: int) -> dict:
    t = time.perf_counter()
    records = list(synthetic.records(households=households, seed=seed))
    generated = time.perf_counter() - t
    t = time.perf_counter()
    g = build_graph(records)
    built = time.perf_counter() - t
    del records
    gc.collect()
    gc.freeze()  # as the embedded store does once it has loaded its view
    on = synthetic.ON
    city = city or _biggest_city(g)
    advise(g, city, on=on)  # warm-up: SciPy's imports
    seconds = []
    adv = None
    for _ in range(repeat):
        t = time.perf_counter()
        adv = advise(g, city, on=on)
        seconds.append(time.perf_counter() - t)
    assert adv is not None
    t = time.perf_counter()
    model = places_model(g, city, on)
    model_s = time.perf_counter() - t
    values = [r.value for r in adv.ranked]
    if values != sorted(values, reverse=True) or any(r.value <= 0 and r.needs <= 0 for r in adv.ranked):
        raise AssertionError("the ranking is not by positive value")
    base = optimum(model)
    checked = []
    for r in adv.ranked[:check]:
        after = optimum(places_model(apply(g, [r.change]), city, on))
        if (after.value - base.value) / 100 != r.value:
            raise AssertionError(f"{r.kind} {r.target_id}: claimed {r.value}, re-solved "
                                 f"{(after.value - base.value) / 100}")
        checked.append({"kind": r.kind, "target": r.target_id, "value": r.value, "needs": r.needs})
    return {
        "households": households, "seed": seed, "city": city, "nodes": g.number_of_nodes(),
        "city_households": adv.households, "elements": adv.elements, "uncovered_needs": adv.uncovered_needs,
        "candidates": adv.candidates, "ranked": len(adv.ranked), "exact": adv.exact,
        "kinds": dict(Counter(r.kind for r in adv.ranked)),
        "advise": {"median_s": statistics.median(seconds), "max_s": max(seconds), "runs": len(seconds)},
        "places_model_s": model_s, "checked": checked, "top": [
            {"kind": r.kind, "target": r.target_id, "region": r.region_id, "value": r.value, "needs": r.needs,
             "message": r.message.render("ko")} for r in adv.ranked[:5]],
        "generate_s": generated, "build_view_s": built,
        "python": platform.python_version(), "machine": platform.machine(),
    }


def report(r: dict, out) -> None:
    a = r["advise"]
    out.write(f"recruit bench: {r['households']:,} households (seed {r['seed']}), {r['nodes']:,} nodes; "
              f"city {r['city']} ({r['city_households']:,} households with open needs)\n")
    out.write(f"  recruitment advisor, one city       {a['median_s']:.2f} s median, {a['max_s']:.2f} s max "
              f"of {a['runs']} (goal <= 10 s)\n")
    out.write(f"    places model alone                {r['places_model_s']:.2f} s\n")
    out.write(f"    needs uncovered / candidates re-solved / ranked   {r['uncovered_needs']:,} / "
              f"{r['candidates']:,} / {r['ranked']:,}; {'exact' if r['exact'] else 'NOT exact'}\n")
    out.write(f"    by kind: {r['kinds']}\n")
    out.write(f"    top gains re-solved on the whole city after the change: {len(r['checked'])} agree\n")
    out.write(f"  (generate {r['generate_s']:.1f} s, build the view {r['build_view_s']:.1f} s; "
              f"Python {r['python']} on {r['machine']})\n")


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--households", type=int, default=DEFAULTS["households"])
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--repeat", type=int, default=DEFAULTS["repeat"])
    p.add_argument("--city", help="the city's region id (default: the one with the most households)")
    p.add_argument("--check", type=int, default=DEFAULTS["check"], help="top gains to re-solve (3)")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    r = measure(args.households, args.seed, args.repeat, args.city, args.check)
    report(r, out)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2, ensure_ascii=False), encoding="utf-8")
    return r


if __name__ == "__main__":
    main()
