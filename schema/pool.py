"""Bounded pools for heavy analytics: ``coverage``, ``overlaps``, ``network``,
``networkAnalytics`` and ``allocate`` (:data:`HEAVY_FIELDS`).

The analytics are CPU-bound Python (networkx views, the solver) that hold the
GIL for most of their run, and their answers are large (a province's network
is ~9,000 nodes and ~13,000 edges): completing such a list is most of a
second of graphql-core work. On the server's event loop and in starlette's
shared pool (40 threads) they starved everything else: directory reads waited
18 s and ``/healthz`` 1.7 s behind them. So:

* a request whose operation asks for one of them runs whole on an event loop
  of its own in one of ``Settings.heavy_workers`` threads (1 by default; the
  HTTP view, ``api.view``, hands it over). The server's loop only hands it over
  and sends the answer, and stays free for health checks and quick reads; while
  one runs, the GIL changes hands every millisecond (:func:`quick_switches`);
* the analysis itself runs in another pool of that many threads
  (:func:`run_heavy`), so the request's own loop can still end it at its time
  budget: an analysis still queued is dropped; one already running finishes
  in its thread and its answer is dropped.

At most ``2 × heavy_workers`` threads work on analytics at once, whatever the load.

``matchPackages`` is not one of them: its work is one household's neighbourhood view and a
small search, a few milliseconds like a directory page, not a province. It runs as a directory
read does, on the server's loop, in place when the embedded store can read at once
(``schema.loaders.read``; a worker thread otherwise, and on Neo4j), its audit entry's durable
commit in a worker thread. Behind the one analytics thread it ran at a third of the bare
function's throughput; whole in a pool of four threads of its own, at 0.87x, the threads'
hand-offs of the GIL costing more than the hops they saved (issue 23: bench/README.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from graph.switching import switch_interval

T = TypeVar("T")

#: the root queries whose requests run off the server's event loop, in the bounded analytics pool
HEAVY_FIELDS = frozenset({"coverage", "overlaps", "network", "networkAnalytics", "allocate"})
#: seconds a thread may hold the GIL while another waits for it, while an analytics request runs
#: (:func:`quick_switches`): shorter than Python's 5 ms, so the loop and quick reads get their turn
#: sooner beside seconds of CPU-bound analytics (tests/api_server/test_hardening.py: their p99 under
#: 200 ms beside looping reports). Not otherwise: with threads matching at once, switching every
#: millisecond cost matchPackages throughput (issue 23), and a match holds the GIL for milliseconds,
#: not seconds
HEAVY_SWITCH_INTERVAL = 0.001
#: the kinds of pool whose threads each run one whole request on a loop of their own
_REQUEST_KINDS = frozenset({"request"})

_pools: dict[tuple[str, int], ThreadPoolExecutor] = {}
_lock = threading.Lock()
_thread = threading.local()


def _mark_request_thread() -> None:
    _thread.runs_one_request = True


def on_request_thread() -> bool:
    """Whether this thread runs one whole request on a loop of its own (a ``request`` pool thread:
    an analytics request): there a store read or an audit write is done in place, as nothing else waits
    on the thread's loop; a hop to a worker thread would only add a thread switch each way."""
    return getattr(_thread, "runs_one_request", False)


def pool(workers: int, kind: str = "heavy") -> ThreadPoolExecutor:
    """The process's pool of ``workers`` threads of ``kind`` (``heavy``: analyses;
    ``request``: whole requests on loops of their own); made on first use."""
    with _lock:
        key = (kind, workers)
        if key not in _pools:
            _pools[key] = ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix=f"dolbom-{kind}",
                initializer=_mark_request_thread if kind in _REQUEST_KINDS else None)
        return _pools[key]


def quick_switches() -> contextlib.AbstractContextManager[None]:
    """The GIL switch interval at most :data:`HEAVY_SWITCH_INTERVAL` while the block runs: entered in
    the threads that do an analytics request's work (its request thread, the analysis), so that it
    lasts as long as their CPU work, also past a time budget that ended the request
    (graph.switching keeps the count across threads)."""
    return switch_interval(HEAVY_SWITCH_INTERVAL)


def _quickly(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with quick_switches():
        return func(*args, **kwargs)


async def run_heavy(workers: int, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in the heavy pool of ``workers`` threads; awaiting it can be cancelled."""
    call = functools.partial(contextvars.copy_context().run, _quickly, func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(pool(workers), call)
