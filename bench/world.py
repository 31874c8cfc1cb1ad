"""The benches' worlds: :mod:`loaders.synthetic` at the shapes the benches measure, and their loading.

Every bench builds its graph from the one synthetic generator; what differs is the shape:

* :func:`store_world` (``bench_store.py``): one province (Gyeonggi) whose households
  each already receive 5-10 services, with 0.30 services and 0.15 volunteers per
  household — a heavy neighbourhood for the store to cut;
* :func:`match_world` (``bench_match.py``, ``bench_allocate.py``, ``bench_coverage.py``):
  the nine provinces, exactly ``services`` services and ``volunteers`` volunteers,
  0-3 services received per household;
* ``bench_load.py`` and ``bench_api.py`` take the demo's shape (:func:`loaders.synthetic.generate`).

Import it as ``from bench import world`` (the repository root on ``sys.path``).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from graph.errors import ValidationError
from graph.model import Record
from loaders.synthetic import Shape, generate, partner_services

#: the kinds in an order a store can write without forward references
KINDS = ("Region", "Organization", "Agreement", "Service", "Volunteer", "Household", "Need", "Referral",
         "Receipt")
BATCH = 10_000


def by_kind(records: Iterable[Record]) -> list[tuple[str, list[Record]]]:
    """``records`` grouped by kind (in :data:`KINDS` order, each kind in stream order)."""
    groups: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    for r in records:
        groups[r.LABEL].append(r)
    return [(kind, recs) for kind, recs in groups.items() if recs]


def store_world(households: int, seed: int) -> list[tuple[str, list[Record]]]:
    """The store bench's world, kind by kind: Gyeonggi, 0.30 services and 0.15 volunteers per
    household, each household already receiving 5-10 of the services it qualifies for."""
    services = max(partner_services(1), round(0.30 * households))
    return by_kind(generate(households, seed, services=services, volunteers=max(1, round(0.15 * households)),
                            receipts=(5, 10)))


MATCH_PROVINCES = 9


def match_world(households: int, services: int, volunteers: int, seed: int,
                provinces: int = MATCH_PROVINCES) -> list[tuple[str, list[Record]]]:
    """The matching benches' world, kind by kind: ``provinces`` provinces (Gyeonggi first), exactly
    ``services`` services and ``volunteers`` volunteers, 0-3 services received per household."""
    return by_kind(generate(households, seed, provinces=provinces, services=services, volunteers=volunteers,
                            receipts=(0, 3)))


def match_world_error(households: int, services: int, volunteers: int,
                      provinces: int = MATCH_PROVINCES) -> str | None:
    """Why these sizes make no matching world (a message naming the flag), or None."""
    try:
        Shape(households, provinces, services, volunteers).check()
    except ValidationError as e:
        return f"--{e.field}: {e.message}"
    return None


def synthetic_view(households: int, seed: int,
                   tally: Callable[[list[Record]], Any] | None = None) -> dict[str, Any]:
    """The one synthetic world's networkx view (:func:`loaders.synthetic.records`), for the benches
    that time reads of one view: ``graph``, ``generate_s``, ``build_view_s``, and ``tally(records)``
    when given (counted before the records are dropped). The records go and the view is frozen out
    of the garbage collector's reach, as the embedded store does once it has loaded its view."""
    from graph.view import build_graph
    from loaders import synthetic

    t = time.perf_counter()
    records = list(synthetic.records(households=households, seed=seed))
    generated = time.perf_counter() - t
    t = time.perf_counter()
    g = build_graph(records)
    built = time.perf_counter() - t
    counted = tally(records) if tally is not None else None
    del records
    gc.collect()
    gc.freeze()
    return {"graph": g, "generate_s": generated, "build_view_s": built, "tally": counted}


def load(store: Any, batches: Iterable[tuple[str, list[Record]]], out: TextIO | None = None,
         batch: int = BATCH) -> dict[str, Any]:
    """Write every kind in units of work of at most ``batch`` records; a line per kind to ``out``."""
    t0, n, units = time.perf_counter(), 0, 0
    for kind, recs in batches:
        for i in range(0, len(recs), batch):
            with store.unit_of_work() as uow:
                uow.put_many(recs[i:i + batch])
            units += 1
        n += len(recs)
        if out is not None:
            out.write(f"  loaded {kind:<12} {len(recs):>9,} ({time.perf_counter() - t0:6.1f} s)\n")
            out.flush()
    return {"records": n, "units_of_work": units, "seconds": time.perf_counter() - t0}
