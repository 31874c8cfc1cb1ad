"""Running blocking work off the event loop.

The GraphQL view is async (strawberry's ASGI view, DataLoaders batching per
tick). Every store read, write and matching call is blocking, so resolvers
hand it to a worker thread with :func:`blocking`; the event loop keeps
serving other requests meanwhile (strawberry #3187: a blocking resolver in an
async view serializes every request). The stores are thread-safe; the
solvers release the GIL inside HiGHS and numpy for the heavy parts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread

T = TypeVar("T")


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in anyio's worker thread pool."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
