"""The HSDS API's answers on a synthetic province: mapping the page only, against rebuilding the export.

Builds (or reuses, with ``--db``) an embedded store of ``--households``
synthetic households (the world ``dolbom generate`` writes and ``dolbom load``
reads: :func:`loaders.synthetic.generate`, loaded as :func:`bench.world.load`
loads), then times, in the same process and run, each answer two ways:

* **before**: what ``service/hsds.py`` did until the page-only rewrite: build
  the whole HSDS export (:func:`loaders.hsds_export.build_hsds`, every
  organization and service), then filter, slice or look up in it;
* **after**: :mod:`service.hsds` as it is: the store's count and the page's
  records, filters over records, ids through ``get`` and the reverse index.

Each answer is serialized to JSON as the route does. Both ways must give the
same answer (checked once per scenario before timing). Reports the median and
p95 in milliseconds and the ratio.

Run::

    python bench/bench_hsds.py                               # 100,000 households
    python bench/bench_hsds.py --db /tmp/p100k.db            # reuse a loaded store
    python bench/bench_hsds.py --households 2000 --repeat 5  # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULTS = {"households": 100_000, "seed": 1, "repeat": 15, "per_page": 50}


# -- before: the whole export per request (the code this bench replaced) ------------------------------


def _export(store: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from loaders.hsds_export import build_hsds

    orgs, svcs, _tables, _lost = build_hsds(store)
    by_org = {o["id"]: o for o in orgs}
    return orgs, [{**s, "organization": by_org[s["organization_id"]]} for s in svcs]


def _dolbom_id(obj: dict[str, Any]) -> str:
    return next(str(a["value"]) for a in obj["attributes"]
                if a["taxonomy_term"]["taxonomy"] == "dolbom-identifier")


def _page(items: list[dict[str, Any]], page: int, per_page: int) -> dict[str, Any]:
    contents = items[(page - 1) * per_page: page * per_page]
    return {"total_items": len(items), "contents": contents}


def before_services(store: Any, page: int, per_page: int, search: str | None = None) -> dict[str, Any]:
    from loaders.hsds_mapping import norm

    _orgs, svcs = _export(store)
    if search is not None:
        words = norm(search).split()

        def hay(o: dict[str, Any]) -> str:
            terms = [f"{a['taxonomy_term']['code']} {a['taxonomy_term']['name']}" for a in o["attributes"]
                     if a["taxonomy_term"]["taxonomy"] != "dolbom-identifier"]
            return norm(" ".join([o.get("name", ""), o.get("description", ""), *terms]))

        svcs = [s for s in svcs if all(w in hay(s) for w in words)]
    return _page(svcs, page, per_page)


def before_service(store: Any, key: str) -> dict[str, Any] | None:
    _orgs, svcs = _export(store)
    return next((s for s in svcs if s["id"] == key or _dolbom_id(s) == key), None)


def before_organizations(store: Any, page: int, per_page: int) -> dict[str, Any]:
    orgs, _svcs = _export(store)
    return _page(orgs, page, per_page)


def before_organization(store: Any, key: str) -> dict[str, Any] | None:
    orgs, svcs = _export(store)
    for org in orgs:
        if org["id"] == key or _dolbom_id(org) == key:
            return {**org, "services": [{k: v for k, v in s.items() if k != "organization"}
                                        for s in svcs if s["organization_id"] == org["id"]]}
    return None


# -- timing ------------------------------------------------------------------------------------------


def _time(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        json.dumps(fn(), ensure_ascii=False)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def build(db: str, households: int, seed: int, out: Any) -> None:
    from bench import world
    from graph.embedded import EmbeddedStore
    from loaders.synthetic import generate

    out.write(f"building {households:,} households (seed {seed}) into {db}\n")
    with EmbeddedStore(db) as store:
        world.load(store, world.by_kind(generate(households, seed)), out)


def main(argv: list[str] | None = None, out: Any = sys.stdout) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--households", type=int, default=DEFAULTS["households"])
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--repeat", type=int, default=DEFAULTS["repeat"], help="timings per scenario and way")
    p.add_argument("--per-page", type=int, default=DEFAULTS["per_page"])
    p.add_argument("--db", help="an embedded store to reuse (built there when missing)")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)

    from graph.embedded import EmbeddedStore
    from graph.model import Organization, Service
    from loaders.hsds_export import hsds_id
    from service import hsds

    tmp = None
    db = args.db
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-hsds-")
        db = os.path.join(tmp.name, "hsds.db")
    if not os.path.exists(db) or os.path.getsize(db) == 0:
        build(db, args.households, args.seed, out)
    figures: dict[str, Any] = {}
    try:
        with EmbeddedStore(db) as store:
            counts = store.counts()
            svcs = [s for s in store.list("Service") if isinstance(s, Service)]
            orgs = [o for o in store.list("Organization") if isinstance(o, Organization)]
            middle = svcs[len(svcs) // 2]
            org = orgs[len(orgs) // 2]
            pp = args.per_page
            mid_page = max(1, len(svcs) // pp // 2)
            out.write(f"store: {db}: {counts.get('Household', 0):,} households, {len(orgs):,} organizations, "
                      f"{len(svcs):,} services, {counts.get('Region', 0):,} regions\n")
            scenarios: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], Any]]] = [
                (f"/hsds/services?per_page={pp}", lambda: before_services(store, 1, pp),
                 lambda: hsds.services(store, per_page=pp), lambda r: r["contents"]),
                (f"/hsds/services?page={mid_page}", lambda: before_services(store, mid_page, pp),
                 lambda: hsds.services(store, page=mid_page, per_page=pp), lambda r: r["contents"]),
                ("/hsds/services?search=주거", lambda: before_services(store, 1, pp, "주거"),
                 lambda: hsds.services(store, per_page=pp, search="주거"), lambda r: r["contents"]),
                ("/hsds/services/{hsds id}", lambda: before_service(store, hsds_id("Service", middle.id)),
                 lambda: hsds.service(store, hsds_id("Service", middle.id)), lambda r: r),
                ("/hsds/services/{dolbom id}", lambda: before_service(store, middle.id),
                 lambda: hsds.service(store, middle.id), lambda r: r),
                (f"/hsds/organizations?per_page={pp}", lambda: before_organizations(store, 1, pp),
                 lambda: hsds.organizations(store, per_page=pp), lambda r: r["contents"]),
                ("/hsds/organizations/{hsds id}",
                 lambda: before_organization(store, hsds_id("Organization", org.id)),
                 lambda: hsds.organization(store, hsds_id("Organization", org.id)), lambda r: r),
            ]
            out.write(f"\n{'answer':<34} {'before ms':>10} {'p95':>8} {'after ms':>10} {'p95':>8} "
                      f"{'faster':>8}\n")
            for name, before, after, part in scenarios:
                assert part(before()) == part(after()), f"{name}: before and after differ"
                b, a = _time(before, args.repeat), _time(after, args.repeat)
                fig = {"before_median_ms": statistics.median(b), "before_p95_ms": _p95(b),
                       "after_median_ms": statistics.median(a), "after_p95_ms": _p95(a)}
                fig["speedup"] = fig["before_median_ms"] / max(fig["after_median_ms"], 1e-6)
                figures[name] = fig
                out.write(f"{name:<34} {fig['before_median_ms']:>10.2f} {fig['before_p95_ms']:>8.2f} "
                          f"{fig['after_median_ms']:>10.2f} {fig['after_p95_ms']:>8.2f} "
                          f"{fig['speedup']:>7.0f}x\n")
    finally:
        if tmp is not None:
            tmp.cleanup()
    result = {"parameters": {**vars(args)}, "figures": figures,
              "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count()}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
