"""A process's copy of the part of neighbourhood views that a region's households share.

A household's view on Neo4j (``cypher.NEIGHBOURHOOD``) is mostly its home
region's part: the region chain, the active services and volunteers serving
it, their providers and agreements, about 210 of a view's 215 records in the
100,000-household province. Every household of the region gets the same part,
so a process keeps the last one read per region, and the query leaves it out
when the process says it holds it.

A copy is good for one version of the network: the write lock's ``epoch`` (a
random id given to the lock node once) and ``network`` counter, which every
write to the kinds a part is made of raises (``cypher.NETWORK_CHANGED``), in
every process, as every write goes through the lock. The server compares
versions in the same query that reads the household, so a view never mixes a
part of an older version in, whichever process wrote last. Writes made to the
database by hand, outside Dolbom, do not raise the version: a copy is used for
at most :data:`MAX_AGE` seconds, which bounds how long such a change goes unseen.

Pure Python, without Cypher (``graph.neo4j_store`` reads and fills it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from .model import Record

#: seconds a region's part is used after it was read (a bound on missing a write made by hand)
MAX_AGE = 60.0
#: regions kept per version (a province has hundreds; past this, parts are read each time)
MAX_REGIONS = 5_000

Version = tuple[str, int]


class RegionParts:
    """Regions' parts read at one version of the network (:data:`Version`).

    A new version starts an empty copy; one of an older version is never
    mixed in, as the query decides whether to send a part by the version the
    caller names (:meth:`held`), and the caller then takes the part from the
    copy of that same version (:meth:`get`)."""

    def __init__(self, version: Version | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.version = version
        self._clock = clock
        self._parts: dict[str, tuple[float, Sequence[Record]]] = {}
        self._lock = threading.Lock()

    def held(self) -> list[str]:
        """The regions whose part this copy holds, read less than :data:`MAX_AGE` ago."""
        oldest = self._clock() - MAX_AGE
        with self._lock:
            return [region for region, (read, _) in self._parts.items() if read > oldest]

    def get(self, region: str) -> Sequence[Record]:
        """A held region's part (``KeyError`` if none: ask :meth:`held` first)."""
        return self._parts[region][1]

    def put(self, region: str, part: Sequence[Record]) -> None:
        with self._lock:
            if len(self._parts) < MAX_REGIONS or region in self._parts:
                self._parts[region] = (self._clock(), part)

    def __len__(self) -> int:
        return len(self._parts)


def query_params(parts: RegionParts) -> dict[str, Any]:
    """``NEIGHBOURHOOD``'s parameters naming what ``parts`` holds."""
    epoch, version = parts.version or ("", -1)
    return {"epoch": epoch, "version": version, "cached": parts.held()}
