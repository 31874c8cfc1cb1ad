"""Per-request DataLoaders: nested lists read the store once per batch, not
once per item.

A :class:`Loaders` is created with each request's context and dropped with it,
so nothing one caller read is ever served to another. Each loader's batch
reads the store through :func:`read`: in place when the store can read at once,
in a worker thread otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader

from graph.model import Record
from graph.store import Store
from service import reads
from service.principal import Principal

T = TypeVar("T")

async def read(store: Store, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(store, *args, **kwargs)``, a short read of ``store``'s records: in place when the store can
    read at once (``Store.at_once``: the embedded store's lock free and no other process's commit to
    replay first), in a worker thread otherwise (Neo4j: a round trip; a lock another request holds;
    a replay). The hop to a thread and back cost as much CPU as a directory page's read (issue 23);
    a read in memory holds the GIL in either place."""
    with store.at_once() as now:
        if now:
            return func(store, *args, **kwargs)
    return await run_in_threadpool(func, store, *args, **kwargs)


class Loaders:
    """The DataLoaders and lazily built indexes of one request."""

    def __init__(self, store: Store, principal: Principal) -> None:
        self.store = store
        self.principal = principal
        self._records: dict[str, DataLoader[str, Record | None]] = {}
        self.parts: DataLoader[str, reads.HouseholdParts | None] = DataLoader(self._load_parts)
        self._index: dict[str, Any] = {}

    def records(self, label: str) -> DataLoader[str, Record | None]:
        """The loader of one record kind: ``await loaders.records("Service").load(id)``."""
        loader = self._records.get(label)
        if loader is None:
            store = self.store

            async def load(keys: list[str]) -> list[Record | None]:
                return await read(store, reads.get_many, label, list(keys))

            loader = self._records[label] = DataLoader(load)
        return loader

    async def get(self, label: str, key: str) -> Record | None:
        return await self.records(label).load(key)

    async def get_many(self, label: str, keys: list[str] | tuple[str, ...]) -> list[Record]:
        """The records that exist, in the order of ``keys``."""
        found = await self.records(label).load_many(list(keys))
        return [r for r in found if r is not None]

    async def _load_parts(self, keys: list[str]) -> list[reads.HouseholdParts | None]:
        return await read(self.store, lambda s: [reads.household_parts(s, k) for k in keys])

    async def index(self, name: str) -> Any:
        """A directory index built once per request: ``services_by_provider``
        or ``agreements_by_partner``."""
        if name not in self._index:
            self._index[name] = await run_in_threadpool(getattr(reads, name), self.store)
        return self._index[name]
