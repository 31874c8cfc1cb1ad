"""Big answers through a warm ``dolbom serve``: ``overlaps``, ``coverage`` and
``networkAnalytics`` of every region (or of ``--region``'s subtree: what a case worker asks).

Starts ``dolbom serve`` on ``--db`` (an existing store file, e.g. the 100,000-household one
``bench/bench_coverage.py`` builds; a coordinator token is added to it) once with the execution
fast path off (``DOLBOM_FAST_EXECUTION=0``, graphql-core's field-by-field execution) and once
with it on (or only the ``--modes`` asked), and sends each report ``--repeat`` times in a row:
the first request computes it (or finds it kept), the later ones are the warm server's repeats,
where what is left is the GraphQL layer (completion of every field, the DataLoaders, JSON). The
answers of both modes must be byte for byte the same.

Run::

    python bench/bench_answers.py --db /tmp/cov.db
    python bench/bench_answers.py --db /tmp/cov.db --modes 1 --repeat 5
    python bench/bench_answers.py --db /tmp/cov.db --modes 1 --region gg
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OVERLAPS = ("query($region: ID) { overlaps(regionId: $region) { domain message form tag capacity demand "
            "redundancy region { id name } services { id name } } }")
COVERAGE = ("query($region: ID) { coverage(regionId: $region) { domain openNeeds uncoveredNeeds services "
            "freeCapacity unmetNeeds missingNeeds shortOfPlaces region { id name } } }")
NETWORK_ANALYTICS = ("query($region: ID) { networkAnalytics(regionId: $region) { organizations { id name "
                     "degree weightedDegree betweenness community } components communities unreferred "
                     "sampledBetweenness } }")
REPORTS = {"overlaps": OVERLAPS, "coverage": COVERAGE, "networkAnalytics": NETWORK_ANALYTICS}


def post(port: int, token: str, query: str, region: str | None = None) -> tuple[float, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    t0 = time.perf_counter()
    conn.request("POST", "/graphql", body=json.dumps({"query": query, "variables": {"region": region}}),
                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    body = resp.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    if resp.status != 200 or json.loads(body).get("errors"):
        raise AssertionError(f"HTTP {resp.status}: {body[:300]!r}")
    return elapsed, body


def run(args: argparse.Namespace, out=sys.stdout) -> dict:
    from graph.embedded import EmbeddedStore
    from service.principal import Role
    from service.tokens import create_token
    from tests.spawn import Spawned, free_port, serve_argv

    with EmbeddedStore(args.db) as store:
        if args.region is not None and store.get("Region", args.region) is None:  # before writing a token
            raise SystemExit(f"--region: no region {args.region!r} in {args.db}")
        token = create_token(store, Role.COORDINATOR)
    results: dict = {"db": args.db, "repeat": args.repeat, "region": args.region, "modes": {}}
    bodies: dict[str, set[bytes]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes:
            env = {**os.environ, "DOLBOM_DB": args.db, "DOLBOM_FAST_EXECUTION": mode,
                   "DOLBOM_TIME_BUDGET": "900"}
            env.pop("NEO4J_URI", None)
            port = free_port()
            figures = results["modes"][mode] = {}
            with Spawned(serve_argv(args.db, port, "--log-level", "warning"), env=env,
                         log_path=os.path.join(tmp, f"serve-{mode}.log"), timeout=300):
                for name, query in REPORTS.items():
                    runs = [post(port, token, query, args.region) for _ in range(args.repeat)]
                    bodies.setdefault(name, set()).add(runs[-1][1])
                    later = [s for s, _ in runs[1:]]
                    figures[name] = {"first_s": runs[0][0], "repeats_s": later,
                                     "repeat_median_s": statistics.median(later) if later else None,
                                     "bytes": len(runs[0][1]), "load": os.getloadavg()[0]}
                    label = "on " if mode == "1" else "off"
                    out.write(f"  fast path {label} {name:16} first {runs[0][0]:6.2f} s, "
                              f"repeat median {figures[name]['repeat_median_s'] or 0:6.2f} s "
                              f"({len(runs[0][1]) / 1e6:.1f} MB, load {os.getloadavg()[0]:.1f})\n")
                    out.flush()
    results["same_answers"] = {name: len(found) == 1 for name, found in bodies.items()}
    out.write(f"  answers the same in every mode: {results['same_answers']}\n")
    if not all(results["same_answers"].values()):
        raise AssertionError("the fast path's answers differ from graphql-core's")
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="an existing store file (a token is added to it)")
    ap.add_argument("--repeat", type=int, default=3, help="requests per report, in a row (default 3)")
    ap.add_argument("--modes", nargs="+", default=["0", "1"], choices=["0", "1"],
                    help="DOLBOM_FAST_EXECUTION values, in this order (default: 0 then 1)")
    ap.add_argument("--region", help="the reports of this region's subtree (default: every region)")
    ap.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    results = run(args)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
