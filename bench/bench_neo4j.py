"""Neo4j at province scale, beside the embedded store, in the same run.

1. Writes the synthetic province of ``--households`` households (the bundle
   ``dolbom generate DIR --households N --seed S`` writes; or reuses
   ``--bundle``).
2. Starts a fresh Neo4j 5.26 with ``tools/neo4j-server/start`` on a loopback
   port and a temporary data folder (``--heap``, ``--pagecache``), or uses
   ``--uri`` (its database is emptied first).
3. Loads the bundle into Neo4j (``load_bundle``: the streaming bulk load,
   batches in their own transactions): seconds and records/s, with the CPU
   seconds of this process and of the Neo4j server; then into an embedded
   store in a temporary file, for the comparison.
4. Matches households on both stores, alternating which goes first, and
   times ``store.neighbourhood(hid)`` and ``matching.match(view, hid,
   limit=3)``: p50 and p95 of each and of view + match; every household's
   packages must be the same on both. First ``--warm-up`` households (a fresh
   server's first reads: its query plans and JIT still warming up), reported
   apart (they also read most regions' parts); then ``--samples`` others with
   regions' parts held (graph.region_parts), as between writes to the network;
   then ``--samples`` others with each Neo4j view reading its region's part
   (``drop_region_parts`` before each, as the first view after such a write:
   the goals are judged on these, the worst case of a running server).
5. Times the coordinators' reports on both, as the API computes them
   (``service.analysis``: ``coverage_cells``, ``overlap_groups``,
   ``network_report`` without the picture), of every region (no ``regionId``)
   and of the root region (the province: the region subtree's path, every
   household); the answers must be the same.
6. Unless ``--no-serve``: the memory of a server. ``dolbom serve`` (one
   worker) on each store, after ``--serve-requests`` ``matchPackages``
   requests: its resident size, and the Neo4j server's. Households per GiB of
   an app process is what decides when to move from the embedded store.

The goals of issue 16 are printed beside the figures: Neo4j match p95
(view + match) <= 25 ms and within 3x of the embedded store; load >= 20,000
records/s.

Where a load's server time goes (a JFR profile of a warm server, 2026-12-06):
its Bolt worker spends about half of it in commits (turning the transaction's
state into records, 21%; applying them to the stores and indexes, 17%; the
log, 4.5%) and half running the create statements (setting properties, 20%;
the two unique-index checks of each new node, 10%; relationships, 6%); the
locks, 10%, are spread over both. Tried for the load and measured not to
help, so not adopted: a second writer thread (each writer holding one of two
lock nodes that a unit of work takes both of): 24.9 s against 24.6 s, median
of 5 alternating loads, the server then spending more CPU; the lock's answer
pipelined with the create statement (one round trip less per batch) and a
0.5 ms thread switch interval during the load: no difference in 3
alternating loads; ``CYPHER replan=skip`` on the create statements: the JIT's
time in the second load unchanged (4.0 s against 4.4 s); the create
statements' forms (``SET n = row``, ``SET n += row``, properties inline):
within the noise; creating a label's id constraint after its nodes instead
of before (a 200,000-node test): 5% less server CPU, net of building the
index. The load is CPU-bound: this process ~12 s and the server ~20-23 s on
2 CPUs shared with other work.

Adopted since (alternating ``--load-only`` runs of the 100,000-household
bundle, the second load of each, medians; 2026-12-06): each record node has
one unique index, ``(:Node).key`` (the per-label id constraints went, an id
being unique in its kind because its key is; lookups by kind and id seek the
key): 31.5 -> 31.0 s, the Bolt worker's CPU 20.0 -> 19.0 s (3 each, load
average 1.7-3.2); with node properties built without ``to_dict()`` too:
29.0 -> 26.8 s, this process's CPU 12.3 -> 11.0 s (4 each, load average
1.6-3.0). The writer is the load's critical path: a batch at a time it packs
the rows, then waits for the create statement and the commit; its packing
competed for the GIL with the checker and the loader's thread, which woke
the moment it took a batch. It now keeps the batch's place in the queue until
the rows are sent: 26.6 -> 22.9 s (3 each, load average 1.3-3.2). All three
against the code before them: 28.9 -> 23.4 s (16,139 -> 19,901 records/s; 3
each, load average 1.7-2.4), this process 12.2 -> 10.7 s of CPU, the server
25.2 -> 23.2 s. Also tried and not adopted, within the noise (alternating
loads on one warm server): dropping the relationship-type lookup index,
10,000 records a transaction instead of 5,000, leaving empty lists out of the
node properties.

Then (2026-12-06, later): the small kinds (regions, organizations, agreements,
services, volunteers), written through the unit of work's plan, were merged
with a search for relationships to delete first though none of them was
stored; records read as absent are now created (``INSERT_*``, ``LINK_*``).
And the writer, which per
batch waited for the lock, packed and sent the rows, then waited for the
statement and the commit while the server idled as it packed, became two
writers whose create statements take the write lock themselves
(``CREATE_*_LOCKED``): one writer's rows travel while the server writes the
other's batch. Against the commit before, alternating, 3 each, load average
1.8-2.5: the second load 20,019 -> 21,865 records/s (medians). Two writers
whose lock was a statement of its own gained nothing: the driver waits for
that statement's answer, which comes only once the lock is held. Nor did
the server's JVM on the parallel collector instead of G1 (``NEO4J_JVM_OPTS=
"-XX:-UseG1GC -XX:+UseParallelGC"``, 2 fresh servers each, alternating).

``--load-only``: steps 1-3 for Neo4j only (no embedded store, matches, coverage or
servers), with the load goal: a load measured in a third of the time.

Run::

    python bench/bench_neo4j.py                                   # 100,000 households
    python bench/bench_neo4j.py --households 2000 --samples 100   # a quick run
    python bench/bench_neo4j.py --json bench/results/neo4j.json
    python bench/bench_neo4j.py --load-only --bundle DIR      # the load alone
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if os.environ.get("DOLBOM_BENCH_PURE_PYTHON_DRIVER") == "1":
    # as if neo4j-rust-ext were not installed: the driver packs and unpacks in Python
    sys.modules["neo4j._rust"] = None  # type: ignore[assignment]

import neo4j  # noqa: E402

from bench import figures  # noqa: E402
from graph.embedded import EmbeddedStore  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from graph.store import Store  # noqa: E402
from loaders.csvbundle import load_bundle, write_bundle  # noqa: E402
from loaders.synthetic import generate  # noqa: E402
from matching import match  # noqa: E402
from service.analysis import coverage_cells, network_report, overlap_groups  # noqa: E402
from service.principal import Principal  # noqa: E402

LAUNCHER = ROOT / "tools" / "neo4j-server" / "start"
ON = dt.date(2026, 6, 1)
GOALS = {"match_p95_ms": 25.0, "match_p95_ratio": 3.0, "load_records_per_s": 20_000}
MATCH_QUERY = """query($id: ID!) { matchPackages(householdId: $id, limit: 3) {
  rank cost items { resource { ... on Service { id } ... on Volunteer { id } } needs { id } } } }"""


# -- a Neo4j server for the run ------------------------------------------------


class LocalNeo4j:
    """``tools/neo4j-server/start`` on a free loopback port until :meth:`stop`."""

    def __init__(self, data: Path, heap: str, pagecache: str, timeout: float = 600) -> None:
        env = {**os.environ, "NEO4J_JVM_OPTS": f"{os.environ.get('NEO4J_JVM_OPTS', '')} -Xms{heap}".strip()}
        self.log = open(data.parent / "neo4j.log", "w", encoding="utf-8")  # noqa: SIM115 (closed by stop)
        self.proc = subprocess.Popen(
            [str(LAUNCHER), "--port", "0", "--data", str(data), "--heap", heap, "--pagecache", pagecache],
            stdout=subprocess.PIPE, stderr=self.log, text=True, start_new_session=True, env=env)
        self.uri = ""
        found = threading.Event()

        def read() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                if line.startswith("READY "):
                    self.uri = line.split(None, 1)[1].strip()
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(timeout) or not self.uri:
            self.stop()
            raise RuntimeError(f"Neo4j did not start; see {self.log.name}")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.proc.pid)

    def thread_cpu_seconds(self) -> dict[str, float]:
        """CPU seconds so far of the server's live threads, by kind (Bolt workers,
        the JIT compilers, the garbage collector, ...: the name less its number)."""
        return thread_cpu_seconds(self.proc.pid)

    def rss_mib(self) -> float:
        return rss_kib(self.proc.pid)[0] / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """User + system CPU seconds of each kind of live thread of a process (Linux):
    threads named alike but for a trailing number are added up."""
    out: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:  # the thread ended
            continue
        name = re.sub(r"[-#\d\s]+$", "", stat[stat.index("(") + 1 : stat.rindex(")")])
        fields = stat.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in KiB (Linux)."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                  if ":" in line)
    return int(status["VmRSS"].split()[0]), int(status["VmHWM"].split()[0])


# -- figures ---------------------------------------------------------------------


def choose(stores: dict, sizes: list[int], seed: int) -> list[list[str]]:
    """Sets of random households of ``sizes``, none in two (each as large as the rest allows)."""
    rest = [h.key for h in stores["embedded"].list("Household")]
    sets = []
    for i, size in enumerate(sizes):
        chosen = random.Random(seed + 1 + i).sample(rest, min(size, len(rest)))
        sets.append(chosen)
        taken = set(chosen)
        rest = [h for h in rest if h not in taken]
    return sets


def measure(stores: dict, chosen: list[str], *, parts: bool = True) -> dict:
    """View and match timings per store over the same households. Without
    ``parts``, the Neo4j store forgets regions' parts before each view, so each
    view reads its region's part (as the first after a write to the network)."""
    times: dict[str, dict[str, list[float]]] = {
        name: {"view": [], "match": [], "both": []} for name in stores}
    nodes: list[int] = []
    differ: list[str] = []
    names = list(stores)
    for hid in chosen[:5]:  # warm up imports, plans and caches, untimed
        for store in stores.values():
            match(store.neighbourhood(hid), hid, on=ON, limit=3)
    for i, hid in enumerate(chosen):
        answers = {}
        for name in names if i % 2 == 0 else names[::-1]:  # each store goes first half the time
            store = stores[name]
            if not parts and name == "neo4j":
                store.drop_region_parts()
            t0 = time.perf_counter()
            g = store.neighbourhood(hid)
            t1 = time.perf_counter()
            r = match(g, hid, on=ON, limit=3)
            t2 = time.perf_counter()
            times[name]["view"].append(t1 - t0)
            times[name]["match"].append(t2 - t1)
            times[name]["both"].append(t2 - t0)
            answers[name] = r.packages  # every field: items, reasons, flags, costs
            if name == "embedded":
                nodes.append(g.number_of_nodes())
        if answers["neo4j"] != answers["embedded"]:
            differ.append(hid)
    out = {name: {k: figures.latency_summary(v) for k, v in t.items()} for name, t in times.items()}
    return {"samples": len(chosen), "mean_view_nodes": statistics.fmean(nodes), "differ": differ, **out}


#: the coordinators' province-wide reports timed on both stores: (key, what, the service function's call)
REPORTS = (
    ("coverage", "coverage", lambda store, p, rid: coverage_cells(store, p, rid, on=ON)),
    ("overlaps", "overlaps", lambda store, p, rid: overlap_groups(store, p, rid)),
    ("network_analytics", "network analytics",
     lambda store, p, rid: network_report(store, p, rid, picture=False)[1]),
)


def time_reports(stores: dict, region_id: str | None) -> dict:
    """Each of :data:`REPORTS` of ``region_id`` (None: every region) once on each store (computed:
    nothing is kept between stores), its seconds and whether the answers are the same."""
    local = Principal.local()
    out: dict = {}
    for key, _, call in REPORTS:
        answers = {}
        out[key] = {}
        for name, store in stores.items():
            t0 = time.perf_counter()
            answers[name] = call(store, local, region_id)
            out[key][name] = {"seconds": time.perf_counter() - t0, "items": _count(answers[name])}
        out[key]["same"] = answers["neo4j"] == answers["embedded"]
    return out


def root_region(store: Store) -> str:
    """The first region of no parent: the province itself, whose subtree is every household."""
    return min(r.key for r in store.list("Region") if getattr(r, "parent_id", None) is None)


def _count(answer: object) -> int:
    """Cells or groups of a report; organizations of network analytics."""
    return len(answer) if isinstance(answer, list) else len(getattr(answer, "organizations", ()))


def serve_rss(env: dict, db: str | None, requests: int, households: list[str], tmp: Path) -> dict:
    """``dolbom serve`` (one worker) on a store: its RSS after ``requests`` matchPackages."""
    from service.tokens import create_token
    from tests.spawn import Spawned, free_port

    port = free_port()
    argv = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", *(["--db", db] if db else [])]
    with (EmbeddedStore(db) if db else Neo4jStore.from_env(env)) as store:
        token = create_token(store, "coordinator")
    rng = random.Random(7)
    with Spawned(argv, env=env, log_path=tmp / f"serve-{'embedded' if db else 'neo4j'}.log",
                 timeout=600) as server:
        assert server.proc is not None
        for _ in range(requests):
            body = json.dumps({"query": MATCH_QUERY, "variables": {"id": rng.choice(households)}}).encode()
            req = urllib.request.Request(server.base + "/graphql", data=body, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=120) as r:
                answer = json.load(r)
            assert not answer.get("errors"), answer
        rss, hwm = rss_kib(server.proc.pid)
    return {"rss_mib": rss / 1024, "peak_rss_mib": hwm / 1024, "requests": requests}


# -- the run ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--households", type=int, default=100_000, help="(default 100,000)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--samples", type=int, default=1_000,
                   help="households matched in each timed pass (default 1,000)")
    p.add_argument("--warm-up", type=int, default=2_000,
                   help="households matched first on the fresh server, reported apart (default 2,000)")
    p.add_argument("--bundle", help="a bundle to load instead of generating one")
    p.add_argument("--uri", help="an existing Neo4j (bolt:// or neo4j://) to use; its database is EMPTIED "
                                 "(default: start tools/neo4j-server on a temporary folder)")
    p.add_argument("--database", default="neo4j", help="with --uri: the database (default neo4j)")
    p.add_argument("--heap", default="3g", help="heap of the started Neo4j (default 3g)")
    p.add_argument("--pagecache", default="1g", help="page cache of the started Neo4j (default 1g)")
    p.add_argument("--loads", type=int, default=2,
                   help="load the bundle this many times, emptying the database in between; the first "
                        "into a fresh server pays for its JIT compiler, the goal is checked on the last "
                        "(default 2)")
    p.add_argument("--no-serve", action="store_true", help="skip the dolbom serve memory figures")
    p.add_argument("--load-only", action="store_true",
                   help="only the loads into Neo4j and their goal: no embedded store, no match, coverage "
                        "or serve figures (a load measured in a third of the time)")
    p.add_argument("--serve-requests", type=int, default=200,
                   help="matchPackages requests before a server's RSS is read (default 200)")
    p.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    args = p.parse_args(argv)
    if min(args.samples, args.households, args.loads) < 1:
        p.error("--samples, --households and --loads must be at least 1")
    if args.warm_up < 0:
        p.error("--warm-up must be 0 or more")
    return args


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    args = parse_args(argv)
    r: dict = {
        "params": {k: getattr(args, k)
                   for k in ("households", "seed", "samples", "warm_up", "heap", "pagecache")},
        "env": {"python": platform.python_version(), "neo4j_driver": neo4j.__version__,
                "rust_extension": _rust_extension(), "platform": platform.platform(), "cpus": os.cpu_count(),
                "load_average_at_start": os.getloadavg()},
    }
    tmp = Path(tempfile.mkdtemp(prefix="dolbom-neo4j-bench-"))
    server: LocalNeo4j | None = None
    stores: dict = {}
    try:
        bundle = Path(args.bundle) if args.bundle else tmp / "bundle"
        if not args.bundle:
            out.write(f"writing the {args.households:,}-household province (seed {args.seed}) ...\n")
            write_bundle(generate(args.households, seed=args.seed), bundle)
        if args.uri:
            uri = args.uri
        else:
            t0 = time.perf_counter()
            server = LocalNeo4j(tmp / "neo4j", args.heap, args.pagecache)
            uri = server.uri
            r["neo4j_start_s"] = time.perf_counter() - t0
        env = {**os.environ, "NEO4J_URI": uri, "NEO4J_DATABASE": args.database}
        env.pop("DOLBOM_DB", None)
        neo = stores["neo4j"] = Neo4jStore.from_env(env)
        neo.clear()
        r["loads_neo4j"] = []
        for i in range(args.loads):
            if i:
                neo.clear()
            out.write(f"loading into Neo4j at {neo.where} ({i + 1} of {args.loads}) ...\n")
            cpu0, jvm0 = time.process_time(), server.cpu_seconds() if server else 0.0
            threads0 = server.thread_cpu_seconds() if server else {}
            report = load_bundle(neo, bundle)
            threads = {k: round(v - threads0.get(k, 0.0), 2)
                       for k, v in (server.thread_cpu_seconds() if server else {}).items()}
            r["loads_neo4j"].append({
                "rows": report.total_rows, "seconds": report.seconds,
                "records_per_s": report.total_rows / report.seconds,
                "client_cpu_s": time.process_time() - cpu0,
                "server_cpu_s": server.cpu_seconds() - jvm0 if server else None,
                "server_threads_cpu_s": dict(sorted(threads.items(), key=lambda kv: -kv[1])),
                "per_file": report.rows,
            })
        r["load_neo4j"] = r["loads_neo4j"][-1]
        if args.load_only:
            r["counts"] = neo.counts()
            if sum(r["counts"].values()) != r["load_neo4j"]["rows"]:
                raise AssertionError(f"Neo4j holds {r['counts']}, not the {r['load_neo4j']['rows']:,} "
                                     "rows loaded")
        else:
            compare(r, args, bundle, tmp, env, stores, server, out)
        r["env"]["load_average_at_end"] = os.getloadavg()
    finally:
        for store in stores.values():
            store.close()
        if server:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    r["goals"] = goals(r)
    report_text(r, out)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(r, f, indent=2, ensure_ascii=False)
            f.write("\n")
    return r


def compare(r: dict, args: argparse.Namespace, bundle: Path, tmp: Path, env: dict, stores: dict,
            server: LocalNeo4j | None, out) -> None:
    """The embedded store beside Neo4j (``stores["neo4j"]``, loaded): its load,
    the matches, coverage and (unless ``--no-serve``) the servers' memory.
    ``stores`` gets the embedded store, and is emptied when the servers start."""
    neo = stores["neo4j"]
    out.write("loading into the embedded store ...\n")
    db = str(tmp / "embedded.db")
    with EmbeddedStore(db) as emb:
        emb_report = load_bundle(emb, bundle)
    r["load_embedded"] = {"rows": emb_report.total_rows, "seconds": emb_report.seconds,
                          "records_per_s": emb_report.total_rows / emb_report.seconds}
    stores["embedded"] = EmbeddedStore(db)
    gc.collect()
    gc.freeze()  # as a server holding the graph would: the collector skips the store's records
    r["counts"] = neo.counts()
    if r["counts"] != stores["embedded"].counts():
        raise AssertionError(f"the stores hold different counts: {r['counts']} and "
                             f"{stores['embedded'].counts()}")
    judged, held, warm = choose(stores, [args.samples, args.samples, args.warm_up], args.seed)
    if warm:  # which also reads most regions' parts
        out.write(f"warming up: {len(warm):,} random households on both (a fresh server's first reads) ...\n")
        r["warm_up"] = measure(stores, warm)
    out.write(f"matching {len(held):,} others on both, regions' parts held ...\n")
    r["match_parts_held"] = measure(stores, held)
    out.write(f"matching {len(judged):,} others on both, each Neo4j view reading its region's part ...\n")
    r["match"] = measure(stores, judged, parts=False)
    out.write("coverage, overlaps and network analytics on both, of every region, then of the root ...\n")
    r.update(time_reports(stores, None))
    root = root_region(stores["embedded"])
    r["root_region"] = {"id": root, **time_reports(stores, root)}
    if server:
        r["neo4j_server_rss_mib"] = server.rss_mib()
    if not args.no_serve:
        out.write("dolbom serve on each store ...\n")
        households = [h.key for h in stores["embedded"].list("Household", limit=5_000)]
        for store in stores.values():
            store.close()
        stores.clear()
        r["serve"] = {
            "embedded": serve_rss({k: v for k, v in env.items() if not k.startswith("NEO4J_")}, db,
                                  args.serve_requests, households, tmp),
            "neo4j": serve_rss(env, None, args.serve_requests, households, tmp),
        }
        if server:
            r["serve"]["neo4j_server_rss_mib"] = server.rss_mib()


def _rust_extension() -> bool:
    try:
        import neo4j._rust  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def goals(r: dict) -> dict:
    load = {"goal": GOALS["load_records_per_s"], "got": r["load_neo4j"]["records_per_s"],
            "met": r["load_neo4j"]["records_per_s"] >= GOALS["load_records_per_s"]}
    if "match" not in r:  # --load-only
        return {"load_records_per_s": load}
    neo, emb = r["match"]["neo4j"]["both"], r["match"]["embedded"]["both"]
    return {
        "match_p95_ms": {"goal": GOALS["match_p95_ms"], "got": neo["p95_ms"],
                         "met": neo["p95_ms"] <= GOALS["match_p95_ms"]},
        "match_p95_ratio": {"goal": GOALS["match_p95_ratio"], "got": neo["p95_ms"] / emb["p95_ms"],
                            "met": neo["p95_ms"] <= GOALS["match_p95_ratio"] * emb["p95_ms"]},
        "load_records_per_s": load,
    }


def report_text(r: dict, out) -> None:
    ms = "{p50_ms:7.2f} / {p95_ms:7.2f} ms"
    rows = [("records", ", ".join(f"{k} {v:,}" for k, v in r["counts"].items()))]
    for i, load in enumerate(r["loads_neo4j"]):
        first = "first, fresh server" if "neo4j_start_s" in r else "first"
        which = first if i == 0 else "again, emptied first"
        cpu = f"; CPU: this process {load['client_cpu_s']:.1f} s" + (
            f", Neo4j server {load['server_cpu_s']:.1f} s" if load["server_cpu_s"] is not None else "")
        rows.append((f"load into Neo4j ({which})", f"{load['rows']:,} records in {load['seconds']:.1f} s = "
                                                   f"{load['records_per_s']:,.0f}/s{cpu}"))
    busiest = [(k, v) for k, v in r["loads_neo4j"][-1].get("server_threads_cpu_s", {}).items() if v >= 0.1]
    if busiest:
        rows.append(("Neo4j server CPU by thread, last load",
                     ", ".join(f"{k} {v:.1f} s" for k, v in busiest[:6])))
    if "match" in r:
        rows += _comparison_rows(r, ms)
    env = r["env"]
    end = env.get("load_average_at_end", [float("nan")])[0]
    rows.append(("machine", f"{env['cpus']} CPUs, load average {env['load_average_at_start'][0]:.1f} at "
                 f"start, {end:.1f} at end; driver {env['neo4j_driver']}"
                 f"{' with' if env['rust_extension'] else ' without'} its Rust extension"))
    width = max(len(k) for k, _ in rows)
    out.write("Neo4j bench\n")
    for k, v in rows:
        out.write(f"  {k:<{width}}  {v}\n")
    out.write("goals\n")
    for name, g in r["goals"].items():
        got = f"{g['got']:,.2f}" if name != "load_records_per_s" else f"{g['got']:,.0f}"
        out.write(f"  {name:<20} goal {g['goal']:>9,}  got {got:>10}  {'met' if g['met'] else 'NOT met'}\n")


def _comparison_rows(r: dict, ms: str) -> list[tuple[str, str]]:
    """The rows of the embedded store's load, the matches, coverage and serve."""
    m, le = r["match"], r["load_embedded"]
    passes = [r[key] for key in ("warm_up", "match_parts_held", "match") if key in r]
    rows = [
        ("load into the embedded store", f"{le['rows']:,} records in {le['seconds']:.1f} s = "
                                         f"{le['records_per_s']:,.0f}/s"),
        ("households matched", f"{sum(p['samples'] for p in passes):,} (view of {m['mean_view_nodes']:.0f} "
                               "nodes on average); packages differ between the stores for "
                               f"{sum(len(p['differ']) for p in passes)}"),
    ]
    for what, key in (("neighbourhood", "view"), ("match", "match"), ("view + match", "both")):
        for name in ("neo4j", "embedded"):
            rows.append((f"{what:<13} {name:<8} p50 / p95", ms.format(**m[name][key])))
    for key, what in (("warm_up", "warm-up (fresh server)"), ("match_parts_held", "regions' parts held")):
        if key in r:  # reported beside the goal's figures, which read every region's part
            for name in ("neo4j", "embedded"):
                rows.append((f"{what}, {r[key]['samples']:,}, {name:<8} view + match p50 / p95",
                             ms.format(**r[key][name]["both"])))
    for scope, found in (("the province", r), (f"region {r['root_region']['id']}", r["root_region"])):
        for key, what, _ in REPORTS:
            c = found[key]
            items = "organizations" if key == "network_analytics" else "items"
            rows.append((f"{what} of {scope}",
                         f"Neo4j {c['neo4j']['seconds']:.2f} s, embedded {c['embedded']['seconds']:.2f} s "
                         f"({c['neo4j']['items']:,} {items}, {'the same' if c['same'] else 'DIFFERENT'})"))
    if "serve" in r:
        s, hh = r["serve"], r["counts"]["Household"]
        emb, neo = s["embedded"], s["neo4j"]
        per_gib = hh / (emb["rss_mib"] / 1024)
        rows.append(("dolbom serve RSS, embedded",
                     f"{emb['rss_mib']:,.0f} MiB (peak {emb['peak_rss_mib']:,.0f}) after {emb['requests']} "
                     f"matchPackages = {per_gib:,.0f} households per GiB of each app process "
                     "(each holds the whole graph)"))
        rows.append(("dolbom serve RSS, Neo4j",
                     f"{neo['rss_mib']:,.0f} MiB (peak {neo['peak_rss_mib']:,.0f}) after {neo['requests']} "
                     "matchPackages; it holds no graph, so it does not grow with the households"))
        if "neo4j_server_rss_mib" in s:
            rows.append(("Neo4j server RSS", f"{s['neo4j_server_rss_mib']:,.0f} MiB (heap "
                         f"{r['params']['heap']}, page cache {r['params']['pagecache']}; "
                         "shared by every app process)"))
    return rows


if __name__ == "__main__":
    main()
