"""Per-request DataLoaders: nested lists read the store once per batch, not
once per item.

A :class:`Loaders` is created with each request's context and dropped with it,
so nothing one caller read is ever served to another. Each loader's batch
function runs in a worker thread (see :mod:`schema.run`).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader

from graph.model import Record
from graph.store import Store
from service import reads
from service.principal import Principal

records_by_id = reads.records_by_id  # (schema.overlaps, schema.coverage_answer)


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
                return await run_in_threadpool(reads.get_many, store, label, list(keys))

            loader = self._records[label] = DataLoader(load)
        return loader

    async def get(self, label: str, key: str) -> Record | None:
        return await self.records(label).load(key)

    async def get_many(self, label: str, keys: list[str] | tuple[str, ...]) -> list[Record]:
        """The records that exist, in the order of ``keys``."""
        found = await self.records(label).load_many(list(keys))
        return [r for r in found if r is not None]

    async def _load_parts(self, keys: list[str]) -> list[reads.HouseholdParts | None]:
        store = self.store
        return await run_in_threadpool(lambda: [reads.household_parts(store, k) for k in keys])

    async def index(self, name: str) -> Any:
        """A directory index built once per request: ``services_by_provider``
        or ``agreements_by_partner``."""
        if name not in self._index:
            self._index[name] = await run_in_threadpool(getattr(reads, name), self.store)
        return self._index[name]
