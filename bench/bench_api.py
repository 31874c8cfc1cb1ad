"""The API under load on loopback, against the same functions behind a bare route.

Builds (or reuses, with ``--db``) an embedded store of ``--households``
synthetic households (:mod:`loaders.synthetic`), then starts two servers on
loopback, each in its own process under uvicorn with one worker:

* ``dolbom serve``: the real app (auth, middleware, strawberry, DataLoaders);
* a bare Starlette app with two JSON routes calling the very functions the
  GraphQL resolvers call (``service.analysis.match_packages`` and
  ``service.reads.services_page``) and serializing the same fields by hand;
  and a third, ``/match-duties``, that also does what the API must do around a
  match and the bare route skips: the token check
  (``service.tokens.authenticate``), the records the packages show
  (``service.analysis.match_answer``), the read audit entry
  (``service.audit.record``), the answer in Korean. GraphQL against it is the
  GraphQL layer's own cost (``matchPackages/bare+duties``).

A load generator in this process (``--concurrency`` threads, one keep-alive
connection each) sends ``--requests`` requests per scenario: ``matchPackages``
(limit 3) for random households, and a ``services`` directory page (first 50,
a random domain). Every response is checked (status 200, no errors, the
expected shape). Reports throughput and p50/p95/p99 latency of each, and the
GraphQL layer's overhead as ratios (GraphQL / bare) measured in the same run.

Run::

    python bench/bench_api.py                              # 100,000 households
    python bench/bench_api.py --db /tmp/api.db             # build once, reuse
    python bench/bench_api.py --households 2000 --requests 200
    python bench/bench_api.py --db /tmp/api.db --before /tmp/old   # an earlier commit beside this one

With ``--before CHECKOUT`` (a work tree of an earlier commit, e.g. ``git worktree add /tmp/old
HEAD~3``) a third server, ``dolbom serve`` run from that checkout on the same store, takes its turn
in the same rounds (``graphql-before``): before and after measured side by side in one run, as
the ratios are.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOMAINS = ["HEALTH", "HOUSING", "EMPLOYMENT", "LEGAL", "INCOME", "EDUCATION", "CARE", "MENTAL_HEALTH", "FOOD"]

MATCH_QUERY = """query($id: ID!) { matchPackages(householdId: $id, limit: 3) {
  rank cost providerCount coveredDomains missingDomains
  items { resource { ... on Service { id } ... on Volunteer { id } } needs { id } reasons }
  flags { kind domain needIds serviceIds message } } }"""
SERVICES_QUERY = """query($domain: Domain) { services(domain: $domain, first: 50) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name domains } } } }"""


# -- the bare app: the same functions, no GraphQL ----------------------------------


def bare_app():
    """A Starlette app with /match, /match-duties and /services over the store in DOLBOM_DB."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from graph.factory import open_store
    from graph.model import Domain
    from i18n.catalogue import DEFAULT_LOCALE
    from service import analysis, audit, reads
    from service.principal import Principal, Role
    from service.tokens import authenticate

    store = open_store()
    coordinator = Principal(Role.COORDINATOR, token_id="bench")

    def as_json(packages: list, found: dict | None = None) -> list:
        """The fields MATCH_QUERY asks for; with ``found`` (the records the packages show) each
        resource with its type and only the records there, as the API answers."""
        def resource(i) -> dict | None:
            if found is None:
                return {"id": i.resource_id}
            key = (i.resource_label, i.resource_id)
            return {"__typename": i.resource_label, "id": i.resource_id} if key in found else None

        return [{
            "rank": p.rank, "cost": p.cost, "providerCount": p.provider_count,
            "coveredDomains": [d.value for d in p.covered_domains],
            "missingDomains": [d.value for d in p.missing_domains],
            "items": [{"resource": resource(i),
                       "needs": [{"id": n} for n in i.need_ids if found is None or ("Need", n) in found],
                       "reasons": list(i.reasons)} for i in p.items],
            "flags": [{"kind": f.kind.value, "domain": f.domain.value if f.domain else None,
                       "needIds": list(f.need_ids), "serviceIds": list(f.service_ids), "message": f.message}
                      for f in p.flags],
        } for p in packages]

    def match(hid: str) -> list:
        # in Korean, as dolbom serve answers a request that names no language
        packages = analysis.match_packages(store, coordinator, hid, 3, max_limit=20, locale=DEFAULT_LOCALE)
        return as_json(packages)

    def match_with_duties(hid: str, authorization: str | None) -> list:
        # as dolbom serve: the caller's token, the match and its records, the read audited
        p = authenticate(store, authorization)
        packages, found = analysis.match_answer(store, p, hid, 3, max_limit=20, locale=DEFAULT_LOCALE)
        audit.record(store, p, "read", "Household", [hid], None)
        return as_json(packages, found)

    def services(domain: str | None) -> dict:
        page = reads.services_page(store, domain=Domain(domain) if domain else None, region_id=None, first=50,
                                   after=None, max_first=500)
        edges = [{"cursor": reads.encode_cursor(s.id), "node": {"id": s.id, "name": s.name,
                                                              "domains": [d.value for d in s.domains]}}
                 for s in page.services]
        end = edges[-1]["cursor"] if edges else None
        return {"totalCount": page.total, "edges": edges,
                "pageInfo": {"hasNextPage": page.has_next, "endCursor": end}}

    async def match_route(request: Request) -> JSONResponse:
        return JSONResponse({"matchPackages": await run_in_threadpool(match, request.query_params["id"])})

    async def match_duties_route(request: Request) -> JSONResponse:
        found = await run_in_threadpool(match_with_duties, request.query_params["id"],
                                        request.headers.get("authorization"))
        return JSONResponse({"matchPackages": found})

    async def services_route(request: Request) -> JSONResponse:
        found = await run_in_threadpool(services, request.query_params.get("domain"))
        return JSONResponse({"services": found})

    return Starlette(routes=[Route("/match", match_route), Route("/match-duties", match_duties_route),
                             Route("/services", services_route)])


# -- building the database ------------------------------------------------------------


def build(db: str, households: int, seed: int, out) -> dict:
    from graph.embedded import EmbeddedStore
    from loaders.synthetic import generate

    t0 = time.perf_counter()
    n = 0
    with EmbeddedStore(db) as store:
        batch = []
        for rec in generate(households, seed):
            batch.append(rec)
            if len(batch) == 20_000:
                store.put(*batch)
                n += len(batch)
                batch = []
                out.write(f"\r  {n:,} records ...")
                out.flush()
        store.put(*batch)
        n += len(batch)
    out.write(f"\r  {n:,} records in {time.perf_counter() - t0:.0f} s\n")
    return {"records": n, "seconds": time.perf_counter() - t0}


# -- servers -------------------------------------------------------------------------------


# -- load --------------------------------------------------------------------------------------


def _pct(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def _cpu_seconds(pid: int | None, thread: int | None = None) -> float | None:
    """User + system CPU seconds so far of process ``pid``, or of its thread ``thread`` (Linux's
    /proc; None elsewhere)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _per_request(before: float | None, after: float | None, requests: int) -> float | None:
    return None if before is None or after is None else (after - before) * 1000 / requests


def drive(port: int, make_request, check, requests: int, concurrency: int, seed: int,
          pid: int | None = None) -> dict:
    """Send ``requests`` requests from ``concurrency`` threads, each with one
    keep-alive connection; ``make_request(rng) -> (method, path, body, headers)``. With the
    server's ``pid``: its CPU milliseconds per request over the run (``server_cpu_ms``), and its main
    thread's, which runs uvicorn's event loop (``server_loop_cpu_ms``; the rest is the threads that
    match and answer)."""
    rng = random.Random(seed)
    work = [make_request(rng) for _ in range(requests)]
    lock = threading.Lock()
    latencies: list[float] = []
    sizes: list[int] = []
    failures: list[str] = []
    next_index = iter(range(requests))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            method, path, body, headers = work[i]
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            elapsed = time.perf_counter() - t0
            problem = None if resp.status == 200 else f"HTTP {resp.status}: {data[:200]!r}"
            problem = problem or check(json.loads(data))
            with lock:
                latencies.append(elapsed)
                sizes.append(len(data))
                if problem:
                    failures.append(problem)
        conn.close()

    # warm up (first requests pay imports and caches), not measured
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for method, path, body, headers in work[:5]:
        warm.request(method, path, body=body, headers=headers)
        warm.getresponse().read()
    warm.close()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu0, loop0 = _cpu_seconds(pid), _cpu_seconds(pid, pid)  # the process; its main thread: uvicorn's loop
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu1, loop1 = _cpu_seconds(pid), _cpu_seconds(pid, pid)
    latencies.sort()
    return {
        "server_cpu_ms": _per_request(cpu0, cpu1, len(latencies)),
        "server_loop_cpu_ms": _per_request(loop0, loop1, len(latencies)),
        "bytes": statistics.fmean(sizes),
        "requests": len(latencies), "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "seconds": wall, "throughput": len(latencies) / wall,
        "p50_ms": _pct(latencies, 0.50) * 1000, "p95_ms": _pct(latencies, 0.95) * 1000,
        "p99_ms": _pct(latencies, 0.99) * 1000, "mean_ms": statistics.fmean(latencies) * 1000,
    }


def run(args: argparse.Namespace, out) -> dict:
    from graph.embedded import EmbeddedStore
    from service.principal import Role
    from service.tokens import create_token
    from tests.spawn import Spawned, free_port, serve_argv

    results: dict = {"params": {k: v for k, v in vars(args).items() if k not in ("bare_app",)},
                     "env": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "platform": platform.platform()}}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or os.path.join(tmp, "api.db")
        if not os.path.exists(db):
            out.write(f"building {db} ({args.households:,} households) ...\n")
            results["build"] = build(db, args.households, args.seed, out)
        with EmbeddedStore(db) as store:
            token = create_token(store, Role.COORDINATOR)
            households = [h.id for h in store.list("Household")]
            results["counts"] = store.counts()
        env = {**os.environ, "DOLBOM_DB": db}
        env.pop("NEO4J_URI", None)
        gql_port, bare_port = free_port(), free_port()
        servers = contextlib.ExitStack()
        pids: dict[int, int] = {}  # port -> the server's process, for its CPU per request

        def started(server: Spawned, port: int) -> None:
            pids[port] = servers.enter_context(server).proc.pid

        started(Spawned(serve_argv(db, gql_port, "--log-level", "warning"), env=env,
                        log_path=os.path.join(tmp, "serve.log"), timeout=300), gql_port)
        bare_argv = [sys.executable, "-m", "uvicorn", "bench.bench_api:bare_app", "--factory",
                     "--host", "127.0.0.1", "--port", str(bare_port), "--log-level", "warning"]
        started(Spawned(bare_argv, ready_path="/services", env=env, log_path=os.path.join(tmp, "bare.log"),
                        timeout=300), bare_port)
        before_port = free_port()
        if args.before:  # dolbom serve of an earlier checkout (python -m imports from its directory)
            started(Spawned(serve_argv(db, before_port, "--log-level", "warning"), env=env, cwd=args.before,
                            log_path=os.path.join(tmp, "serve-before.log"), timeout=300), before_port)
        nofast_port = free_port()
        if args.compare_fast_path:  # the same app with graphql-core's field-by-field execution
            started(Spawned(serve_argv(db, nofast_port, "--log-level", "warning"),
                            env={**env, "DOLBOM_FAST_EXECUTION": "0"},
                            log_path=os.path.join(tmp, "serve-nofast.log"), timeout=300), nofast_port)
        try:
            gql_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

            def gql_match(rng):
                body = json.dumps({"query": MATCH_QUERY, "variables": {"id": rng.choice(households)}})
                return "POST", "/graphql", body, gql_headers

            def gql_services(rng):
                body = json.dumps({"query": SERVICES_QUERY, "variables": {"domain": rng.choice(DOMAINS)}})
                return "POST", "/graphql", body, gql_headers

            def bare_match(rng):
                return "GET", f"/match?id={rng.choice(households)}", None, {}

            def duties_match(rng):
                return "GET", f"/match-duties?id={rng.choice(households)}", None, \
                    {"Authorization": f"Bearer {token}"}

            def bare_services(rng):
                return "GET", f"/services?domain={rng.choice(DOMAINS)}", None, {}

            def gql_ok(key):
                def check(body):
                    if body.get("errors"):
                        return json.dumps(body["errors"])[:300]
                    return None if isinstance((body.get("data") or {}).get(key), (list, dict)) else "no data"
                return check

            def bare_ok(key):
                return lambda body: None if key in body else "no data"

            scenarios = []
            for name, make_gql, make_bare in (("matchPackages", gql_match, bare_match),
                                              ("services", gql_services, bare_services)):
                scenarios.append((name, "graphql", gql_port, make_gql, gql_ok(name)))
                if args.before:
                    scenarios.append((name, "graphql-before", before_port, make_gql, gql_ok(name)))
                if args.compare_fast_path:
                    scenarios.append((name, "graphql-nofast", nofast_port, make_gql, gql_ok(name)))
                scenarios.append((name, "bare", bare_port, make_bare, bare_ok(name)))
                if name == "matchPackages":
                    scenarios.append((name, "bare+duties", bare_port, duties_match, bare_ok(name)))
            results["runs"] = {}
            rounds: dict[str, list[dict]] = {f"{name}/{how}": [] for name, how, *_ in scenarios}
            # --rounds: each scenario's requests in slices, the scenarios taking turns, so that a
            # change in the machine's load falls on all of them alike
            per_round = max(1, args.requests // args.rounds)
            for i in range(args.rounds):
                for name, how, port, make, check in scenarios:
                    out.write(f"  {name:<14} {how:<8} ...")
                    out.flush()
                    r = drive(port, make, check, per_round if args.rounds > 1 else args.requests,
                              args.concurrency, args.seed + i, pids.get(port))
                    rounds[f"{name}/{how}"].append(r)
                    out.write(f" {r['throughput']:.1f} req/s\n")
            for key, runs in rounds.items():
                results["runs"][key] = runs[0] if len(runs) == 1 else _combined(runs)
            if args.rounds > 1:
                results["rounds"] = {key: [r["throughput"] for r in runs] for key, runs in rounds.items()}
        finally:
            servers.close()
    return results


def _combined(runs: list[dict]) -> dict:
    """Rounds of one scenario: medians of their throughputs and percentiles, sums of the counts."""
    failures = [r["first_failure"] for r in runs if r["first_failure"]]
    return {
        "requests": sum(r["requests"] for r in runs), "failures": sum(r["failures"] for r in runs),
        "first_failure": failures[0] if failures else None, "seconds": sum(r["seconds"] for r in runs),
        **{k: statistics.median(r[k] for r in runs) for k in ("throughput", "p50_ms", "p95_ms", "p99_ms",
                                                                "mean_ms", "bytes")},
        **{k: (None if any(r[k] is None for r in runs) else statistics.median(r[k] for r in runs))
           for k in ("server_cpu_ms", "server_loop_cpu_ms")},
        "rounds": len(runs),
    }


def report(r: dict, out) -> None:
    p = r["params"]
    out.write(f"\nAPI bench: {sum(r['counts'].values()):,} records "
              f"({r['counts']['Household']:,} households), concurrency {p['concurrency']}, "
              f"{p['requests']:,} requests per scenario, one uvicorn worker each\n")
    out.write(f"  {'scenario':<30} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'failures':>9} "
              f"{'server CPU ms/req':>17} {'(loop + others)':>16} {'bytes/answer':>12}\n")
    for key, x in r["runs"].items():
        cpu = "-" if x.get("server_cpu_ms") is None else f"{x['server_cpu_ms']:.2f}"
        loop = x.get("server_loop_cpu_ms")
        split = "-" if loop is None or x.get("server_cpu_ms") is None else \
            f"{loop:.2f} + {x['server_cpu_ms'] - loop:.2f}"
        out.write(f"  {key:<30} {x['throughput']:>8.1f} {x['p50_ms']:>9.1f} {x['p95_ms']:>9.1f} "
                  f"{x['p99_ms']:>9.1f} {x['failures']:>9} {cpu:>17} {split:>16} {x['bytes']:>12,.0f}\n")
    for name in ("matchPackages", "services"):
        g, b = r["runs"][f"{name}/graphql"], r["runs"][f"{name}/bare"]
        out.write(f"  {name}: GraphQL / bare   throughput {g['throughput'] / b['throughput']:.2f}x, "
                  f"p50 {g['p50_ms'] / b['p50_ms']:.2f}x, p95 {g['p95_ms'] / b['p95_ms']:.2f}x\n")
    rounds = r.get("rounds") or {}
    if "matchPackages/bare+duties" in r["runs"]:
        g, d = r["runs"]["matchPackages/graphql"], r["runs"]["matchPackages/bare+duties"]
        out.write(f"  matchPackages: GraphQL / bare+duties (the GraphQL layer's own cost)   throughput "
                  f"{g['throughput'] / d['throughput']:.2f}x, p50 {g['p50_ms'] / d['p50_ms']:.2f}x\n")
    for name in ("matchPackages", "services"):
        for how, against in (("graphql", "bare"), ("graphql-nofast", "bare"), ("graphql", "bare+duties"),
                             ("graphql-before", "bare"), ("graphql-before", "bare+duties"),
                             ("graphql", "graphql-before")):
            if f"{name}/{how}" not in r["runs"] or f"{name}/{against}" not in r["runs"]:
                continue
            if rounds:
                each = [g / b for g, b in zip(rounds[f"{name}/{how}"], rounds[f"{name}/{against}"],
                                              strict=True)]
                out.write(f"  {name}: {how} / {against}, each round: {' '.join(f'{x:.2f}' for x in each)} "
                          f"(median {statistics.median(each):.2f}x)\n")
        if f"{name}/graphql-nofast" in r["runs"]:
            on, off = r["runs"][f"{name}/graphql"], r["runs"][f"{name}/graphql-nofast"]
            b = r["runs"][f"{name}/bare"]
            out.write(f"  {name}: fast path off (graphql-core) / bare throughput "
                      f"{off['throughput'] / b['throughput']:.2f}x; "
                      f"on / off {on['throughput'] / off['throughput']:.2f}x\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", type=int, default=100_000, help="(default 100,000)")
    ap.add_argument("--seed", type=int, default=1, help="(default 1)")
    ap.add_argument("--db", help="store file: reused if it exists, else built there (default: temporary)")
    ap.add_argument("--concurrency", type=int, default=32, help="client threads (default 32)")
    ap.add_argument("--requests", type=int, default=2000, help="requests per scenario (default 2,000)")
    ap.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    ap.add_argument("--rounds", type=int, default=1,
                    help="split each scenario's requests into this many slices, the scenarios taking turns "
                         "(medians reported; default 1: each scenario at once)")
    ap.add_argument("--compare-fast-path", action="store_true",
                    help="also run a third server with DOLBOM_FAST_EXECUTION=0 (graphql-core's execution)")
    ap.add_argument("--before", metavar="CHECKOUT",
                    help="also run dolbom serve from this checkout of an earlier commit, in the same rounds "
                         "(before and after side by side)")
    args = ap.parse_args(argv)
    if args.before is not None and not os.path.isfile(os.path.join(args.before, "api", "cli.py")):
        ap.error(f"--before: {args.before!r} is not a Dolbom checkout (no api/cli.py there)")
    if min(args.households, args.concurrency, args.requests, args.rounds) < 1:
        ap.error("--households, --concurrency, --requests and --rounds must be at least 1")
    return args


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    args = parse_args(argv)
    r = run(args, out)
    report(r, out)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(r, f, indent=2)
    failures = sum(x["failures"] for x in r["runs"].values())
    if failures:
        out.write(f"{failures} responses failed their check; first: "
                  f"{next(x['first_failure'] for x in r['runs'].values() if x['first_failure'])}\n")
    return r


if __name__ == "__main__":
    result = main()
    sys.exit(1 if any(x["failures"] for x in result["runs"].values()) else 0)
