"""The bounded pool for heavy analytics: ``coverage``, ``overlaps``, ``network``,
``allocate`` and ``matchPackages``.

Every blocking call of a resolver runs in a worker thread. The analytics are
CPU-bound Python (networkx views, the solver) and hold the GIL for most of
their run; in starlette's shared pool (40 threads) thirty of them at once
starve everything else: directory reads waited 18 s and ``/healthz`` 1.7 s
behind them. Here they queue for a pool of ``Settings.heavy_workers``
threads (1 by default) of their own, so at most that many compete with the
event loop and the quick reads, whatever the load. A request that ends
(its time budget) while its analysis still waits in the queue takes it out
of the queue; one already running finishes in its thread and its answer is
dropped.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_pools: dict[int, ThreadPoolExecutor] = {}
_lock = threading.Lock()


def pool(workers: int) -> ThreadPoolExecutor:
    """The process's pool of ``workers`` threads for heavy work (made on first use)."""
    with _lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dolbom-heavy")
        return _pools[workers]


async def run_heavy(workers: int, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in the heavy pool of ``workers`` threads; awaiting it can be cancelled."""
    call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(pool(workers), call)
