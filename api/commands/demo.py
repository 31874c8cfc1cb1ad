"""``dolbom demo``: a demo database, a coordinator token, and the API serving it.

On first run it writes a synthetic Gyeonggi province (:mod:`loaders.synthetic`,
``--households`` households, 2,000 by default) into ``dolbom-demo.db`` (or
``--db``) in one unit of work, then creates a coordinator token, prints where GraphiQL and the network page
are, the token and a first query to paste, and serves until interrupted.
``--no-serve`` stops before serving (used by the tests and by scripts).
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from graph.factory import open_store
from graph.store import Store

from .stats import print_counts

DEMO_DB = "dolbom-demo.db"


def build(store: Store, out: TextIO, households: int = 2_000, seed: int = 1) -> None:
    """Write the demo province into an empty store: all of it or, on any error, nothing."""
    from loaders.synthetic import populate

    n = populate(store, households, seed)
    out.write(f"Wrote a synthetic Gyeonggi province: {households:,} households, {n:,} records "
              f"(seed {seed}).\n")


def showcase_household(store: Store) -> str:
    """The household the sample query asks about: the first with an open need,
    the most urgent first."""
    from graph.model import Household, Need, NeedStatus, Urgency

    open_households = {n.household_id for n in store.list("Need")
                       if isinstance(n, Need) and n.status is NeedStatus.OPEN}
    order = {u: i for i, u in enumerate(Urgency)}
    households = [h for h in store.list("Household") if isinstance(h, Household) and h.id in open_households]
    if not households:
        raise SystemExit("dolbom demo: the demo database has no household with an open need")
    return min(households, key=lambda h: (order[h.urgency], h.id)).id


def caseworker_region(store: Store, household_id: str) -> str:
    """The city or county whose case workers hold ``household_id``: its region's nearest CITY
    ancestor (the region itself if none)."""
    from graph.model import Household, Region, RegionLevel

    h = store.get("Household", household_id)
    assert isinstance(h, Household)
    cur: str | None = h.region_id
    while cur is not None:
        r = store.get("Region", cur)
        if not isinstance(r, Region):
            break
        if r.level is RegionLevel.CITY:
            return r.id
        cur = r.parent_id
    return h.region_id


SAMPLE_QUERY = """query Packages($id: ID!) {
  matchPackages(householdId: $id, limit: 3) {
    rank cost providerCount coveredDomains missingDomains
    items { resource { ... on Service { id name } ... on Volunteer { id name } } reasons }
    flags { kind domain message }
  }
}"""


def run(args: argparse.Namespace, out: TextIO) -> int:
    from service.tokens import create_token

    with open_store(args.db, default=DEMO_DB, create=True) as store:  # its own database, made on first run
        if not any(store.counts().values()):
            build(store, out, args.households, args.seed)
        path = getattr(store, "path", None)  # None: Neo4j
        where = path or getattr(store, "where", "Neo4j")
        out.write(f"Store: {store.__class__.__name__} ({where})\n")
        print_counts(store, out)
        household = showcase_household(store)
        token = create_token(store, "coordinator")
        city = caseworker_region(store, household)
        caseworker = create_token(store, "caseworker", region_id=city)
    base = f"http://{args.host}:{args.port}"
    body = json.dumps({"query": SAMPLE_QUERY.replace(chr(10), " "), "variables": {"id": household}},
                      ensure_ascii=False)
    out.write(
        f"\nGraphiQL:      {base}/graphql\n"
        f"Network page:  {base}/network/\n"
        f"Pages (Korean; English by the switch): {base}/app/\n"
        f"Coordinator token (shown once; stored hashed):\n  {token}\n"
        f"Case worker token for {city} (sign in at {base}/app/ with it):\n  {caseworker}\n"
        "In GraphiQL, open the headers pane and set:\n"
        f'  {{"Authorization": "Bearer {token}"}}\n'
        f"A first query (variables: {json.dumps({'id': household})}):\n{SAMPLE_QUERY}\n"
        "Or from a shell:\n"
        f"  curl -s {base}/graphql -H 'Content-Type: application/json' "
        f"-H 'Authorization: Bearer {token}' \\\n"
        f"    -d '{body}'\n"
    )
    out.flush()
    if args.no_serve:
        return 0
    from .serve import serve

    serve(args.host, args.port, path)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="build a demo database, make a coordinator token and serve the API")
    p.add_argument("--db", help=f"embedded database file (default: $DOLBOM_DB or {DEMO_DB})")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--households", type=int, default=2_000,
                   help="households in the synthetic province written on first run (default 2,000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic province (default 1)")
    p.add_argument("--no-serve", action="store_true",
                   help="build, make the token and print, but do not serve")
    p.set_defaults(func=run)
