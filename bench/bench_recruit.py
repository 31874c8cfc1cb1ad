"""The recruitment advisor for one city of the synthetic province (goal: <= 10 s at 100,000 households).

Generates the one synthetic world (:mod:`loaders.synthetic`, ``--households``
households in Gyeonggi, ``--seed``), builds its networkx view in memory (the
view ``store.graph()`` returns), then finds the city where the advisor has the
most to do: for every city, the places model and its optimum (the advisor's own
measure of unmet need: the urgency- and severity-weighted value of the needs
today's places leave uncovered), printed most unmet first. It times
:func:`matching.recruit.advise` over that city (or ``--city``) ``--repeat``
times after one warm-up call (SciPy's imports): median, min and max, and apart
the places model alone (reading every household of the city); and ``--plain``
runs without the shadow-price screen and the relaxation's exact re-solves
(every candidate a MILP, as before), which must rank the same gains. It checks
the figures: every ranked gain is positive, the ranking is by value, and the
top ``--check`` gains equal the whole city model re-solved after the change
(:mod:`matching.whatif` applied to a copy of the view).

Run::

    python bench/bench_recruit.py                          # 100,000 households
    python bench/bench_recruit.py --households 2000 --repeat 2 --json /tmp/recruit.json
"""

from __future__ import annotations

import argparse
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

from bench import world  # noqa: E402
from loaders import synthetic  # noqa: E402
from matching.recruit import advise, optimum, places_model  # noqa: E402
from matching.whatif import apply  # noqa: E402

DEFAULTS = {"households": 100_000, "seed": 7, "repeat": 5, "check": 3, "plain": 1}


def unmet_by_city(g, on) -> list[dict]:
    """Every city's unmet need by the advisor's own measure, most unmet (weighted value) first."""
    rows = []
    for _, a in g.nodes(data=True):
        if a.get("label") == "Region" and a.get("level") == "CITY":
            m = places_model(g, a["id"], on)
            best = optimum(m)
            rows.append({
                "city": a["id"], "households": len(m.households),
                "unmet_needs": sum(len(e.need_ids) for e in m.elements) - best.needs,
                "unmet_value": (sum(e.value for e in m.elements) - best.value) / 100,
            })
    rows.sort(key=lambda r: (-r["unmet_value"], -r["unmet_needs"], r["city"]))
    return rows


def measure(households: int, seed: int, repeat: int, city: str | None, check: int, plain: int = 1) -> dict:
    view = world.synthetic_view(households, seed)
    g, generated, built = view["graph"], view["generate_s"], view["build_view_s"]
    on = synthetic.ON
    t = time.perf_counter()
    cities = unmet_by_city(g, on)
    scanned = time.perf_counter() - t
    city = city or cities[0]["city"]
    advise(g, city, on=on)  # warm-up: SciPy's imports
    seconds = []
    adv = None
    for _ in range(repeat):
        t = time.perf_counter()
        adv = advise(g, city, on=on)
        seconds.append(time.perf_counter() - t)
    assert adv is not None
    plain_s = []
    for _ in range(plain):
        t = time.perf_counter()
        before = advise(g, city, on=on, screen=False, relaxation=False)
        plain_s.append(time.perf_counter() - t)
        if [(r.kind, r.target_id, r.value) for r in before.ranked] != \
                [(r.kind, r.target_id, r.value) for r in adv.ranked]:
            raise AssertionError("the plain advisor (every candidate a MILP) ranks other gains")
    t = time.perf_counter()
    model = places_model(g, city, on)
    model_s = time.perf_counter() - t
    values = [r.value for r in adv.ranked]
    if values != sorted(values, reverse=True) or any(r.value <= 0 for r in adv.ranked):
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
        "uncovered_value": adv.uncovered_value,
        "candidates": adv.candidates, "ranked": len(adv.ranked), "exact": adv.exact,
        "screened": adv.screened, "milp_solves": adv.milp_solves,
        "kinds": dict(Counter(r.kind for r in adv.ranked)),
        "advise": {"median_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds),
                   "runs": len(seconds)},
        "plain": {"median_s": statistics.median(plain_s), "min_s": min(plain_s), "max_s": max(plain_s),
                  "runs": len(plain_s)} if plain_s else None,
        "cities": cities[:5], "scan_s": scanned,
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
    out.write(f"  cities by unmet need (the advisor's measure; {r['scan_s']:.1f} s to scan them all):\n")
    for c in r["cities"]:
        out.write(f"    {c['city']:<18} {c['households']:>6,} households  "
                  f"{c['unmet_needs']:>6,} needs unmet  (weighted {c['unmet_value']:,.0f})\n")
    out.write(f"  recruitment advisor, one city       {a['median_s']:.2f} s median, {a['min_s']:.2f} min, "
              f"{a['max_s']:.2f} max of {a['runs']} (goal <= 10 s)\n")
    if r["plain"]:
        p = r["plain"]
        out.write(f"    plain (every candidate a MILP)    {p['median_s']:.2f} s median of {p['runs']}; "
                  f"same ranking\n")
    out.write(f"    places model alone                {r['places_model_s']:.2f} s\n")
    out.write(f"    needs uncovered (weighted) / candidates / screened by shadow prices / MILPs / ranked   "
              f"{r['uncovered_needs']:,} ({r['uncovered_value']:,.0f}) / {r['candidates']:,} / "
              f"{r['screened']:,} / {r['milp_solves']:,} / {r['ranked']:,}; "
              f"{'exact' if r['exact'] else 'NOT exact'}\n")
    out.write(f"    by kind: {r['kinds']}\n")
    out.write(f"    top gains re-solved on the whole city after the change: {len(r['checked'])} agree\n")
    out.write(f"  (generate {r['generate_s']:.1f} s, build the view {r['build_view_s']:.1f} s; "
              f"Python {r['python']} on {r['machine']})\n")


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--households", type=int, default=DEFAULTS["households"])
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--repeat", type=int, default=DEFAULTS["repeat"])
    p.add_argument("--city", help="the city's region id (default: the one with the most unmet need)")
    p.add_argument("--plain", type=int, default=DEFAULTS["plain"],
                   help="runs without the shadow-price screen and relaxation, to compare (1; 0: none)")
    p.add_argument("--check", type=int, default=DEFAULTS["check"], help="top gains to re-solve (3)")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    r = measure(args.households, args.seed, args.repeat, args.city, args.check, args.plain)
    report(r, out)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2, ensure_ascii=False), encoding="utf-8")
    return r


if __name__ == "__main__":
    main()
